using System;

namespace LeoCarte.Terminal.Time
{
    /// <summary>
    /// The one conversion between Unix time (seconds or milliseconds since 1970-01-01T00:00:00Z, as the wire
    /// formats, the HTTP headers and the journal carry it) and <see cref="DateTime"/>. Values from outside come
    /// from flash or the network and can be anything, so the conversion to DateTime is clamped to
    /// 1970-01-01 .. 9999-12-31T23:59:59.999Z and never throws (an unclamped <c>new DateTime(ticks)</c> throws
    /// ArgumentOutOfRangeException for a forged header or a corrupt record).
    /// </summary>
    public static class UnixTime
    {
        /// <summary>Ticks of 1970-01-01T00:00:00Z (DateTime.UnixEpoch is not on every nanoFramework build).</summary>
        public const long EpochTicks = 621355968000000000L;

        /// <summary>9999-12-31T23:59:59Z, the last whole second DateTime can hold.</summary>
        public const long MaxSeconds = 253402300799L;

        /// <summary>9999-12-31T23:59:59.999Z, the last whole millisecond DateTime can hold.</summary>
        public const long MaxMilliseconds = 253402300799999L;

        /// <summary>UTC DateTime of Unix seconds, clamped to 1970 .. 9999.</summary>
        public static DateTime FromSeconds(long seconds)
        {
            if (seconds < 0)
            {
                seconds = 0;
            }
            else if (seconds > MaxSeconds)
            {
                seconds = MaxSeconds;
            }

            return new DateTime(EpochTicks + seconds * TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        }

        /// <summary>UTC DateTime of Unix milliseconds, clamped to 1970 .. 9999.</summary>
        public static DateTime FromMilliseconds(long milliseconds)
        {
            if (milliseconds < 0)
            {
                milliseconds = 0;
            }
            else if (milliseconds > MaxMilliseconds)
            {
                milliseconds = MaxMilliseconds;
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
