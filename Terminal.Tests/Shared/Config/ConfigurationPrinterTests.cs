#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System.Collections;
using LeoCarte.Terminal.Config;

namespace LeoCarte.Terminal.Tests.Config
{
    /// <summary>The effective configuration printout shows every field and no secret.</summary>
    [TestClass]
    public class ConfigurationPrinterTests
    {
        [TestMethod]
        public void PrintsEveryFieldWithSecretsMasked()
        {
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsTrue(ConfigTestFiles.Parse(ConfigTestFiles.Minimal(), config, errors));
            ArrayList lines = new ArrayList();
            ConfigurationPrinter.Write(config, line => lines.Add(line));
            string all = "";
            foreach (string line in lines)
            {
                all += line + "\n";
            }

            for (int i = 0; i < ConfigurationParser.Fields.Length; i++)
            {
                Assert.IsTrue(all.IndexOf(ConfigurationParser.Fields[i]) >= 0 || ConfigurationParser.Fields[i] == "gateway.ca_certificate", ConfigurationParser.Fields[i]);
            }

            Assert.IsTrue(all.IndexOf(ConfigTestFiles.WifiPassword) < 0, "Wi-Fi password masked");
                        Assert.IsTrue(all.IndexOf("F0E1D2") < 0 && all.IndexOf("f0e1d2") < 0, "terminal secret masked");
            Assert.IsTrue(all.IndexOf("keys.list_public_key = 7:04") >= 0, all);
            Assert.IsTrue(all.IndexOf("terminal.demo = no") >= 0, all);
            Assert.IsTrue(all.IndexOf("service.window = lunch 11:00-14:30") >= 0, all);
            Assert.IsTrue(all.IndexOf("limits.card_daily_offline_cap_cents = 1000   (10.00 €)") >= 0, all);
        }

        [TestMethod]
        public void AnUnprovisionedTerminalSaysItDeniesEveryTap()
        {
            ArrayList lines = new ArrayList();
            ConfigurationPrinter.Write(TerminalConfiguration.Defaults(), line => lines.Add(line));
            Assert.IsTrue(((string)lines[0]).IndexOf("every tap is denied") >= 0, (string)lines[0]);
        }
    }
}
