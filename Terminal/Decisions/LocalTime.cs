using System;
using LeoCarte.Terminal.Time;

namespace LeoCarte.Terminal.Decisions
{
    /// <summary>UTC → local time for service windows and daily caps; structs only, no allocation.</summary>
    public static class LocalTime
    {
        /// <summary>Local time for <paramref name="utc"/> under <paramref name="settings"/>.</summary>
        public static DateTime FromUtc(DateTime utc, LocalTimeSettings settings)
        {
            long offsetMinutes = settings.UtcOffsetMinutes;
            if (settings.EuropeanSummerTime && IsEuropeanSummerTime(utc))
            {
                offsetMinutes += 60;
            }

            return new DateTime(utc.Ticks + offsetMinutes * TimeSpan.TicksPerMinute);
        }

        /// <summary>EU summer time at <paramref name="utc"/> (<see cref="EuropeanSummerTime"/>).</summary>
        public static bool IsEuropeanSummerTime(DateTime utc)
        {
            return EuropeanSummerTime.IsInEffect(utc);
        }

        /// <summary>Days since 0001-01-01 of a local time: the key of a local day.</summary>
        public static int DayNumber(DateTime local)
        {
            return (int)(local.Ticks / TimeSpan.TicksPerDay);
        }

        /// <summary>Minutes since local midnight.</summary>
        public static int MinuteOfDay(DateTime local)
        {
            return (int)((local.Ticks % TimeSpan.TicksPerDay) / TimeSpan.TicksPerMinute);
        }
    }
}
