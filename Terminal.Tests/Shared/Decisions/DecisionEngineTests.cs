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
    public class DecisionEngineTests
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

        [TestMethod]
        public void RenewedCardsOfOneHolderShareTheMeal()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            byte[] oldCard = TestTerminal.Uid4(0x0A0B0C0D);
            byte[] newCard = TestTerminal.Uid7(6);
            byte[] spareCard = TestTerminal.Uid7(7);
            t.List.Add(oldCard, CardState.Renewed, 1006);
            t.List.Add(newCard, CardState.Active, 1006);
            t.List.Add(spareCard, CardState.Active, 1006);
            ExpectEnum.Equal(ReasonCode.Renewed, t.Tap(oldCard).Reason);
            Assert.IsTrue(t.Tap(newCard).Approved);
            ExpectEnum.Equal(ReasonCode.MealAlreadyServed, t.Tap(spareCard).Reason, "another card of the same holder gets no second meal");
        }

        [TestMethod]
        public void CountersSurviveAReboot()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            byte[] uid = TestTerminal.Uid7(8);
            t.List.Add(uid, CardState.Active, 1008);
            Assert.IsTrue(t.Tap(uid).Approved);
            Assert.IsTrue(t.Boot());
            t.Clock.Advance(60);
            ExpectEnum.Equal(ReasonCode.MealAlreadyServed, t.Tap(uid).Reason);
        }

        [TestMethod]
        public void CountersOutliveALostJournal()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            for (int i = 0; i < 3; i++)
            {
                byte[] uid = TestTerminal.Uid7(70 + i);
                t.List.Add(uid, CardState.Active, 7070 + i);
                Assert.IsTrue(t.Tap(uid).Approved);
            }

            t.Store.Delete("journal");
            t.Store.Delete("journal.ack");
            Assert.IsTrue(t.Boot());
            Assert.AreEqual(0L, t.Journal.LastSequence, "the journal starts again");
            Assert.AreEqual(3, t.Engine.Counters.Entries, "served meals are not forgotten");
            t.Clock.Advance(30);
            ExpectEnum.Equal(ReasonCode.MealAlreadyServed, t.Tap(TestTerminal.Uid7(71)).Reason);
        }

        [TestMethod]
        public void UnsyncedClockAfterRebootKeepsThePersistedService()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            byte[] uid = TestTerminal.Uid7(9);
            t.List.Add(uid, CardState.Active, 1009);
            Assert.IsTrue(t.Tap(uid).Approved);
            t.Clock.Reboot();
            t.Clock.Now = new DateTime(1970, 1, 1); // an RTC lost with the power
            Assert.IsTrue(t.Boot());
            Decision d = t.Tap(uid);
            ExpectEnum.Equal(ReasonCode.MealAlreadyServed, d.Reason);
            Assert.IsFalse(d.ClockSynced);

            t.Settings.DecideWithUnsyncedClock = false;
            t.Clock.Monotonic += 20000;
            ExpectEnum.Equal(ReasonCode.ClockNotSet, t.Tap(TestTerminal.Uid7(9)).Reason);
        }

        [TestMethod]
        public void MealsServedBeforeTheClockSyncStillCountAfterIt()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            byte[] uid = TestTerminal.Uid7(10);
            t.List.Add(uid, CardState.Active, 1010);
            t.Clock.Synced = false;
            Decision d = t.Tap(uid);
            Assert.IsTrue(d.Approved);
            Assert.AreEqual(PeriodLedger.UnknownPeriod, d.PeriodKey);
            t.Clock.Synced = true;
            t.Clock.Advance(60);
            ExpectEnum.Equal(ReasonCode.MealAlreadyServed, t.Tap(uid).Reason);
            Assert.IsTrue(t.Engine.Counters.PeriodKey > 0, "the unknown period was adopted by the real service");
        }

        [TestMethod]
        public void ListTooOldWhenNotConfirmedForLongerThanThePolicy()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Vending, 64);
            t.Settings.Staleness.MaxMinutesWithoutConfirmation = 120;
            byte[] uid = TestTerminal.Uid7(11);
            t.List.Add(uid, CardState.Active, 1011);
            t.List.Issued = t.Clock.Now.AddMinutes(-119);
            Assert.IsTrue(t.Sell(uid, 100, 1).Approved);
            t.Clock.Advance(120);
            ExpectEnum.Equal(ReasonCode.ListTooOld, t.Sell(uid, 100, 1).Reason);
            t.Engine.NoteListConfirmed();
            Assert.IsTrue(t.Sell(uid, 100, 1).Approved, "the gateway said the list is current");
            t.Clock.Advance(121 * 60);
            ExpectEnum.Equal(ReasonCode.ListTooOld, t.Sell(uid, 100, 1).Reason);
        }

        [TestMethod]
        public void ConfirmationTimeSurvivesARebootAndUnknownAgeFollowsThePolicy()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Vending, 64);
            t.Settings.Staleness.MaxMinutesWithoutConfirmation = 60;
            byte[] uid = TestTerminal.Uid7(12);
            t.List.Add(uid, CardState.Active, 1012);
            t.List.Issued = t.Clock.Now.AddDays(-3);
            t.Engine.NoteListConfirmed();
            t.Clock.Advance(30 * 60);
            t.Clock.Reboot();
            t.Clock.Synced = true;
            Assert.IsTrue(t.Boot());
            Assert.IsTrue(t.Sell(uid, 100, 1).Approved, "confirmed 30 min ago, persisted across the reboot");

            t.Clock.Reboot();
            Assert.IsTrue(t.Boot());
            t.Clock.Advance(5);
            Assert.IsTrue(t.Sell(uid, 100, 1).Approved, "age unknown: trusted for the limit after boot");
            t.Settings.Staleness.TrustUnknownAgeAfterBoot = false;
            t.Clock.Advance(20);
            ExpectEnum.Equal(ReasonCode.ListTooOld, t.Sell(uid, 100, 1).Reason);
        }

        [TestMethod]
        public void ListIssuedTooLongAgoIsDeniedWhenThatLimitIsSet()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Vending, 64);
            t.Settings.Staleness.MaxHoursSinceIssued = 48;
            byte[] uid = TestTerminal.Uid7(13);
            t.List.Add(uid, CardState.Active, 1013);
            t.Engine.NoteListConfirmed();
            t.List.Issued = t.Clock.Now.AddHours(-49);
            ExpectEnum.Equal(ReasonCode.ListTooOld, t.Sell(uid, 100, 1).Reason);
        }

        [TestMethod]
        public void VendingCapsPerHolderAndPerTerminalPerDay()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Vending, 64);
            t.Settings.Vending.CardDailyCapCents = 500;
            t.Settings.Vending.TerminalDailyCapCents = 900;
            t.Settings.RepeatTapSeconds = 0;
            byte[] a = TestTerminal.Uid7(20);
            byte[] aRenewed = TestTerminal.Uid7(21);
            byte[] b = TestTerminal.Uid7(22);
            t.List.Add(a, CardState.Active, 2000);
            t.List.Add(aRenewed, CardState.Active, 2000);
            t.List.Add(b, CardState.Active, 2001);
            Assert.IsTrue(t.Sell(a, 300, 11).Approved);
            Decision d = t.Sell(aRenewed, 250, 12);
            ExpectEnum.Equal(ReasonCode.CardCapReached, d.Reason, "the cap follows the holder across cards");
            Assert.AreEqual(250, d.RequestedCents);
            Assert.IsTrue(t.Sell(aRenewed, 200, 12).Approved, "exactly the cap is allowed");
            Assert.IsTrue(t.Sell(b, 400, 13).Approved);
            ExpectEnum.Equal(ReasonCode.TerminalCapReached, t.Sell(b, 50, 13).Reason);
            Assert.AreEqual(900L, t.Engine.Counters.TotalAmount);

            t.Clock.Advance(24 * 3600);
            t.Engine.NoteListConfirmed();
            Assert.IsTrue(t.Sell(a, 500, 11).Approved, "a new local day resets the caps");
        }

        [TestMethod]
        public void InvalidSalesAreDenied()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Vending, 64);
            byte[] uid = TestTerminal.Uid7(23);
            t.List.Add(uid, CardState.Active, 2003);
            ExpectEnum.Equal(ReasonCode.InvalidSale, t.Sell(uid, 0, 1).Reason);
            ExpectEnum.Equal(ReasonCode.InvalidSale, t.Sell(uid, -5, 1).Reason);
            ExpectEnum.Equal(ReasonCode.InvalidSale, t.Sell(uid, 100000, 1).Reason);
        }

        [TestMethod]
        public void CapsCanApplyOnlyWhenOffline()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Vending, 64);
            t.Settings.Vending.CardDailyCapCents = 200;
            t.Settings.Vending.CapsOnlyWhenOffline = true;
            t.Settings.RepeatTapSeconds = 0;
            byte[] uid = TestTerminal.Uid7(24);
            t.List.Add(uid, CardState.Active, 2004);
            t.Engine.NoteListConfirmed();
            Assert.IsTrue(t.Sell(uid, 150, 1).Approved);
            Assert.IsTrue(t.Sell(uid, 150, 1).Approved, "online: no cap");
            t.Clock.Advance(600);
            ExpectEnum.Equal(ReasonCode.CardCapReached, t.Sell(uid, 150, 1).Reason, "offline: the day's spending counts");
        }

        [TestMethod]
        public void FullJournalDeniesWithoutLosingAnything()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 3);
            for (int i = 0; i < 3; i++)
            {
                byte[] uid = TestTerminal.Uid7(30 + i);
                t.List.Add(uid, CardState.Active, 3000 + i);
                Assert.IsTrue(t.Tap(uid).Approved);
            }

            byte[] late = TestTerminal.Uid7(40);
            t.List.Add(late, CardState.Active, 3040);
            Decision d = t.Tap(late);
            ExpectEnum.Equal(ReasonCode.JournalFull, d.Reason);
            Assert.IsFalse(d.Journaled);
            Assert.AreEqual(3, t.Engine.Counters.Entries);
            t.Journal.Acknowledge(3);
            Assert.IsTrue(t.Tap(late).Approved);
        }

        [TestMethod]
        public void HoldersBeyondTheRamTableAreStillCountedFromFlash()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 256);
            t.Settings.CounterTableSlots = 16; // 12 holders in RAM, the rest in flash only
            Assert.IsTrue(t.Boot());
            for (int i = 0; i < 40; i++)
            {
                byte[] uid = TestTerminal.Uid7(600 + i);
                t.List.Add(uid, CardState.Active, 6000 + i);
                Assert.IsTrue(t.Tap(uid).Approved, "holder " + i);
                t.Clock.Advance(11);
            }

            Assert.IsTrue(t.Engine.Counters.Overflowed);
            Assert.AreEqual(12, t.Engine.Counters.HoldersInTable);
            for (int pass = 0; pass < 2; pass++)
            {
                for (int i = 0; i < 40; i++)
                {
                    ExpectEnum.Equal(ReasonCode.MealAlreadyServed, t.Tap(TestTerminal.Uid7(600 + i)).Reason, "pass " + pass + " holder " + i);
                    t.Clock.Advance(11);
                }

                Assert.IsTrue(t.Boot(), "and again after a reboot");
            }

            Assert.AreEqual(40, t.Engine.Counters.Entries);
        }

        [TestMethod]
        public void LastJournalSlotsAreKeptForApprovals()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 8);
            t.Settings.JournalSlotsReservedForApprovals = 3;
            byte[] stolen = TestTerminal.Uid7(50);
            t.List.Add(stolen, CardState.Stolen, 5000);
            for (int i = 0; i < 10; i++)
            {
                Decision denied = t.Tap(stolen);
                ExpectEnum.Equal(ReasonCode.Stolen, denied.Reason);
                Assert.AreEqual(i < 5, denied.Journaled, "denial " + i);
            }

            Assert.AreEqual(5, t.Journal.Depth);
            Assert.AreEqual(5, t.Engine.DenialsNotJournaled);
            for (int i = 0; i < 3; i++)
            {
                byte[] uid = TestTerminal.Uid7(51 + i);
                t.List.Add(uid, CardState.Active, 5001 + i);
                Assert.IsTrue(t.Tap(uid).Approved, "approval " + i + " still has a slot");
            }

            Assert.IsTrue(t.Journal.IsFull);
        }

        [TestMethod]
        public void PreparePeriodOpensTheServiceBeforeTheFirstTap()
        {
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            t.Clock.Now = new DateTime(2026, 11, 26, 10, 10, 0); // 11:10 Paris: before lunch
            t.Engine.PreparePeriod();
            Assert.AreEqual(PeriodLedger.NoPeriod, t.Engine.Counters.PeriodKey);
            t.Clock.Advance(10 * 60); // 11:20
            t.Engine.PreparePeriod();
            Assert.IsTrue(t.Engine.Counters.PeriodKey > 0);
            byte[] uid = TestTerminal.Uid7(60);
            t.List.Add(uid, CardState.Active, 6060);
            t.Store.ResetCounters();
            Assert.IsTrue(t.Tap(uid).Approved);
            Assert.AreEqual(2, t.Store.WriteCount, "counter entry + journal record only");
            t.Store.ResetCounters();
            t.Engine.PreparePeriod();
            Assert.AreEqual(0, t.Store.WriteCount, "nothing to do within the same service");
        }

        [TestMethod]
        public void SettingsValidationNamesTheProblem()
        {
            DecisionSettings settings = new DecisionSettings();
            Assert.IsNull(settings.Validate());
            settings.Restaurant.Windows[1].StartMinute = 13 * 60;
            Assert.Contains("overlap", settings.Validate());
            settings.Restaurant.Windows[1].StartMinute = 21 * 60;
            Assert.Contains("start before it ends", settings.Validate());
            settings = new DecisionSettings();
            settings.Mode = TerminalMode.Vending;
            settings.Vending.MaxPriceCents = 0;
            Assert.IsNotNull(settings.Validate());
            Assert.IsNull(new JournalSettings().Validate());
        }
    }
}
