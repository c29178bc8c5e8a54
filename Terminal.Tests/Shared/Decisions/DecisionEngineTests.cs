#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Tests.Support;

namespace LeoCarte.Terminal.Tests.Decisions
{
    /// <summary>Each reason of the decision engine, in isolation (restaurant mode unless stated).</summary>
    [TestClass]
    public partial class DecisionEngineTests
    {
        [TestMethod]
        public void ActiveCardInLunchIsApprovedJournaledAndCounted()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            byte[] uid = TestTerminal.Uid7(1);
            t.List.Add(uid, CardState.Active, 1001);
            Decision d = t.Tap(uid);
            Assert.IsTrue(d.Approved);
            ExpectEnum.Equal(ReasonCode.Approved, d.Reason);
            Assert.AreEqual(ReasonText.MealApprovedFrench, d.MessageFrench);
            Assert.AreEqual(ReasonText.MealApprovedEnglish, d.MessageEnglish);
            Assert.AreEqual(100, d.AmountCents);
            Assert.AreEqual(1, d.ItemCode, "lunch is window 1");
            Assert.AreEqual("Déjeuner", d.ServiceName);
            Assert.IsTrue(d.Journaled);
            Assert.AreEqual(1L, d.JournalSequence);
            Assert.AreEqual(1, t.Engine.Counters.Entries);

            JournalRecord record = new JournalRecord();
            Assert.IsTrue(t.Journal.TryRead(1, record));
            Assert.IsTrue(record.Approved);
            Assert.IsTrue(record.ClockSynced);
            Assert.IsTrue(record.CardListed);
            Assert.AreEqual(1001, record.HolderKey);
            Assert.AreEqual(7, record.UidLength);
            Assert.AreEqual(100, record.AmountCents);
            Assert.AreEqual(1L, record.ListVersion);
            Assert.AreEqual(TestTerminal.LunchUtc, record.TimeUtc);
        }

        [TestMethod]
        [DataRow((byte)1, (byte)2)] // NotYetActivated
        [DataRow((byte)2, (byte)3)] // Lost
        [DataRow((byte)3, (byte)4)] // Stolen
        [DataRow((byte)4, (byte)5)] // Renewed
        [DataRow((byte)5, (byte)6)] // Expired
        [DataRow((byte)6, (byte)7)] // BlockedOther
        public void BlockedStatesAreDeniedWithTheirReason(byte state, byte reason)
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            byte[] uid = TestTerminal.Uid4(7);
            t.List.Add(uid, (CardState)state, 1007);
            Decision d = t.Tap(uid);
            Assert.IsFalse(d.Approved);
            ExpectEnum.Equal((ReasonCode)reason, d.Reason);
            Assert.AreEqual(ReasonText.InFrench((ReasonCode)reason), d.MessageFrench);
            Assert.IsTrue(d.Journaled, "denials are journaled too");
            Assert.AreEqual(0, t.Engine.Counters.Entries, "a denial counts no meal");
        }

        [TestMethod]
        public void AnOutOfOrderCardHasItsOwnReasonOtherBlockReasonsTheGeneralOne()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            byte[] broken = TestTerminal.Uid4(8);
            byte[] blocked = TestTerminal.Uid4(9);
            t.List.Add(broken, CardState.BlockedOther, 1008);
            t.List.SetCategory(broken, BlockReason.OutOfOrder);
            t.List.Add(blocked, CardState.BlockedOther, 1009);
            t.List.SetCategory(blocked, 77);
            Decision d = t.Tap(broken);
            Assert.IsFalse(d.Approved);
            Assert.AreEqual((int)ReasonCode.OutOfOrder, (int)d.Reason);
            Assert.AreEqual("Carte hors service : adressez-vous au service carte", d.MessageFrench);
            Assert.AreEqual((int)ReasonCode.Blocked, (int)t.Tap(blocked).Reason);
        }

        [TestMethod]
        public void LostAndStolenSendTheStudentToTheCardOffice()
        {
            Assert.IsTrue(ReasonText.InFrench(ReasonCode.Lost).IndexOf("adressez-vous au service carte") > 0);
            Assert.IsTrue(ReasonText.InEnglish(ReasonCode.Stolen).IndexOf("contact the card office") > 0);
            for (int code = 0; code < ReasonText.Count; code++)
            {
                Assert.IsNotNull(ReasonText.InFrench((ReasonCode)code));
                Assert.IsNotNull(ReasonText.InEnglish((ReasonCode)code));
            }

            Assert.AreEqual(28, ReasonText.Count, "one message per reason code");
        }

        [TestMethod]
        public void UnknownCardAndNoListAreDenied()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            Decision d = t.Tap(TestTerminal.Uid7(99));
            ExpectEnum.Equal(ReasonCode.UnknownCard, d.Reason);
            Assert.IsFalse(d.CardListed);
            t.List.ListVersion = 0;
            d = t.Tap(TestTerminal.Uid7(99));
            ExpectEnum.Equal(ReasonCode.NoList, d.Reason);
        }

        [TestMethod]
        public void AFlashFaultDuringTheLookupIsAStorageErrorNotAnUnknownCard()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            t.List.FailLookups = true;
            Decision d = t.Tap(TestTerminal.Uid7(99));
            Assert.IsFalse(d.Approved);
            ExpectEnum.Equal(ReasonCode.StorageError, d.Reason);
            t.List.FailLookups = false;
            ExpectEnum.Equal(ReasonCode.UnknownCard, t.Tap(TestTerminal.Uid7(99)).Reason);
        }

        [TestMethod]
        public void BadReadsAreReaderErrors()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            ExpectEnum.Equal(ReasonCode.ReaderError, t.Engine.DecideReaderError().Reason);
            Assert.IsTrue(t.Engine.DecideReaderError().Journaled);
            ExpectEnum.Equal(ReasonCode.ReaderError, t.Engine.Decide(new byte[11], 0, 11, 0, 0).Reason);
            ExpectEnum.Equal(ReasonCode.ReaderError, t.Engine.Decide(new byte[4], 2, 4, 0, 0).Reason);
            ExpectEnum.Equal(ReasonCode.ReaderError, t.Engine.Decide(new byte[4], 0, 0, 0, 0).Reason);
            ExpectEnum.Equal(ReasonCode.ReaderError, t.Engine.Decide(new byte[5], 0, 5, 0, 0).Reason, "not a 14443-3 UID size");
            ExpectEnum.Equal(ReasonCode.UnknownCard, t.Engine.Decide(new byte[12], 2, 10, 0, 0).Reason, "triple-size UID at an offset");
        }

        [TestMethod]
        public void SameCardWithinTheRepeatIntervalIsNotChargedTwice()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            byte[] uid = TestTerminal.Uid7(2);
            t.List.Add(uid, CardState.Active, 1002);
            Assert.IsTrue(t.Tap(uid).Approved);
            t.Clock.Advance(3);
            Decision d = t.Tap(uid);
            ExpectEnum.Equal(ReasonCode.RepeatTap, d.Reason);
            Assert.AreEqual(ReasonText.InEnglish(ReasonCode.RepeatTap), d.MessageEnglish);
            t.Clock.Advance(30);
            ExpectEnum.Equal(ReasonCode.MealAlreadyServed, t.Tap(uid).Reason);
            Assert.AreEqual(1, t.Engine.Counters.Entries);
        }

        [TestMethod]
        public void RepeatIntervalUsesTheMonotonicClockNotTheWallClock()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Vending, 64);
            byte[] uid = TestTerminal.Uid7(3);
            t.List.Add(uid, CardState.Active, 1003);
            Assert.IsTrue(t.Sell(uid, 120, 5).Approved);
            t.Clock.Now = t.Clock.Now.AddHours(2); // SNTP correction: the wall clock jumps, the monotonic one does not
            ExpectEnum.Equal(ReasonCode.RepeatTap, t.Sell(uid, 120, 5).Reason);
            t.Clock.Monotonic += 11000;
            Assert.IsTrue(t.Sell(uid, 120, 5).Approved);
        }

        [TestMethod]
        public void OutsideServiceHoursIsDeniedAndDinnerIsANewService()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            byte[] uid = TestTerminal.Uid7(4);
            t.List.Add(uid, CardState.Active, 1004);
            Assert.IsTrue(t.Tap(uid).Approved);
            t.Clock.Now = new DateTime(2026, 11, 26, 15, 0, 0); // 16:00 Paris
            t.Clock.Monotonic += 3600000;
            ExpectEnum.Equal(ReasonCode.OutsideServiceHours, t.Tap(uid).Reason);
            t.Clock.Now = new DateTime(2026, 11, 26, 17, 45, 0); // 18:45 Paris
            Decision d = t.Tap(uid);
            Assert.IsTrue(d.Approved, "one meal per service, not per day");
            Assert.AreEqual("Dîner", d.ServiceName);
            Assert.AreEqual(2, d.ItemCode);
        }

        [TestMethod]
        public void ServiceWindowsFollowParisSummerTime()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            byte[] uid = TestTerminal.Uid7(5);
            t.List.Add(uid, CardState.Active, 1005);
            t.Clock.Now = new DateTime(2026, 6, 15, 9, 30, 0); // 11:30 in Paris (UTC+2)
            t.List.Issued = t.Clock.Now;
            Assert.IsTrue(t.Tap(uid).Approved);
            t.Clock.Now = new DateTime(2026, 12, 15, 9, 30, 0); // 10:30 in Paris (UTC+1)
            t.List.Issued = t.Clock.Now;
            t.Clock.Monotonic += 100000;
            ExpectEnum.Equal(ReasonCode.OutsideServiceHours, t.Tap(uid).Reason);
        }

        [TestMethod]
        public void EuropeanSummerTimeSwitchesAtOneUtcOnTheLastSundays()
        {
            Assert.IsFalse(LocalTime.IsEuropeanSummerTime(new DateTime(2026, 3, 29, 0, 59, 59)));
            Assert.IsTrue(LocalTime.IsEuropeanSummerTime(new DateTime(2026, 3, 29, 1, 0, 0)));
            Assert.IsTrue(LocalTime.IsEuropeanSummerTime(new DateTime(2026, 10, 25, 0, 59, 59)));
            Assert.IsFalse(LocalTime.IsEuropeanSummerTime(new DateTime(2026, 10, 25, 1, 0, 0)));
            Assert.IsFalse(LocalTime.IsEuropeanSummerTime(new DateTime(2027, 3, 27, 12, 0, 0)), "2027: last Sunday of March is the 28th");
            LocalTimeSettings paris = new LocalTimeSettings();
            Assert.AreEqual(new DateTime(2026, 7, 1, 14, 0, 0), LocalTime.FromUtc(new DateTime(2026, 7, 1, 12, 0, 0), paris));
            Assert.AreEqual(12 * 60 + 5, LocalTime.MinuteOfDay(LocalTime.FromUtc(new DateTime(2026, 1, 1, 11, 5, 0), paris)));
        }
    }
}
