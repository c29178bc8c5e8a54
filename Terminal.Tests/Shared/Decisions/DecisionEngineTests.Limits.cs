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
    // DecisionEngineTests, part: the limits: list age, vending caps, a full journal, the RAM table of
    // holders, settings validation.
    public partial class DecisionEngineTests
    {
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
            Assert.AreEqual(1, t.Store.WriteCount, "the journal record only: the counter entry is written behind it");
            t.Store.ResetCounters();
            Assert.IsTrue(t.Engine.FlushCounters());
            Assert.AreEqual(1, t.Store.WriteCount, "the idle flush writes the counter entry");
            t.Store.ResetCounters();
            t.Engine.PreparePeriod();
            Assert.IsTrue(t.Engine.FlushCounters());
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
