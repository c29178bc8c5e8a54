#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System.Collections;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Diagnostics;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Tests.Config;

namespace LeoCarte.Terminal.Tests.App
{
    /// <summary>The configuration boot step: report, printout and LED code for each outcome.</summary>
    [TestClass]
    public class ConfigurationBootTests
    {
        private static string Joined(ArrayList lines)
        {
            string all = "";
            foreach (string line in lines)
            {
                all += line + "\n";
            }

            return all;
        }

        [TestMethod]
        public void AValidFileIsPrintedMaskedAndReported()
        {
            MemoryFileStore store = new MemoryFileStore();
            byte[] file = ConfigTestFiles.Bytes(ConfigTestFiles.Minimal());
            store.Append(TerminalConfiguration.FileName, file, 0, file.Length);
            byte[] ca = ConfigTestFiles.Bytes(ConfigTestFiles.PemBlock());
            store.Append("gateway-ca.pem", ca, 0, ca.Length);
            TerminalConfiguration config = new TerminalConfiguration();
            SelfTestReport report = new SelfTestReport();
            ArrayList lines = new ArrayList();
            ConfigurationStatus status = ConfigurationBoot.Run(store, config, new ConfigErrors(), report, line => lines.Add(line));
            Assert.AreEqual((int)ConfigurationStatus.Valid, (int)status);
            Assert.AreEqual("RU-CAEN-C1-01", report.TerminalId);
            string all = Joined(lines);
            Assert.IsTrue(all.IndexOf("terminal.id = RU-CAEN-C1-01") >= 0, all);
            Assert.IsTrue(all.IndexOf(ConfigTestFiles.WifiPassword) < 0, "masked");
        }

        [TestMethod]
        public void AnInvalidFileListsItsErrorsAndBlinksRedOnce()
        {
            MemoryFileStore store = new MemoryFileStore();
            byte[] file = ConfigTestFiles.Bytes("[terminal]\nid = RU-1\n");
            store.Append(TerminalConfiguration.FileName, file, 0, file.Length);
            TerminalConfiguration config = new TerminalConfiguration();
            SelfTestReport report = new SelfTestReport();
            ArrayList lines = new ArrayList();
            Assert.AreEqual((int)ConfigurationStatus.Invalid, (int)ConfigurationBoot.Run(store, config, new ConfigErrors(), report, line => lines.Add(line)));
            Assert.AreEqual(6 + 1, lines.Count, Joined(lines));
            Assert.AreEqual(6, report.ConfigErrorCount);
            Assert.AreEqual(1, LedCodeTable.For(FaultSelector.Worst(report)).Blinks);
            Assert.IsFalse(config.IsProvisioned);
        }

        [TestMethod]
        public void AFailingStoreIsAStorageFaultNotAnException()
        {
            MemoryFileStore store = new MemoryFileStore();
            store.CutPowerAfterWrites(0);
            try
            {
                store.Append("x", new byte[] { 1 }, 0, 1);
            }
            catch (PowerCutException)
            {
            }

            TerminalConfiguration config = new TerminalConfiguration();
            SelfTestReport report = new SelfTestReport();
            ArrayList lines = new ArrayList();
            Assert.AreEqual((int)ConfigurationStatus.Missing, (int)ConfigurationBoot.Run(store, config, new ConfigErrors(), report, line => lines.Add(line)));
            Assert.AreEqual((int)FaultClass.StorageFault, (int)FaultSelector.Worst(report));
            Assert.IsTrue(((string)lines[0]).IndexOf("storage fault") >= 0, (string)lines[0]);
            Assert.IsFalse(config.IsProvisioned);
        }

        [TestMethod]
        public void ABlankTerminalSaysItIsNotProvisioned()
        {
            SelfTestReport report = new SelfTestReport();
            ArrayList lines = new ArrayList();
            ConfigurationBoot.Run(new MemoryFileStore(), new TerminalConfiguration(), new ConfigErrors(), report, line => lines.Add(line));
            Assert.AreEqual(1, lines.Count);
            Assert.AreEqual((int)FaultClass.ConfigMissing, (int)FaultSelector.Worst(report));
        }
    }
}
