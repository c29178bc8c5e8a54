#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Config;

namespace LeoCarte.Terminal.Tests.Config
{
    /// <summary>
    /// The [keys] rules (issue 13): list public keys by id, and the public sample material refused with a message
    /// naming the field unless terminal.demo = yes, weak secrets always refused.
    /// </summary>
    [TestClass]
    public class ConfigurationKeysTests
    {
        private const string SampleSecret = "240087a0b4b52ce4f8144ff3f7849e80a2d38d24d1dfdbe221305e8f551f7cc0";

        /// <summary>hardware/samples/gateway-ca.pem (subject "LeoCarte SAMPLE Gateway Root CA (not for production)").</summary>
        private const string SampleCa = "ca_certificate = -----BEGIN CERTIFICATE-----\n"
            + "MIICFzCCAb2gAwIBAgIUBkkEOVRa6fC6YhLJRb7IB7gcH/8wCgYIKoZIzj0EAwIw\n"
            + "WTEYMBYGA1UECgwPTGVvQ2FydGUgU0FNUExFMT0wOwYDVQQDDDRMZW9DYXJ0ZSBT\n"
            + "QU1QTEUgR2F0ZXdheSBSb290IENBIChub3QgZm9yIHByb2R1Y3Rpb24pMB4XDTI2\n"
            + "MTEyNjE0MzE1MFoXDTM2MTEyMzE0MzE1MFowWTEYMBYGA1UECgwPTGVvQ2FydGUg\n"
            + "U0FNUExFMT0wOwYDVQQDDDRMZW9DYXJ0ZSBTQU1QTEUgR2F0ZXdheSBSb290IENB\n"
            + "IChub3QgZm9yIHByb2R1Y3Rpb24pMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n"
            + "pSXZkDXpHaNKzXWnktHzVmVDZL97zrMaXIGflqtiXvZSRq39xllDN1WAXWQbBfw8\n"
            + "CJ6KAJF3amtJwtqmGNjKjaNjMGEwHQYDVR0OBBYEFJafbrifxPV7t0XB51kJ3woK\n"
            + "3AIGMB8GA1UdIwQYMBaAFJafbrifxPV7t0XB51kJ3woK3AIGMA8GA1UdEwEB/wQF\n"
            + "MAMBAf8wDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMCA0gAMEUCIQCN1dYq8aiw\n"
            + "LU/O8xDwQQ42pSvYVk7WNzOG9gmCd/o06gIgSmKyxY3gflhRkgizE9lf8q55QpLe\n"
            + "BfuzX5XWzC4+RNM=\n"
            + "-----END CERTIFICATE-----";

        [TestMethod]
        public void TheSampleListKeyIsRefusedNamingTheField()
        {
            string text = Replace(12, "list_public_key = 1:" + DemoMaterial.SampleListPublicKeyHex);
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, new TerminalConfiguration(), errors));
            Assert.AreEqual(1, errors.Count, ConfigTestFiles.AllErrors(errors));
            ConfigTestFiles.AssertError(errors, 12, "keys.list_public_key");
            Assert.IsTrue(errors[0].Expected.IndexOf("sample") >= 0 && errors[0].Expected.IndexOf("Tools/KeyGen") >= 0, errors[0].Expected);
        }

        [TestMethod]
        public void ASampleSecretIsRefusedNamingTheField()
        {
            string text = Replace(13, "terminal_secret = " + SampleSecret);
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, new TerminalConfiguration(), errors));
            Assert.AreEqual(1, errors.Count, ConfigTestFiles.AllErrors(errors));
            ConfigTestFiles.AssertError(errors, 13, "keys.terminal_secret");
            Assert.IsTrue(errors[0].Expected.IndexOf(SampleSecret.Substring(0, 8)) < 0, "never quotes the secret");
        }

        [TestMethod]
        public void TheSampleCaIsRefusedNamingTheField()
        {
            string text = Replace(10, SampleCa);
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, new TerminalConfiguration(), errors));
            Assert.AreEqual(1, errors.Count, ConfigTestFiles.AllErrors(errors));
            ConfigTestFiles.AssertError(errors, 10, "gateway.ca_certificate");
            Assert.IsTrue(errors[0].Expected.IndexOf("not for production") >= 0, errors[0].Expected);
        }

        [TestMethod]
        public void InDemoModeTheSamplesRunAndSaySo()
        {
            string text = Replace(13, "terminal_secret = " + SampleSecret);
            text = Replace(text, 12, "list_public_key = 1:" + DemoMaterial.SampleListPublicKeyHex);
            text = Replace(text, 10, SampleCa);
            text = Replace(text, 4, "mode = restaurant\ndemo = yes");
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsTrue(ConfigTestFiles.Parse(text, config, errors), ConfigTestFiles.AllErrors(errors));
            Assert.IsTrue(config.Demo);
            Assert.IsTrue(config.DemoReason.IndexOf("keys.list_public_key") >= 0, config.DemoReason);
            Assert.IsTrue(config.DemoReason.IndexOf("keys.terminal_secret") >= 0, config.DemoReason);
            Assert.IsTrue(config.DemoReason.IndexOf("gateway.ca_certificate") >= 0, config.DemoReason);
        }

        [TestMethod]
        public void WeakSecretsAreRefusedEvenInDemoMode()
        {
            string[] weak = new string[]
            {
                "0000000000000000000000000000000000000000000000000000000000000000",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            };
            for (int i = 0; i < weak.Length; i++)
            {
                string text = Replace(Replace(13, "terminal_secret = " + weak[i]), 4, "mode = restaurant\ndemo = yes");
                ConfigErrors errors = new ConfigErrors();
                Assert.IsFalse(ConfigTestFiles.Parse(text, new TerminalConfiguration(), errors), weak[i]);
                Assert.AreEqual(1, errors.Count, ConfigTestFiles.AllErrors(errors));
                Assert.AreEqual("keys.terminal_secret", errors[0].Field);
            }

            Assert.AreEqual("shorter than 32 bytes", DemoMaterial.WeaknessOf(new byte[31]));
            Assert.AreEqual("all zero", DemoMaterial.WeaknessOf(new byte[32]));
        }

        [TestMethod]
        public void TwoKeysByIdForARotationAndTheirLimits()
        {
            string second = "9:04" + ConfigTestFiles.ListPublicKeyLine.Substring(4, 128);
            string text = Replace(12, "list_public_key = " + ConfigTestFiles.ListPublicKeyLine + "\nlist_public_key = " + second);
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsTrue(ConfigTestFiles.Parse(text, config, errors), ConfigTestFiles.AllErrors(errors));
            Assert.AreEqual(2, config.ListKeyIds.Length);
            Assert.AreEqual(9u, config.ListKeyIds[1]);

            text = Replace(12, "list_public_key = " + ConfigTestFiles.ListPublicKeyLine + "\nlist_public_key = " + ConfigTestFiles.ListPublicKeyLine);
            errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, new TerminalConfiguration(), errors));
            ConfigTestFiles.AssertError(errors, 13, "keys.list_public_key");

            text = Replace(12, "list_public_key = 7:05" + ConfigTestFiles.ListPublicKeyLine.Substring(4, 128));
            errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, new TerminalConfiguration(), errors), "a compressed or foreign point form");
            ConfigTestFiles.AssertError(errors, 12, "keys.list_public_key");
        }

        [TestMethod]
        public void TheVersionJumpIsConfigurable()
        {
            string text = ConfigTestFiles.Minimal() + "[keys]\nmax_list_version_jump = 500\n";
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsTrue(ConfigTestFiles.Parse(text, config, errors), ConfigTestFiles.AllErrors(errors));
            Assert.AreEqual(500, config.MaxListVersionJump);
        }

        private static string Replace(int line, string replacement)
        {
            return Replace(ConfigTestFiles.Minimal(), line, replacement);
        }

        private static string Replace(string text, int line, string replacement)
        {
            string result = "";
            int number = 1;
            int start = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    result += (number == line ? replacement : text.Substring(start, i - start)) + "\n";
                    number++;
                    start = i + 1;
                }
            }

            return result + text.Substring(start);
        }
    }
}
