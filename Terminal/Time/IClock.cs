using System;

namespace LeoCarte.Terminal.Time
{
    /// <summary>
    /// Time as the terminal knows it: UTC wall-clock time that may be wrong until SNTP has answered, whether it
    /// has been synced, and a monotonic millisecond counter that never jumps (for intervals, debouncing and
    /// timeouts). Device: nanoFramework's DateTime.UtcNow plus Sntp; host: the machine clock or a test clock.
    /// </summary>
    public interface IClock
    {
        /// <summary>Current UTC time; only trustworthy when <see cref="IsSynced"/> is true.</summary>
        DateTime UtcNow { get; }

        /// <summary>True once the time has been set from a trusted source (SNTP or the gateway) since boot.</summary>
        bool IsSynced { get; }

        /// <summary>Milliseconds since an arbitrary origin, monotonic, unaffected by wall-clock changes.</summary>
        long MonotonicMilliseconds { get; }
    }
}
