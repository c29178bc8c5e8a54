#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Config;

namespace LeoCarte.Terminal.Tests.Config
{
    /// <summary>The [card] section: the site policy, its application, system identifier and versioned keys, checked by the parser.</summary>
    [TestClass]
    public class CardPolicyConfigTests
    {
        private const string Key1 = "00112233445566778899AABBCCDDEEFF";
        private const string Key2 = "f0e1d2c3b4a5968778695a4b3c2d1e0f";

        private static string Aes(string policy)
        {
            return ConfigTestFiles.Minimal() + "[card]\n"        // 15
                + "policy = " + policy + "\n"                     // 16
                + "application = 4C4301\n"                        // 17
                + "system_id = 4C656F4361727465\n"                // 18
                + "key = 1 " + Key1 + "\n"                        // 19
                + "key = 2 " + Key2 + "\n";                       // 20
        }

        [TestMethod]
        public void DefaultIsUidAndADesfireAesSectionParses()
        {
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsTrue(ConfigTestFiles.Parse(ConfigTestFiles.Minimal(), config, errors), ConfigTestFiles.AllErrors(errors));
            Assert.AreEqual((int)CardPolicy.Uid, (int)config.Card.Policy);
            Assert.AreEqual(0, config.Card.KeyCount);

            Assert.IsTrue(ConfigTestFiles.Parse(Aes("desfire-aes"), config, errors), ConfigTestFiles.AllErrors(errors));
            CardPolicySettings card = config.Card;
            Assert.AreEqual((int)CardPolicy.DesfireAes, (int)card.Policy);
            Assert.IsFalse(card.Migration);
            Assert.AreEqual(0x01, (int)card.ApplicationId[0], "AID least significant byte first, as on the air");
            Assert.AreEqual(0x43, (int)card.ApplicationId[1]);
            Assert.AreEqual(0x4C, (int)card.ApplicationId[2]);
            Assert.AreEqual(8, card.SystemId.Length);
            Assert.AreEqual(2, card.KeyCount);
            Assert.AreEqual(0xF0, (int)card.MasterKey(2)[0]);
            Assert.AreEqual(0x00, (int)card.MasterKey(1)[0]);
            Assert.IsNull(card.MasterKey(3));
            Assert.IsNull(card.MasterKey(0));
            Assert.AreEqual("desfire-aes", card.PolicyName());

            Assert.IsTrue(ConfigTestFiles.Parse(Aes("desfire-aes-migration"), config, errors), ConfigTestFiles.AllErrors(errors));
            Assert.IsTrue(config.Card.Migration);
            Assert.AreEqual("desfire-aes-migration", config.Card.PolicyName());
        }

        [TestMethod]
        [DataRow("policy = desfire", 16, "card.policy")]
        [DataRow("application = 000000", 17, "card.application")]
        [DataRow("application = 4C43", 17, "card.application")]
        [DataRow("system_id = 4C6", 18, "card.system_id")]
        [DataRow("system_id = 000102030405060708090A0B0C0D0E0F10", 18, "card.system_id")]
        [DataRow("key = 0 00112233445566778899AABBCCDDEEFF", 19, "card.key")]
        [DataRow("key = 256 00112233445566778899AABBCCDDEEFF", 19, "card.key")]
        [DataRow("key = 1 00112233445566778899AABBCCDDEE", 19, "card.key")]
        [DataRow("key = 100112233445566778899AABBCCDDEEFF", 19, "card.key")]
        [DataRow("key = 2 00112233445566778899AABBCCDDEEFF", 19, "card.key")]
        public void EachBadCardLineIsReportedAtItsLine(string replacement, int line, string field)
        {
            string[] lines = Aes("desfire-aes").Split('\n');
            lines[line - 1] = replacement;
            string text = "";
            for (int i = 0; i < lines.Length; i++)
            {
                text += (i == 0 ? "" : "\n") + lines[i];
            }

            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, config, errors));
            ConfigTestFiles.AssertError(errors, replacement == "key = 2 00112233445566778899AABBCCDDEEFF" ? 20 : line, field);
            Assert.AreEqual(-1, ConfigTestFiles.AllErrors(errors).IndexOf("AABBCCDDEE"), "key digits are never echoed");
            Assert.AreEqual((int)CardPolicy.Uid, (int)config.Card.Policy, "a file with an error leaves the safe defaults");
        }

        [TestMethod]
        public void DesfireAesNeedsItsPartsAndUidTakesNone()
        {
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(ConfigTestFiles.Minimal() + "[card]\npolicy = desfire-aes\n", config, errors));
            Assert.AreEqual(3, errors.Count, ConfigTestFiles.AllErrors(errors));
            ConfigTestFiles.AssertError(errors, 16, "card.application");
            ConfigTestFiles.AssertError(errors, 16, "card.system_id");
            ConfigTestFiles.AssertError(errors, 16, "card.key");

            Assert.IsFalse(ConfigTestFiles.Parse(ConfigTestFiles.Minimal() + "[card]\npolicy = uid\nkey = 1 " + Key1 + "\n", config, errors));
            Assert.AreEqual(1, errors.Count, ConfigTestFiles.AllErrors(errors));
            ConfigTestFiles.AssertError(errors, 17, "card.key");
        }
    }
}
