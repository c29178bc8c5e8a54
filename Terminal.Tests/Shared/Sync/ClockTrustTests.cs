#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Diagnostics;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;
using LeoCarte.Terminal.Tests.Decisions;
using LeoCarte.Terminal.Tests.Support;
using LeoCarte.Terminal.Time;

namespace LeoCarte.Terminal.Tests.Sync
{
    /// <summary>
    /// A terminal's decision stack over the real <see cref="SyncedClock"/>: the attack of issue 13 (flip the date
    /// over SNTP or the gateway, or reboot with a wrong RTC, to reset meal and daily counters) and the legitimate
    /// corrections that must still pass.
    /// </summary>
    public sealed class ClockRig
    {
        public readonly MemoryFileStore Store = new MemoryFileStore();
        public readonly TestClockHardware Hardware;
        public readonly TestAllowlist List;
        public readonly DecisionSettings Settings = new DecisionSettings();
        public SyncedClock Clock;
        public TransactionJournal Journal;
        public DecisionEngine Engine;

        /// <summary>Real time as the test's world knows it (what an honest source would say).</summary>
        public DateTime TrueUtc;

        public ClockRig(TerminalMode mode, DateTime startUtc)
        {
            TrueUtc = startUtc;
            Hardware = new TestClockHardware(startUtc);
            Hardware.Monotonic = 1000;
            List = new TestAllowlist(startUtc.AddHours(-1));
            Settings.Mode = mode;
            Settings.JournalSlotsReservedForApprovals = 0;
            Boot();
        }

        /// <summary>Boot as TerminalCore does: clock with its persisted trusted time, journal, engine.</summary>
        public void Boot()
        {
            Clock = new SyncedClock(Hardware);
            Assert.IsTrue(Clock.OpenTrustedTimeStore(Store, SyncedClock.TrustedTimeFileName));
            JournalSettings journalSettings = new JournalSettings();
            journalSettings.Capacity = 64;
            Journal = new TransactionJournal(Store, journalSettings);
            Engine = new DecisionEngine(List, Clock, Journal, Store, Settings);
            Assert.IsTrue(Journal.Open() == JournalResult.Ok);
            Assert.IsTrue(Engine.Start());
        }

        /// <summary>Power cut of <paramref name="offSeconds"/>, then a boot with the RTC reading <paramref name="rtcUtc"/>.</summary>
        public void Reboot(int offSeconds, DateTime rtcUtc)
        {
            TrueUtc = TrueUtc.AddSeconds(offSeconds);
            Hardware.Monotonic = 1000;
            Hardware.Utc = rtcUtc;
            Boot();
        }

        /// <summary>Time passes: the monotonic tick, the hardware clock and the true time move together.</summary>
        public void Advance(int seconds)
        {
            TrueUtc = TrueUtc.AddSeconds(seconds);
            Hardware.AdvanceMilliseconds(seconds * 1000L);
        }

        /// <summary>SNTP answers <paramref name="utc"/>: the native service steps the system time, the adapter reports it.</summary>
        public bool Sntp(DateTime utc)
        {
            Hardware.Utc = utc;
            return Clock.ReportSntpTime();
        }

        public bool Gateway(DateTime utc)
        {
            return Clock.OfferGatewayTime(UnixTime.ToSeconds(utc));
        }

        public Decision Tap(byte[] uid)
        {
            return Engine.Decide(uid, 0, uid.Length, 0, 0);
        }

        public Decision Sell(byte[] uid, int cents)
        {
            return Engine.DecideSale(uid, 0, uid.Length, cents, 1);
        }
    }

    [TestClass]
    public class ClockTrustTests
    {
        private static readonly byte[] Student = TestTerminal.Uid7(4242);

        private static ClockRig LunchWithOneMeal()
        {
            ClockRig rig = new ClockRig(TerminalMode.Restaurant, TestTerminal.LunchUtc);
            rig.List.Add(Student, CardState.Active, 4242);
            Assert.IsTrue(rig.Sntp(rig.TrueUtc), "first boot: the first plausible SNTP time anchors the clock");
            Assert.IsTrue(rig.Tap(Student).Approved);
            rig.Advance(120);
            return rig;
        }

        [TestMethod]
        public void AnSntpDateFlipForwardOrBackGrantsNoSecondMeal()
        {
            int[] flips = new int[] { 1, -1, 7, 365, -365 };
            for (int i = 0; i < flips.Length; i++)
            {
                ClockRig rig = LunchWithOneMeal();
                Assert.IsFalse(rig.Sntp(rig.TrueUtc.AddDays(flips[i])), "the step is not applied");
                Assert.IsTrue(rig.Clock.IsSuspect);
                Assert.AreEqual("suspect", rig.Clock.StateText);
                Assert.AreEqual((long)flips[i] * 86400, rig.Clock.LastSkewSeconds);
                Assert.AreEqual(rig.TrueUtc.Ticks, rig.Clock.UtcNow.Ticks, "the clock keeps counting from its anchor");
                Assert.AreEqual(rig.TrueUtc.Ticks, rig.Hardware.Utc.Ticks, "the system time SNTP stepped is put back");
                rig.Advance(60);
                ExpectEnum.Equal(ReasonCode.MealAlreadyServed, rig.Tap(Student).Reason);
                Assert.AreEqual(1, rig.Engine.Counters.Entries);
            }
        }

        [TestMethod]
        public void AGatewayDateFlipIsRefusedToo()
        {
            ClockRig rig = LunchWithOneMeal();
            Assert.IsFalse(rig.Gateway(rig.TrueUtc.AddDays(1)));
            Assert.IsFalse(rig.Gateway(rig.TrueUtc.AddHours(-3)));
            Assert.IsTrue(rig.Clock.IsSuspect);
            Assert.AreEqual(2, rig.Clock.RefusedSteps);
            ExpectEnum.Equal(ReasonCode.MealAlreadyServed, rig.Tap(Student).Reason);
        }

        [TestMethod]
        public void AFlippedDateNeverResetsTheVendingDailyCaps()
        {
            // 2026-11-26 17:00 UTC = 18:00 Paris.
            ClockRig rig = new ClockRig(TerminalMode.Vending, new DateTime(2026, 11, 26, 17, 0, 0));
            rig.Settings.Vending.CardDailyCapCents = 500;
            rig.Settings.Vending.CapsOnlyWhenOffline = false;
            rig.List.Add(Student, CardState.Active, 4242);
            Assert.IsTrue(rig.Sntp(rig.TrueUtc));
            Assert.IsTrue(rig.Sell(Student, 300).Approved);
            rig.Advance(30);
            ExpectEnum.Equal(ReasonCode.CardCapReached, rig.Sell(Student, 300).Reason);

            Assert.IsFalse(rig.Sntp(rig.TrueUtc.AddDays(1)));
            rig.Advance(30);
            ExpectEnum.Equal(ReasonCode.CardCapReached, rig.Sell(Student, 300).Reason);
            Assert.IsFalse(rig.Gateway(rig.TrueUtc.AddDays(1)));
            rig.Advance(30);
            ExpectEnum.Equal(ReasonCode.CardCapReached, rig.Sell(Student, 300).Reason);

            // The real next day still opens a new cap.
            rig.Advance(8 * 3600);
            Assert.IsTrue(rig.Sntp(rig.TrueUtc.AddMilliseconds(200)));
            Assert.IsTrue(rig.Sell(Student, 300).Approved);
        }

        [TestMethod]
        public void ARebootWithTheRtcAheadGrantsNoSecondMealUntilTheGatewayConfirms()
        {
            ClockRig rig = LunchWithOneMeal();
            rig.Reboot(5, rig.TrueUtc.AddDays(1));
            Assert.IsFalse(rig.Clock.IsSynced);
            Assert.IsFalse(rig.Sntp(rig.TrueUtc.AddDays(1)), "SNTP alone cannot carry a rebooted clock a day past its last trusted time");
            Assert.IsFalse(rig.Clock.IsSynced);
            Assert.AreEqual("sntp-unconfirmed", rig.Clock.StateText);
            Decision d = rig.Tap(Student);
            ExpectEnum.Equal(ReasonCode.MealAlreadyServed, d.Reason);
            Assert.IsFalse(d.ClockSynced);

            // The gateway's authenticated time wins and the disagreement is reported.
            Assert.IsTrue(rig.Gateway(rig.TrueUtc));
            Assert.IsTrue(rig.Clock.IsSynced);
            Assert.IsTrue(rig.Clock.IsSuspect);
            rig.Advance(10);
            ExpectEnum.Equal(ReasonCode.MealAlreadyServed, rig.Tap(Student).Reason);
        }

        [TestMethod]
        public void ARebootWithTheRtcBehindGrantsNoSecondMeal()
        {
            ClockRig rig = LunchWithOneMeal();
            rig.Reboot(5, rig.TrueUtc.AddDays(-1));
            Assert.IsFalse(rig.Sntp(rig.TrueUtc.AddDays(-1)), "earlier than the persisted trusted time");
            Assert.IsTrue(rig.Clock.IsSuspect);
            Assert.IsFalse(rig.Clock.IsSynced);
            ExpectEnum.Equal(ReasonCode.MealAlreadyServed, rig.Tap(Student).Reason);

            // A replayed old gateway time alone is refused the same way.
            ClockRig replay = LunchWithOneMeal();
            replay.Reboot(5, new DateTime(1970, 1, 1));
            Assert.IsFalse(replay.Gateway(replay.TrueUtc.AddDays(-1)));
            Assert.IsFalse(replay.Clock.IsSynced);
            ExpectEnum.Equal(ReasonCode.MealAlreadyServed, replay.Tap(Student).Reason);

            // Both sources a day back (the only way a step back is taken): the counters still stay.
            rig.Advance(2);
            Assert.IsTrue(rig.Gateway(rig.TrueUtc.AddDays(-1)));
            Assert.IsTrue(rig.Clock.IsSynced);
            rig.Advance(60);
            ExpectEnum.Equal(ReasonCode.MealAlreadyServed, rig.Tap(Student).Reason);
        }

        [TestMethod]
        public void SmallDriftIsCorrectedAndTheClockNeverRunsBackwards()
        {
            ClockRig rig = LunchWithOneMeal();
            DateTime before = rig.Clock.UtcNow;
            Assert.IsTrue(rig.Sntp(rig.TrueUtc.AddSeconds(-5)), "a 5 s correction is drift, applied");
            Assert.IsFalse(rig.Clock.IsSuspect);
            Assert.IsTrue(rig.Clock.UtcNow.Ticks >= before.Ticks, "a step back is absorbed: time never decreases");
            rig.Advance(10);
            Assert.AreEqual(rig.TrueUtc.AddSeconds(-5).Ticks, rig.Clock.UtcNow.Ticks);
            Assert.IsFalse(rig.Gateway(rig.TrueUtc.AddSeconds(12)), "within the tolerance: not a step, nothing to set");
            Assert.IsFalse(rig.Clock.IsSuspect);
            Assert.AreEqual(17L, rig.Clock.LastSkewSeconds);

            // Drift allowance grows with the time since the last agreement (1000 ppm: 3.6 s an hour).
            rig.Advance(10 * 3600);
            Assert.IsTrue(rig.Sntp(rig.TrueUtc.AddSeconds(60)), "30 s + 36 s allowed after 10 h");
            Assert.IsFalse(rig.Clock.IsSuspect);
        }

        [TestMethod]
        public void TheFirstSyncAfterAPowerCutFrom1970IsAccepted()
        {
            ClockRig rig = LunchWithOneMeal();
            rig.Reboot(3 * 3600, new DateTime(1970, 1, 1, 0, 0, 1));
            Assert.IsFalse(rig.Sntp(new DateTime(1970, 1, 1, 0, 0, 2)), "no SNTP answer yet");
            Assert.IsTrue(rig.Gateway(rig.TrueUtc), "the gateway's time after three hours off");
            Assert.IsTrue(rig.Clock.IsSynced);
            Assert.IsFalse(rig.Clock.IsSuspect);
            Assert.AreEqual(rig.TrueUtc.Ticks, rig.Hardware.Utc.Ticks, "the system time is set for TLS and the rest");
            rig.Advance(5);
            Assert.IsTrue(rig.Sntp(rig.TrueUtc.AddMilliseconds(300)), "SNTP then refines it");
            Assert.AreEqual("sntp", rig.Clock.StateText);

            // A quick reboot (watchdog): SNTP within minutes of the last trusted time needs no gateway.
            rig.Reboot(20, new DateTime(1970, 1, 1));
            Assert.IsTrue(rig.Sntp(rig.TrueUtc));
            Assert.IsTrue(rig.Clock.IsSynced);
            Assert.IsFalse(rig.Clock.IsSuspect);
        }

        [TestMethod]
        public void SntpHeldAtBootIsKeptWhenTheGatewayConfirmsIt()
        {
            ClockRig rig = LunchWithOneMeal();
            rig.Reboot(6 * 3600, new DateTime(1970, 1, 1));
            Assert.IsFalse(rig.Sntp(rig.TrueUtc.AddMilliseconds(400)));
            rig.Advance(3);
            Assert.IsTrue(rig.Gateway(rig.TrueUtc));
            ExpectEnum.Equal(ClockSource.Sntp, rig.Clock.Source);
            Assert.IsFalse(rig.Clock.IsSuspect);
            Assert.AreEqual(rig.TrueUtc.AddMilliseconds(400).Ticks, rig.Clock.UtcNow.Ticks);
        }

        [TestMethod]
        public void AStepBothSourcesAgreeOnIsAppliedButTheCountersNeverGoBack()
        {
            // The clock was anchored an hour fast (a gateway with a wrong clock at the first boot).
            ClockRig rig = new ClockRig(TerminalMode.Restaurant, TestTerminal.LunchUtc);
            rig.List.Add(Student, CardState.Active, 4242);
            Assert.IsTrue(rig.Gateway(rig.TrueUtc.AddHours(1)));
            Assert.IsTrue(rig.Tap(Student).Approved, "13:30 Paris: lunch");
            rig.Advance(60);

            Assert.IsFalse(rig.Sntp(rig.TrueUtc), "one source alone: refused");
            Assert.IsTrue(rig.Clock.IsSuspect);
            rig.Advance(2);
            Assert.IsTrue(rig.Gateway(rig.TrueUtc), "the gateway agrees with SNTP: a corroborated correction");
            Assert.IsFalse(rig.Clock.IsSuspect);
            Assert.AreEqual(rig.TrueUtc.Ticks, rig.Clock.UtcNow.Ticks);
            rig.Advance(60);
            ExpectEnum.Equal(ReasonCode.MealAlreadyServed, rig.Tap(Student).Reason, "the meal counted before the correction still counts");
        }

        [TestMethod]
        public void PeriodsNeverMoveBackEvenWhenTheClockDoes()
        {
            // The engine's own guard, with a clock that simply jumps (defence in depth).
            TestTerminal t = new TestTerminal(TerminalMode.Restaurant, 64);
            t.List.Add(Student, CardState.Active, 4242);
            Assert.IsTrue(t.Tap(Student).Approved);
            t.Clock.Now = t.Clock.Now.AddDays(-1);
            t.Clock.Monotonic += 60000;
            ExpectEnum.Equal(ReasonCode.MealAlreadyServed, t.Tap(Student).Reason);
            t.Engine.PreparePeriod();
            Assert.AreEqual(1, t.Engine.Counters.Entries, "PreparePeriod does not empty the counters for an earlier period");

            TestTerminal v = new TestTerminal(TerminalMode.Vending, 64);
            v.Settings.Vending.CardDailyCapCents = 300;
            v.Settings.Vending.CapsOnlyWhenOffline = false;
            v.List.Add(Student, CardState.Active, 4242);
            Assert.IsTrue(v.Sell(Student, 300, 1).Approved);
            v.Clock.Now = v.Clock.Now.AddDays(-2);
            v.Clock.Monotonic += 60000;
            ExpectEnum.Equal(ReasonCode.CardCapReached, v.Sell(Student, 100, 1).Reason);
        }

        [TestMethod]
        public void SummerTimeChangesStillOpenTheRightServiceAndDay()
        {
            // Sunday 2026-03-29: summer time from 01:00 UTC. Saturday 23:30 Paris (22:30 UTC), a day's cap spent.
            ClockRig rig = new ClockRig(TerminalMode.Vending, new DateTime(2026, 3, 28, 22, 30, 0));
            rig.Settings.Vending.CardDailyCapCents = 300;
            rig.Settings.Vending.CapsOnlyWhenOffline = false;
            rig.List.Add(Student, CardState.Active, 4242);
            Assert.IsTrue(rig.Sntp(rig.TrueUtc));
            Assert.IsTrue(rig.Sell(Student, 300).Approved);
            rig.Advance(3600); // 00:30 Paris, Sunday: a new day
            Assert.IsTrue(rig.Sntp(rig.TrueUtc));
            Assert.IsTrue(rig.Sell(Student, 300).Approved);
            rig.Advance(3600); // 01:30 UTC = 03:30 Paris summer time: the same Sunday
            Assert.IsTrue(rig.Sntp(rig.TrueUtc), "the summer-time switch is no clock step: UTC does not jump");
            Assert.IsFalse(rig.Clock.IsSuspect);
            ExpectEnum.Equal(ReasonCode.CardCapReached, rig.Sell(Student, 300).Reason);

            // Restaurant lunch on that Sunday: 12:30 Paris is 10:30 UTC.
            ClockRig lunch = new ClockRig(TerminalMode.Restaurant, new DateTime(2026, 3, 29, 10, 30, 0));
            lunch.List.Add(Student, CardState.Active, 4242);
            Assert.IsTrue(lunch.Sntp(lunch.TrueUtc));
            Decision d = lunch.Tap(Student);
            Assert.IsTrue(d.Approved);
            Assert.AreEqual("Déjeuner", d.ServiceName);
        }

        [TestMethod]
        public void TheTrustedTimeSurvivesAndIsPersistedCrashSafely()
        {
            ClockRig rig = LunchWithOneMeal();
            long floor = rig.Clock.TrustedFloorTicks;
            Assert.IsTrue(floor > 0);
            rig.Advance(11 * 60);
            Assert.IsTrue(rig.Sntp(rig.TrueUtc));
            Assert.IsTrue(rig.Clock.TrustedFloorTicks > floor, "raised at most every 10 minutes");
            DualSlotValue stored = new DualSlotValue(rig.Store, SyncedClock.TrustedTimeFileName);
            Assert.AreEqual(rig.Clock.TrustedFloorTicks, stored.Load(0));

            // A torn write damages one slot: the other keeps the previous trusted time.
            byte[] garbage = new byte[] { 0xFF, 0xFF, 0xFF, 0xFF };
            rig.Store.Write(SyncedClock.TrustedTimeFileName, 0, garbage, 0, 4);
            rig.Store.Write(SyncedClock.TrustedTimeFileName, DualSlotValue.SlotSize, garbage, 0, 4);
            rig.Reboot(5, new DateTime(1970, 1, 1));
            Assert.AreEqual(0L, rig.Clock.TrustedFloorTicks, "both slots damaged: a first boot");
        }

        [TestMethod]
        public void ASuspectClockIsReportedInTheHeartbeatTheSelfTestAndTheLeds()
        {
            SyncRig rig = new SyncRig();
            rig.Build(null);
            rig.Hardware.Utc = rig.Hardware.Utc.AddDays(1);
            Assert.IsFalse(rig.Clock.ReportSntpTime());
            rig.Transport.Then(SyncRig.NoContent());
            rig.Transport.Then(SyncRig.Ok("{}"));
            rig.RunCycle();
            byte[] body = (byte[])rig.Transport.Bodies[rig.Transport.Bodies.Count - 1];
            char[] chars = new char[body.Length];
            for (int i = 0; i < body.Length; i++)
            {
                chars[i] = (char)body[i];
            }

            string json = new string(chars);
            Assert.Contains("\"clockState\":\"suspect\"", json);
            Assert.Contains("\"clockSuspect\":\"sntp step refused\"", json);
            Assert.Contains("\"clockRefusedSteps\":1", json);
            Assert.Contains("\"clockSkewSeconds\":86400", json);

            SelfTestReport report = new SelfTestReport();
            report.ListPresent = true;
            report.ClockSynced = true;
            report.ClockSuspect = rig.Clock.IsSuspect;
            report.ClockSuspectReason = rig.Clock.SuspectReason;
            report.ClockStepSeconds = rig.Clock.LastSkewSeconds;
            report.Wifi = CheckResult.Pass;
            report.Gateway = CheckResult.Pass;
            report.Reader = CheckResult.Pass;
            report.Storage = CheckResult.Pass;
            report.ConfigStatus = LeoCarte.Terminal.Config.ConfigurationStatus.Valid;
            ExpectEnum.Equal(FaultClass.ClockSuspect, FaultSelector.Worst(report));
            LedCode code = LedCodeTable.For(FaultClass.ClockSuspect);
            Assert.IsFalse(code.Fatal, "degraded: the terminal still decides, with its own clock");
            Assert.AreEqual(6, code.Pattern.CountRedBlinks());
            Assert.AreEqual(6, code.Pattern.CountGreenBlinks());

            string printed = LeoCarte.Terminal.Tests.Diagnostics.SelfTestTests.Print(report);
            bool found = printed.IndexOf("SUSPECT: sntp step refused (+86400 s)") > 0;
            Assert.IsTrue(found, "the self-test's clock line says why");
        }

        [TestMethod]
        public void AtBootTheSystemTimeStartsFromTheLastTrustedTimeNotTheRtc()
        {
            ClockRig rig = LunchWithOneMeal();
            long floor = rig.Clock.TrustedFloorTicks;
            rig.Reboot(600, rig.TrueUtc.AddDays(3));
            Assert.IsTrue(rig.Clock.PresetHardwareToTrustedTime());
            Assert.AreEqual(floor, rig.Hardware.Utc.Ticks, "mbedTLS sees the last trusted time, not the RTC's leftover");
            rig.Hardware.AdvanceMilliseconds(1000);
            Assert.IsFalse(rig.Clock.ReportSntpTime(), "the clock's own write is no SNTP answer");
            Assert.IsFalse(rig.Clock.IsSynced);
            Assert.IsTrue(rig.Sntp(rig.TrueUtc), "a real answer 10 minutes later is");
            Assert.IsTrue(rig.Clock.IsSynced);

            ClockRig first = new ClockRig(TerminalMode.Restaurant, TestTerminal.LunchUtc);
            Assert.IsFalse(first.Clock.PresetHardwareToTrustedTime(), "first boot: nothing trusted yet");
        }

        [TestMethod]
        public void SntpCannotWalkTheClockAwayInStepsUnderTheTolerance()
        {
            ClockRig rig = LunchWithOneMeal();
            Assert.IsFalse(rig.Gateway(rig.TrueUtc), "the gateway agrees: it becomes the reference");
            bool refused = false;
            for (int i = 1; i <= 5 && !refused; i++)
            {
                rig.Advance(60);
                refused = !rig.Sntp(rig.TrueUtc.AddSeconds(25 * i));
            }

            Assert.IsTrue(refused, "25 s more at each answer: refused once it strays from the gateway's time");
            Assert.IsTrue(rig.Clock.IsSuspect);
            Assert.IsTrue(rig.Clock.UtcNow.Ticks - rig.TrueUtc.Ticks <= 31 * TimeSpan.TicksPerSecond);
        }
    }
}
