#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System;
using LeoCarte.Terminal.Config;

namespace LeoCarte.Terminal.Tests.Config
{
    /// <summary>Europe/Paris by hand: EU summer time from 01:00 UTC on the last Sunday of March to the last Sunday of October.</summary>
    [TestClass]
    public class LocalTimeRuleTests
    {
        [TestMethod]
        [DataRow(2026, 3, 29)]
        [DataRow(2026, 10, 25)]
        [DataRow(2027, 3, 28)]
        [DataRow(2027, 10, 31)]
        public void LastSundayOfTheMonth(int year, int month, int day)
        {
            DateTime sunday = LocalTimeRule.LastSundayOf(year, month);
            Assert.AreEqual(day, sunday.Day);
            Assert.AreEqual((int)DayOfWeek.Sunday, (int)sunday.DayOfWeek);
        }

        [TestMethod]
        public void ParisSwitchesAtOneOClockUtcOnBothTransitions()
        {
            LocalTimeRule paris = LocalTimeRule.EuropeParis();
            Assert.AreEqual(60, paris.OffsetMinutesAt(new DateTime(2026, 3, 29, 0, 59, 59)));
            Assert.AreEqual(120, paris.OffsetMinutesAt(new DateTime(2026, 3, 29, 1, 0, 0)));
            Assert.AreEqual(120, paris.OffsetMinutesAt(new DateTime(2026, 10, 25, 0, 59, 59)));
            Assert.AreEqual(60, paris.OffsetMinutesAt(new DateTime(2026, 10, 25, 1, 0, 0)));
            Assert.AreEqual(60, paris.OffsetMinutesAt(new DateTime(2026, 1, 15, 12, 0, 0)));
            Assert.AreEqual(120, paris.OffsetMinutesAt(new DateTime(2026, 7, 14, 12, 0, 0)));
        }

        [TestMethod]
        public void LunchStartsAtElevenThirtyLocalInWinterAndSummer()
        {
            LocalTimeRule paris = LocalTimeRule.EuropeParis();
            Assert.AreEqual(11 * 60 + 30, paris.LocalMinuteOfDay(new DateTime(2026, 11, 26, 10, 30, 0)));
            Assert.AreEqual(11 * 60 + 30, paris.LocalMinuteOfDay(new DateTime(2026, 6, 15, 9, 30, 0)));
            Assert.AreEqual(0, paris.LocalMinuteOfDay(new DateTime(2026, 12, 31, 23, 0, 0)), "new year's midnight in Paris");
        }

        [TestMethod]
        public void FixedOffsetsNeverChange()
        {
            LocalTimeRule minus = new LocalTimeRule(TimeZoneKind.FixedOffset, -210);
            Assert.AreEqual(-210, minus.OffsetMinutesAt(new DateTime(2026, 7, 1)));
            Assert.AreEqual("UTC-03:30", minus.ToString());
            Assert.AreEqual("UTC", new LocalTimeRule(TimeZoneKind.FixedOffset, 0).ToString());
        }
    }
}
