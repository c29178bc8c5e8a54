using System;

namespace LeoCarte.Terminal.Time
{
    /// <summary>
    /// The EU summer-time rule (Directive 2000/84/EC art. 2–3): from 01:00 UTC on the last Sunday of March to
    /// 01:00 UTC on the last Sunday of October, the same instant in every member state. nanoFramework has no
    /// time-zone database (and no DateTime.Now), so the terminal applies this rule itself; the configuration's
    /// time zone and the decision engine's service windows both go through here. Structs only: no allocation.
    /// </summary>
    public static class EuropeanSummerTime
    {
        /// <summary>True when summer time is in force at the instant <paramref name="utc"/>.</summary>
        public static bool IsInEffect(DateTime utc)
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

            long switchTicks = LastSundayOf(utc.Year, month).Ticks + TimeSpan.TicksPerHour;
            return month == 3 ? utc.Ticks >= switchTicks : utc.Ticks < switchTicks;
        }

        /// <summary>Midnight of the last Sunday of <paramref name="month"/>.</summary>
        public static DateTime LastSundayOf(int year, int month)
        {
            DateTime last = new DateTime(year, month, DateTime.DaysInMonth(year, month));
            return new DateTime(last.Ticks - (int)last.DayOfWeek * TimeSpan.TicksPerDay);
        }
    }
}
