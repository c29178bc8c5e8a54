#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Tests.Support;
using LeoCarte.Terminal.Time;

namespace LeoCarte.Terminal.Tests.Decisions
{
    /// <summary>
    /// LocalTime.OffsetTicks (the offset with the UTC span where it holds) and the decision engine's kept offset: the same
    /// local time as LocalTime.FromUtc at the EU switches (Directive 2000/84/EC: 01:00 UTC on the last Sunday of March
    /// and of October, Europe/Paris +1 h / +2 h), at year ends, and after the rule changes.
    /// </summary>
    [TestClass]
    public class LocalTimeSpanTests
    {
        [TestMethod]
        public void OffsetSpanAgreesWithFromUtcAroundEverySwitch()
        {
            LocalTimeSettings paris = new LocalTimeSettings();
            int checkedInstants = 0;
            for (int year = 2024; year <= 2031; year++)
            {
                DateTime[] marks =
                {
                    EuropeanSummerTime.LastSundayOf(year, 3).AddHours(1),
                    EuropeanSummerTime.LastSundayOf(year, 10).AddHours(1),
                    new DateTime(year, 1, 1),
                    new DateTime(year, 12, 31, 23, 0, 0),
                };
                long[] steps = { -TimeSpan.TicksPerHour, -TimeSpan.TicksPerSecond, -1, 0, 1, TimeSpan.TicksPerSecond, TimeSpan.TicksPerHour };
                for (int m = 0; m < marks.Length; m++)
                {
                    for (int s = 0; s < steps.Length; s++)
                    {
                        DateTime utc = new DateTime(marks[m].Ticks + steps[s]);
                        long from;
                        long to;
                        long offset = LocalTime.OffsetTicks(utc, paris, out from, out to);
                        Assert.AreEqual(LocalTime.FromUtc(utc, paris).Ticks, utc.Ticks + offset, "offset at " + utc.Ticks.ToString());
                        Assert.IsTrue(from <= utc.Ticks && utc.Ticks < to, "span holds the instant " + utc.Ticks.ToString());
                        Assert.AreEqual(LocalTime.FromUtc(new DateTime(from), paris).Ticks, from + offset, "offset at the span's start");
                        Assert.AreEqual(LocalTime.FromUtc(new DateTime(to - 1), paris).Ticks, to - 1 + offset, "offset at the span's last tick");
                        checkedInstants++;
                    }
                }
            }

            Assert.AreEqual(8 * 4 * 7, checkedInstants);
        }

        [TestMethod]
        public void SpansEndExactlyAtOneUtcOnTheLastSundays()
        {
            LocalTimeSettings paris = new LocalTimeSettings();
            long from;
            long to;
            Assert.AreEqual(TimeSpan.TicksPerHour, LocalTime.OffsetTicks(new DateTime(2026, 3, 29, 0, 59, 59), paris, out from, out to));
            Assert.AreEqual(new DateTime(2026, 1, 1).Ticks, from);
            Assert.AreEqual(new DateTime(2026, 3, 29, 1, 0, 0).Ticks, to);
            Assert.AreEqual(2 * TimeSpan.TicksPerHour, LocalTime.OffsetTicks(new DateTime(2026, 3, 29, 1, 0, 0), paris, out from, out to));
            Assert.AreEqual(new DateTime(2026, 3, 29, 1, 0, 0).Ticks, from);
            Assert.AreEqual(new DateTime(2026, 10, 25, 1, 0, 0).Ticks, to);
            Assert.AreEqual(TimeSpan.TicksPerHour, LocalTime.OffsetTicks(new DateTime(2026, 10, 25, 1, 0, 0), paris, out from, out to));
            Assert.AreEqual(new DateTime(2027, 1, 1).Ticks, to);
            Assert.AreEqual(TimeSpan.TicksPerHour, LocalTime.OffsetTicks(new DateTime(2028, 12, 31, 23, 59, 59), paris, out from, out to));
            Assert.AreEqual(new DateTime(2029, 1, 1).Ticks, to, "2028 is a leap year");

            LocalTimeSettings fixedOffset = new LocalTimeSettings();
            fixedOffset.UtcOffsetMinutes = -180;
            fixedOffset.EuropeanSummerTime = false;
            Assert.AreEqual(-3 * TimeSpan.TicksPerHour, LocalTime.OffsetTicks(new DateTime(2026, 7, 1), fixedOffset, out from, out to));
            Assert.IsTrue(from < new DateTime(1, 1, 2).Ticks && to > DateTime.MaxValue.Ticks, "no switch: the offset holds for ever");
        }

        [TestMethod]
        public void EngineFollowsTheSpringSwitchBetweenTwoTaps()
        {
            // A night window 02:30-03:15 local: at 00:59:59 UTC Paris reads 01:59:59 (outside), one second later 03:00:00 (inside).
            TestTerminal t = NightTerminal();
            t.Clock.Now = new DateTime(2026, 3, 29, 0, 59, 59);
            ExpectEnum.Equal(ReasonCode.OutsideServiceHours, Tap(t, 1).Reason);
            t.Clock.Now = new DateTime(2026, 3, 29, 1, 0, 0);
            Decision d = Tap(t, 2);
            Assert.IsTrue(d.Approved, "03:00 summer time is inside the window");
            t.Clock.Now = new DateTime(2026, 3, 29, 1, 15, 0);
            ExpectEnum.Equal(ReasonCode.OutsideServiceHours, Tap(t, 3).Reason, "03:15 summer time: the window has ended");
        }

        [TestMethod]
        public void EngineFollowsTheAutumnSwitchBetweenTwoTaps()
        {
            // At 00:59:59 UTC Paris reads 02:59:59 summer time (inside), one second later 02:00:00 winter time (outside).
            TestTerminal t = NightTerminal();
            t.Clock.Now = new DateTime(2026, 10, 25, 0, 59, 59);
            Assert.IsTrue(Tap(t, 1).Approved, "02:59:59 summer time is inside the window");
            t.Clock.Now = new DateTime(2026, 10, 25, 1, 0, 0);
            ExpectEnum.Equal(ReasonCode.OutsideServiceHours, Tap(t, 2).Reason, "02:00 winter time is before the window");
            t.Clock.Now = new DateTime(2026, 10, 25, 1, 30, 0);
            Assert.IsTrue(Tap(t, 3).Approved, "02:30 winter time: inside the window again");
        }

        [TestMethod]
        public void EngineTakesAChangedRuleAtTheNextTap()
        {
            TestTerminal t = NightTerminal();
            t.Clock.Now = new DateTime(2026, 7, 1, 0, 45, 0); // 02:45 in Paris (summer time): inside
            Assert.IsTrue(Tap(t, 1).Approved);
            t.Settings.LocalTime.EuropeanSummerTime = false; // 01:45: outside
            ExpectEnum.Equal(ReasonCode.OutsideServiceHours, Tap(t, 2).Reason);
            t.Settings.LocalTime.UtcOffsetMinutes = 120; // 02:45 again
            Assert.IsTrue(Tap(t, 3).Approved);
            LocalTimeSettings other = new LocalTimeSettings();
            other.UtcOffsetMinutes = 0;
            other.EuropeanSummerTime = false;
            t.Settings.LocalTime = other; // 00:45: outside
            ExpectEnum.Equal(ReasonCode.OutsideServiceHours, Tap(t, 4).Reason);
        }

        private static TestTerminal NightTerminal()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            t.Settings.Restaurant.Windows = new ServiceWindow[] { new ServiceWindow("Nuit", 2, 30, 3, 15, 100) };
            for (int n = 1; n <= 4; n++)
            {
                t.List.Add(TestTerminal.Uid7(700 + n), CardState.Active, 7000 + n);
            }

            return t;
        }

        private static Decision Tap(TestTerminal t, int card)
        {
            t.List.Issued = t.Clock.Now;
            t.Clock.Monotonic += 60000;
            return t.Tap(TestTerminal.Uid7(700 + card));
        }
    }
}
