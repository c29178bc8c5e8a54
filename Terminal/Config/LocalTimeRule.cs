using System;
using LeoCarte.Terminal.Time;

namespace LeoCarte.Terminal.Config
{
    /// <summary>
    /// UTC to local time without a time-zone database (nanoFramework has none, and DateTime.Now is absent).
    /// Europe/Paris is UTC+1, and UTC+2 during EU summer time, which by Directive 2000/84/EC (art. 2 and 3)
    /// begins at 01:00 UTC on the last Sunday of March and ends at 01:00 UTC on the last Sunday of October,
    /// the same instant in every member state.
    /// </summary>
    public sealed class LocalTimeRule
    {
        public TimeZoneKind Kind;

        /// <summary>Offset from UTC outside summer time, in minutes (60 for Europe/Paris).</summary>
        public int StandardOffsetMinutes;

        public LocalTimeRule(TimeZoneKind kind, int standardOffsetMinutes)
        {
            Kind = kind;
            StandardOffsetMinutes = standardOffsetMinutes;
        }

        /// <summary>The rule of every LéoCarte site: Central European Time with EU summer time.</summary>
        public static LocalTimeRule EuropeParis() => new LocalTimeRule(TimeZoneKind.EuropeanSummerTime, 60);

        /// <summary>Offset from UTC in minutes at the instant <paramref name="utc"/>.</summary>
        public int OffsetMinutesAt(DateTime utc)
        {
            if (Kind == TimeZoneKind.EuropeanSummerTime && IsEuropeanSummerTime(utc))
            {
                return StandardOffsetMinutes + 60;
            }

            return StandardOffsetMinutes;
        }

        /// <summary>Local wall-clock time at the instant <paramref name="utc"/>.</summary>
        public DateTime ToLocal(DateTime utc) => utc.AddMinutes(OffsetMinutesAt(utc));

        /// <summary>Minutes since local midnight (0..1439) at the instant <paramref name="utc"/>.</summary>
        public int LocalMinuteOfDay(DateTime utc)
        {
            DateTime local = ToLocal(utc);
            return local.Hour * 60 + local.Minute;
        }

        /// <summary>"Europe/Paris", "UTC" or "UTC+01:00": the configuration file's spelling of this rule.</summary>
        public override string ToString()
        {
            if (Kind == TimeZoneKind.EuropeanSummerTime && StandardOffsetMinutes == 60)
            {
                return "Europe/Paris";
            }

            if (StandardOffsetMinutes == 0 && Kind == TimeZoneKind.FixedOffset)
            {
                return "UTC";
            }

            int magnitude = StandardOffsetMinutes < 0 ? -StandardOffsetMinutes : StandardOffsetMinutes;
            string text = "UTC" + (StandardOffsetMinutes < 0 ? "-" : "+") + ServiceWindow.FormatMinute(magnitude);
            return Kind == TimeZoneKind.EuropeanSummerTime ? text + " with EU summer time" : text;
        }

        /// <summary>True from 01:00 UTC on the last Sunday of March until 01:00 UTC on the last Sunday of October.</summary>
        public static bool IsEuropeanSummerTime(DateTime utc) => EuropeanSummerTime.IsInEffect(utc);

        /// <summary>Midnight of the last Sunday of <paramref name="month"/>.</summary>
        public static DateTime LastSundayOf(int year, int month) => EuropeanSummerTime.LastSundayOf(year, month);
    }
}
