using System;

namespace LeoCarte.Terminal.Sync
{
    /// <summary>
    /// The hardware side of the clock: the system time that SNTP sets on the device, a way to set it by hand
    /// (nanoFramework Rtc.SetSystemTime) and a monotonic tick (Environment.TickCount64). Host: machine clock
    /// plus an offset, or a test clock.
    /// </summary>
    public interface IClockHardware
    {
        DateTime UtcNow { get; }

        long MonotonicMilliseconds { get; }

        /// <summary>Sets the system wall-clock time.</summary>
        void SetUtc(DateTime utc);
    }
}
