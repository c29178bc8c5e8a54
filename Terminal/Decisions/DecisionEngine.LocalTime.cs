using System;

namespace LeoCarte.Terminal.Decisions
{
    /// <summary>Local time of a tap: the UTC offset of the last conversion kept with the span where it holds.</summary>
    public sealed partial class DecisionEngine
    {
        // The UTC span over which the local offset of the last conversion holds (LocalTicks), and the rule it was worked
        // out under. Starts empty (from > to). Guarded by sync like every caller.
        private long localFromTicks = long.MaxValue;
        private long localToTicks = long.MinValue;
        private long localOffsetTicks;
        private LocalTimeSettings localRule;
        private int localRuleOffsetMinutes;
        private bool localRuleSummerTime;

        /// <summary>
        /// The ticks of <see cref="LocalTime.FromUtc"/> of <paramref name="utc"/> under the settings' rule (a count, not a
        /// DateTime: the tap wants its day and minute, and a DateTime would be built and taken apart again), with the offset of the last
        /// call reused while the instant stays in the span where that offset holds (LocalTime.OffsetTicks: up to the next
        /// EU switch or the end of the year) and the rule is unchanged: one comparison per tap instead of working out the
        /// last Sundays of the month. Callers hold sync.
        /// </summary>
        private long LocalTicks(DateTime utc)
        {
            long ticks = utc.Ticks;
            LocalTimeSettings rule = settings.LocalTime;
            if (ticks < localFromTicks || ticks >= localToTicks || rule != localRule || rule.UtcOffsetMinutes != localRuleOffsetMinutes
                || rule.EuropeanSummerTime != localRuleSummerTime)
            {
                localOffsetTicks = LocalTime.OffsetTicks(utc, rule, out localFromTicks, out localToTicks);
                localRule = rule;
                localRuleOffsetMinutes = rule.UtcOffsetMinutes;
                localRuleSummerTime = rule.EuropeanSummerTime;
            }

            return ticks + localOffsetTicks;
        }

        /// <summary><see cref="LocalTime.DayNumber"/> of local time given as ticks.</summary>
        private static int DayNumberOf(long localTicks)
        {
            return (int)(localTicks / TimeSpan.TicksPerDay);
        }

        /// <summary><see cref="LocalTime.MinuteOfDay"/> of local time given as ticks.</summary>
        private static int MinuteOfDayOf(long localTicks)
        {
            return (int)((localTicks % TimeSpan.TicksPerDay) / TimeSpan.TicksPerMinute);
        }
    }
}
