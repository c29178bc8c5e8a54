using System;

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

        /// <summary>
        /// EU summer time (Directive 2000/84/EC art. 2–3): from 01:00 UTC on the last Sunday of March to 01:00 UTC on
        /// the last Sunday of October, the same instant in every member state.
        /// </summary>
        public static bool IsEuropeanSummerTime(DateTime utc)
        {
            int month = utc.Month;
            if (month < 3 || month > 10)
            {
                return false;
            }

            if (month > 3 && month < 10)
            {
                return true;
            }

            long switchTicks = LastSundayOneAmUtc(utc.Year, month);
            return month == 3 ? utc.Ticks >= switchTicks : utc.Ticks < switchTicks;
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

        private static long LastSundayOneAmUtc(int year, int month)
        {
            DateTime last = new DateTime(year, month, DateTime.DaysInMonth(year, month), 1, 0, 0);
            return last.Ticks - (int)last.DayOfWeek * TimeSpan.TicksPerDay;
        }
    }
}
