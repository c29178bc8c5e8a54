#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System;
using System.Collections;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Diagnostics;

namespace LeoCarte.Terminal.Tests.Diagnostics
{
    /// <summary>Boot self-test report: fault selection by priority, LED patterns, and the printed report.</summary>
    [TestClass]
    public class SelfTestTests
    {
        /// <summary>A terminal where every check passed.</summary>
        internal static SelfTestReport Healthy()
        {
            SelfTestReport report = new SelfTestReport();
            report.TerminalId = "RU-CAEN-C1-01";
            report.ConfigStatus = ConfigurationStatus.Valid;
            report.Reader = CheckResult.Pass;
            report.ReaderVersion = 0x92;
            report.ReaderSelfTest = CheckResult.Pass;
            report.Antenna = CheckResult.Pass;
            report.Storage = CheckResult.Pass;
            report.StorageFreeBytes = 1887436;
            report.Wifi = CheckResult.Pass;
            report.WifiSsid = "crous-iot";
            report.IpAddress = "10.12.0.31";
            report.WifiRssiDbm = -61;
            report.Gateway = CheckResult.Pass;
            report.ClockSynced = true;
            report.UtcNow = new DateTime(2026, 11, 26, 14, 20, 5);
            report.ListPresent = true;
            report.ListVersion = 4711;
            report.ListCardCount = 18234;
            report.ListAgeMinutes = 12;
            report.JournalPending = 3;
            report.JournalCapacity = 20000;
            report.LastResetReason = "power-on";
            return report;
        }

        internal static string Print(SelfTestReport report)
        {
            ArrayList lines = new ArrayList();
            SelfTestFormatter.Write(report, line => lines.Add(line));
            string all = "";
            foreach (string line in lines)
            {
                all += line + "\n";
            }

            return all;
        }

        [TestMethod]
        public void AHealthyTerminalHasNoFaultAndShowsTheHeartbeat()
        {
            SelfTestReport report = Healthy();
            Assert.AreEqual((int)FaultClass.None, (int)FaultSelector.Worst(report));
            string text = Print(report);
            Assert.IsTrue(text.IndexOf("reader      MFRC522 v2.0 (0x92), self-test OK") >= 0, text);
            Assert.IsTrue(text.IndexOf("wifi        OK \"crous-iot\" 10.12.0.31 -61 dBm") >= 0, text);
            Assert.IsTrue(text.IndexOf("clock       synced, 2026-11-26 14:20:05 UTC") >= 0, text);
            Assert.IsTrue(text.IndexOf("list        version 4711, 18234 cards, age 0 h 12 min (max 72 h)") >= 0, text);
            Assert.IsTrue(text.IndexOf("journal     3 pending upload of 20000 (0 %)") >= 0, text);
            Assert.IsTrue(text.IndexOf("storage     OK, 1843 KB free") >= 0, text);
            Assert.IsTrue(text.IndexOf("faults      none") >= 0, text);
            Assert.IsTrue(text.IndexOf("led         green heartbeat") >= 0, text);
            Assert.IsTrue(text.IndexOf("result      OK") >= 0, text);
            Assert.IsTrue(text.StartsWith(SelfTestFormatter.Header), text);
            Assert.IsTrue(text.IndexOf(SelfTestFormatter.Footer) > 0, text);
        }

        [TestMethod]
        public void AMissingReaderIsFatalRedTimesThreeAndHidesItsSelfTest()
        {
            SelfTestReport report = Healthy();
            report.Reader = CheckResult.Fail;
            report.ReaderVersion = SelfTestReport.Unknown;
            report.ReaderSelfTest = CheckResult.Fail;
            report.Antenna = CheckResult.Fail;
            FaultClass[] faults = new FaultClass[FaultSelector.MaxFaults];
            Assert.AreEqual(1, FaultSelector.Collect(report, faults), "self-test and antenna follow from the missing reader");
            Assert.AreEqual((int)FaultClass.ReaderMissing, (int)FaultSelector.Worst(report));
            string text = Print(report);
            Assert.IsTrue(text.IndexOf("reader      FAIL, no answer, self-test FAIL") >= 0, text);
            Assert.IsTrue(text.IndexOf("faults      FATAL reader missing -> ") >= 0, text);
            Assert.IsTrue(text.IndexOf("led         red x3 = reader missing") >= 0, text);
            Assert.IsTrue(text.IndexOf("result      FAULT: every tap is denied") >= 0, text);
        }

        [TestMethod]
        public void AnInvalidConfigurationPrintsItsFirstError()
        {
            SelfTestReport report = Healthy();
            report.ConfigStatus = ConfigurationStatus.Invalid;
            report.ConfigErrorCount = 2;
            report.FirstConfigError = new ConfigError(7, "wifi.password", "8 to 63 printable ASCII characters").ToString();
            string text = Print(report);
            Assert.IsTrue(text.IndexOf("config      INVALID, 2 error(s); first: line 7: wifi.password: expected 8 to 63") >= 0, text);
            Assert.IsTrue(text.IndexOf("led         red x1 = configuration invalid") >= 0, text);
        }

        [TestMethod]
        public void WifiDownIsShownBeforeTheClockAndListAgeItCauses()
        {
            SelfTestReport report = Healthy();
            report.Wifi = CheckResult.Fail;
            report.Gateway = CheckResult.Fail;
            report.ClockSynced = false;
            report.ListAgeMinutes = SelfTestReport.Unknown;
            FaultClass[] faults = new FaultClass[FaultSelector.MaxFaults];
            int count = FaultSelector.Collect(report, faults);
            Assert.AreEqual(2, count, "gateway follows from Wi-Fi; an unknown list age is not stale");
            Assert.AreEqual((int)FaultClass.WifiDown, (int)faults[0]);
            Assert.AreEqual((int)FaultClass.ClockUnsynced, (int)faults[1]);
            string text = Print(report);
            Assert.IsTrue(text.IndexOf("led         red+green x1 = Wi-Fi down") >= 0, text);
            Assert.IsTrue(text.IndexOf("age unknown (clock not synced)") >= 0, text);
            Assert.IsTrue(text.IndexOf("result      DEGRADED") >= 0, text);
        }

        /// <summary>Each row: the faults present (bit i = fault class i) and the one the LEDs must show.</summary>
        [TestMethod]
        [DataRow(0x1FFE, 1)]                      // everything broken: storage first
        [DataRow((1 << 2) | (1 << 4), 2)]         // invalid config beats a missing reader
        [DataRow((1 << 4) | (1 << 7), 4)]         // reader missing beats no list
        [DataRow((1 << 7) | (1 << 8), 7)]         // no list (fatal) beats Wi-Fi down
        [DataRow((1 << 9) | (1 << 10) | (1 << 11), 9)] // gateway before clock and stale list
        [DataRow((1 << 11) | (1 << 12), 11)]
        [DataRow(1 << 12, 12)]
        [DataRow(0, 0)]
        public void TheLedsShowTheHighestPriorityFault(int faultBits, int expected)
        {
            SelfTestReport report = Healthy();
            if ((faultBits & (1 << 1)) != 0) { report.Storage = CheckResult.Fail; }
            if ((faultBits & (1 << 2)) != 0) { report.ConfigStatus = ConfigurationStatus.Invalid; }
            if ((faultBits & (1 << 3)) != 0 && (faultBits & (1 << 2)) == 0) { report.ConfigStatus = ConfigurationStatus.Missing; }
            if ((faultBits & (1 << 4)) != 0) { report.Reader = CheckResult.Fail; }
            if ((faultBits & (1 << 5)) != 0) { report.ReaderSelfTest = CheckResult.Fail; }
            if ((faultBits & (1 << 6)) != 0) { report.Antenna = CheckResult.Fail; }
            if ((faultBits & (1 << 7)) != 0) { report.ListPresent = false; }
            if ((faultBits & (1 << 8)) != 0) { report.Wifi = CheckResult.Fail; }
            if ((faultBits & (1 << 9)) != 0) { report.Gateway = CheckResult.Fail; }
            if ((faultBits & (1 << 10)) != 0) { report.ClockSynced = false; }
            if ((faultBits & (1 << 11)) != 0) { report.ListAgeMinutes = 73 * 60; }
            if ((faultBits & (1 << 12)) != 0) { report.JournalPending = 16000; }
            Assert.AreEqual(expected, (int)FaultSelector.Worst(report));
        }

        [TestMethod]
        public void StaleListAndNearlyFullJournalHaveExactThresholds()
        {
            SelfTestReport report = Healthy();
            report.ListMaxAgeHours = 72;
            report.ListAgeMinutes = 72 * 60;
            Assert.IsFalse(report.ListIsStale, "exactly the limit is not stale yet");
            report.ListAgeMinutes = 72 * 60 + 1;
            Assert.IsTrue(report.ListIsStale);
            report.JournalPending = 15999;
            Assert.IsFalse(report.JournalNearlyFull);
            report.JournalPending = 16000;
            Assert.IsTrue(report.JournalNearlyFull, "80 % of 20000");
        }

        [TestMethod]
        public void EveryCodeIsDistinctAndItsPatternBlinksAsDocumented()
        {
            for (int i = 1; i < LedCodeTable.Count; i++)
            {
                LedCode code = LedCodeTable.At(i);
                Assert.AreEqual(i, (int)code.Fault, "the table is in priority order");
                Assert.AreEqual(code.Blinks, code.Pattern.CountRedBlinks(), code.Name);
                Assert.AreEqual(code.Fatal ? 0 : code.Blinks, code.Pattern.CountGreenBlinks(), code.Name + ": fatal codes never light green");
                Assert.IsTrue(code.Blinks >= 1 && code.Blinks <= 7, code.Name);
                Assert.IsTrue(code.Pattern.CycleMs <= 7000, code.Name + ": a cycle is short enough to count twice in 15 s");
                Assert.AreEqual(LedPattern.PauseMs, code.Pattern.DurationMs[code.Pattern.Steps - 1]);
                for (int j = 1; j < i; j++)
                {
                    LedCode other = LedCodeTable.At(j);
                    Assert.IsFalse(other.Fatal == code.Fatal && other.Blinks == code.Blinks, code.Name + " and " + other.Name + " look alike");
                }
            }

            LedPattern heartbeat = LedCodeTable.For(FaultClass.None).Pattern;
            Assert.AreEqual(1, heartbeat.CountGreenBlinks());
            Assert.AreEqual(0, heartbeat.CountRedBlinks());
        }

        [TestMethod]
        public void ReaderVersionsAreNamed()
        {
            Assert.AreEqual("MFRC522 v1.0", SelfTestReport.ReaderVersionName(0x91));
            Assert.AreEqual("FM17522 (clone)", SelfTestReport.ReaderVersionName(0x88));
            Assert.AreEqual("unknown chip 0x00", SelfTestReport.ReaderVersionName(0));
        }
    }
}

namespace LeoCarte.Terminal.Tests.Diagnostics
{
    /// <summary>Fault codes played by the app's FeedbackPlayer, and the configuration step's report.</summary>
    [TestClass]
    public class LedCodePlaybackTests
    {
        [TestMethod]
        [DataRow(4, 3)]   // reader missing: red x3
        [DataRow(3, 2)]   // configuration missing: red x2
        [DataRow(8, 2)]   // Wi-Fi down: red+green x1 = two rising edges
        [DataRow(12, 10)] // journal nearly full: red+green x5
        public void TheFeedbackPlayerBlinksACodeAndGoesDark(int faultClass, int risingEdges)
        {
            LedCode code = LedCodeTable.For((FaultClass)faultClass);
            LeoCarte.Terminal.Tests.App.RecordingOutputs outputs = new LeoCarte.Terminal.Tests.App.RecordingOutputs();
            LeoCarte.Terminal.App.FeedbackPlayer player = new LeoCarte.Terminal.App.FeedbackPlayer(outputs);
            player.Play(code.FeedbackSteps, 0);
            for (long t = 0; t <= code.Pattern.CycleMs; t += 50)
            {
                player.Step(t);
                Assert.IsFalse(outputs.State[LeoCarte.Terminal.OutputSignal.Buzzer], "a fault code is silent");
            }

            Assert.AreEqual(risingEdges, outputs.RisingEdges);
            Assert.IsFalse(player.IsPlaying, "one cycle, then the idle loop replays it");
            Assert.IsFalse(outputs.State[LeoCarte.Terminal.OutputSignal.RedLed]);
            Assert.IsFalse(outputs.State[LeoCarte.Terminal.OutputSignal.GreenLed]);
        }

        [TestMethod]
        public void AnInvalidConfigurationFillsTheReportAndPrintsLikeTheValidator()
        {
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            byte[] bytes = LeoCarte.Terminal.Tests.Config.ConfigTestFiles.Bytes("[terminal]\nid = RU-1\nmode = buffet\n");
            ConfigurationParser.Parse(bytes, bytes.Length, config, errors);
            SelfTestReport report = SelfTestTests.Healthy();
            report.SetConfiguration(ConfigurationStatus.Invalid, config, errors);
            Assert.AreEqual(TerminalConfiguration.UnprovisionedId, report.TerminalId, "an invalid file names no terminal");
            Assert.AreEqual(errors.Count, report.ConfigErrorCount);
            Assert.AreEqual("line 3: terminal.mode: expected restaurant or vending", report.FirstConfigError);
            Assert.AreEqual((int)FaultClass.ConfigInvalid, (int)FaultSelector.Worst(report));

            ArrayList lines = new ArrayList();
            ConfigurationPrinter.WriteErrors(TerminalConfiguration.FileName, errors, line => lines.Add(line));
            Assert.AreEqual(errors.Count, lines.Count);
            Assert.AreEqual("terminal.conf:3: terminal.mode: expected restaurant or vending", (string)lines[0]);
            Assert.IsTrue(((string)lines[1]).StartsWith("terminal.conf: wifi.ssid: expected a value (required)"), (string)lines[1]);
        }
    }
}
