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

        /// <summary>
        /// The offset from UTC (in ticks) in force at <paramref name="utc"/> under <paramref name="settings"/>, and the UTC
        /// span [<paramref name="fromTicks"/>, <paramref name="toTicks"/>) around it over which that offset does not change:
        /// the calendar year cut at the EU switches (01:00 UTC on the last Sunday of March and of October), or forever
        /// without summer time. Lets a caller convert many instants with one comparison each (DecisionEngine keeps the
        /// span of the last tap: FromUtc works out the switch dates of the month on every call, ≈ 140 interpreted IL
        /// instructions in March and October). Same result as <see cref="FromUtc"/> for every instant of the span.
        /// </summary>
        public static long OffsetTicks(DateTime utc, LocalTimeSettings settings, out long fromTicks, out long toTicks)
        {
            long standard = settings.UtcOffsetMinutes * TimeSpan.TicksPerMinute;
            if (!settings.EuropeanSummerTime)
            {
                fromTicks = long.MinValue;
                toTicks = long.MaxValue;
                return standard;
            }

            int year = utc.Year;
            long yearStart = new DateTime(year, 1, 1).Ticks;
            long yearEnd = yearStart + (DateTime.DaysInMonth(year, 2) == 29 ? 366 : 365) * TimeSpan.TicksPerDay;
            long spring = EuropeanSummerTime.LastSundayOf(year, 3).Ticks + TimeSpan.TicksPerHour;
            long autumn = EuropeanSummerTime.LastSundayOf(year, 10).Ticks + TimeSpan.TicksPerHour;
            long ticks = utc.Ticks;
            if (ticks < spring)
            {
                fromTicks = yearStart;
                toTicks = spring;
                return standard;
            }

            if (ticks < autumn)
            {
                fromTicks = spring;
                toTicks = autumn;
                return standard + TimeSpan.TicksPerHour;
            }

            fromTicks = autumn;
            toTicks = yearEnd;
            return standard;
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
