#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Tests.Support;

namespace LeoCarte.Terminal.Tests.Decisions
{
    // DecisionEngineTests, part: meal and vend counters across renewed cards, reboots, a lost journal and the
    // clock's first sync.
    public partial class DecisionEngineTests
    {
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

            // The tap loop's next idle iteration writes the last approval's counter entry (write-behind): from then on
            // the counter log alone remembers every meal. (Before it, the journal record is that meal's only copy.)
            Assert.IsTrue(t.Engine.FlushCounters());
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
    }
}
