using System;

namespace LeoCarte.Terminal.Time
{
    /// <summary>
    /// The one conversion between Unix time (seconds or milliseconds since 1970-01-01T00:00:00Z, as the wire
    /// formats, the HTTP headers and the journal carry it) and <see cref="DateTime"/>. Values from outside come
    /// from flash or the network and can be anything, so the conversion to DateTime is clamped to
    /// 1970-01-01 .. DateTime.MaxValue (9999 on .NET, earlier on nanoFramework) and never throws (an unclamped <c>new DateTime(ticks)</c> throws
    /// ArgumentOutOfRangeException for a forged header or a corrupt record).
    /// </summary>
    public static class UnixTime
    {
        /// <summary>Ticks of 1970-01-01T00:00:00Z (DateTime.UnixEpoch is not on every nanoFramework build).</summary>
        public const long EpochTicks = 621355968000000000L;

        /// <summary>
        /// The last whole second DateTime can hold: 9999-12-31T23:59:59Z on .NET, but nanoFramework's DateTime
        /// ends earlier (its own DateTime.MaxValue), so the bound is read from the runtime, not written
        /// as a constant (a constant 9999 bound threw ArgumentOutOfRangeException on nanoCLR).
        /// </summary>
        /// <remarks>A property read at each call, not a static readonly field: on nanoCLR a static field
        /// initialised from DateTime.MaxValue held a wrong value (the conversions returned 1601-01-01).</remarks>
        public static long MaxSeconds
        {
            get { return (DateTime.MaxValue.Ticks - EpochTicks) / TimeSpan.TicksPerSecond; }
        }

        /// <summary>The last whole millisecond DateTime can hold on this runtime (see <see cref="MaxSeconds"/>).</summary>
        public static long MaxMilliseconds
        {
            get { return (DateTime.MaxValue.Ticks - EpochTicks) / TimeSpan.TicksPerMillisecond; }
        }

        /// <summary>UTC DateTime of Unix seconds, clamped to 1970 .. DateTime.MaxValue.</summary>
        public static DateTime FromSeconds(long seconds)
        {
            long max = MaxSeconds;
            if (seconds < 0)
            {
                seconds = 0;
            }
            else if (seconds > max)
            {
                seconds = max;
            }

            return new DateTime(EpochTicks + seconds * TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        }

        /// <summary>UTC DateTime of Unix milliseconds, clamped to 1970 .. DateTime.MaxValue.</summary>
        public static DateTime FromMilliseconds(long milliseconds)
        {
            long max = MaxMilliseconds;
            if (milliseconds < 0)
            {
                milliseconds = 0;
            }
            else if (milliseconds > max)
            {
                milliseconds = max;
            }

            return new DateTime(EpochTicks + milliseconds * TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        }

        /// <summary>Unix seconds of a UTC DateTime (whole seconds, rounded toward the epoch; negative before 1970).</summary>
        public static long ToSeconds(DateTime utc)
        {
            return (utc.Ticks - EpochTicks) / TimeSpan.TicksPerSecond;
        }

        /// <summary>Unix milliseconds of a UTC DateTime (rounded toward the epoch; negative before 1970).</summary>
        public static long ToMilliseconds(DateTime utc)
        {
            return (utc.Ticks - EpochTicks) / TimeSpan.TicksPerMillisecond;
        }
    }
}
