#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Config;

namespace LeoCarte.Terminal.Tests.Config
{
    // ConfigurationParserTests, part: the gateway's CA certificate: inline PEM blocks, their errors, plain
    // HTTP on loopback.
    public partial class ConfigurationParserTests
    {
        [TestMethod]
        public void AnInlinePemCertificateOrChainIsKeptLineByLine()
        {
            string text = ReplaceLine(ConfigTestFiles.Minimal(), 10, "ca_certificate = " + ConfigTestFiles.PemBlock() + ConfigTestFiles.PemBlock().Substring(0, ConfigTestFiles.PemBlock().Length - 1));
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsTrue(ConfigTestFiles.Parse(text, config, errors), ConfigTestFiles.AllErrors(errors));
            Assert.IsNull(config.CaCertificateFile);
            Assert.AreEqual(ConfigTestFiles.PemBlock() + ConfigTestFiles.PemBlock(), config.CaCertificatePem);
            Assert.AreEqual(32, config.TerminalSecret.Length, "settings after the block are read");
        }

        [TestMethod]
        public void APemBlockWithoutItsEndLineIsReportedAndTheNextSettingStillCounts()
        {
            string pem = ConfigTestFiles.PemBlock();
            string withoutEnd = pem.Substring(0, pem.IndexOf("-----END"));
            string text = ReplaceLine(ConfigTestFiles.Minimal(), 10, "ca_certificate = " + withoutEnd.Substring(0, withoutEnd.Length - 1));
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, config, errors));
            Assert.AreEqual(1, errors.Count, ConfigTestFiles.AllErrors(errors));
            ConfigTestFiles.AssertError(errors, 14, "gateway.ca_certificate"); // the [keys] line after the 3 base64 lines
        }

        [TestMethod]
        public void APemBlockWithABadLineOrNoEndBeforeTheFileEndsIsReported()
        {
            string bad = ReplaceLine(ConfigTestFiles.Minimal(), 10, "ca_certificate = -----BEGIN CERTIFICATE-----\nMIIB*szCC\nAAAA\n-----END CERTIFICATE-----");
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(bad, config, errors));
            ConfigTestFiles.AssertError(errors, 11, "gateway.ca_certificate");

            string unterminated = ConfigTestFiles.Minimal().Substring(0, ConfigTestFiles.Minimal().Length - 1)
                + "[gateway]\nca_certificate = -----BEGIN CERTIFICATE-----\nAAAA\n";
            Assert.IsFalse(ConfigTestFiles.Parse(ReplaceLine(unterminated, 10, "# no file"), config, errors));
            Assert.AreEqual(1, errors.Count, ConfigTestFiles.AllErrors(errors));
            ConfigTestFiles.AssertError(errors, 15, "gateway.ca_certificate");
        }

        [TestMethod]
        public void PlainHttpIsOnlyForALoopbackGatewayAndNeedsNoCertificate()
        {
            string text = ReplaceLine(ReplaceLine(ConfigTestFiles.Minimal(), 10, "# loopback"), 9, "url = http://127.0.0.1:8080/");
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsTrue(ConfigTestFiles.Parse(text, config, errors), ConfigTestFiles.AllErrors(errors));
            Assert.AreEqual("http://127.0.0.1:8080/", config.GatewayUrl);
        }

        [TestMethod]
        public void BothCertificateFormsAtOnceAreAnError()
        {
            string text = ConfigTestFiles.Minimal() + "[gateway]\nca_certificate = " + ConfigTestFiles.PemBlock();
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, config, errors));
            Assert.AreEqual(1, errors.Count, ConfigTestFiles.AllErrors(errors));
            ConfigTestFiles.AssertError(errors, ConfigTestFiles.MinimalLines + 2, "gateway.ca_certificate");
        }
    }
}
