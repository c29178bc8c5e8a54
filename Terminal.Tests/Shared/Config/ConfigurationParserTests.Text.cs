#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Config;

namespace LeoCarte.Terminal.Tests.Config
{
    // ConfigurationParserTests, part: the file as text: UTF-8, line ends, byte order mark, control
    // characters, overlong lines, garbage.
    public partial class ConfigurationParserTests
    {
        [TestMethod]
        public void Utf8ValuesWindowsLineEndsAndAByteOrderMarkAreAccepted()
        {
            string text = ConfigTestFiles.Minimal() + "[terminal]\nsite = Cafétéria \u00AB Le Phénix \u00BB \U0001F37D\n";
            // Split and join, never text[i] or a char at a time: on nanoFramework (strings are UTF-8 inside) the
            // string indexer returns the high surrogate at both positions of U+1F37D and a lone surrogate turns
            // into U+FFFD (rule in Builds/README.md).
            string[] lines = text.Split('\n');
            string crlf = lines[0];
            for (int i = 1; i < lines.Length; i++)
            {
                crlf += "\r\n" + lines[i];
            }

            byte[] body = ConfigTestFiles.Bytes(crlf);
            byte[] bytes = new byte[body.Length + 3];
            bytes[0] = 0xEF;
            bytes[1] = 0xBB;
            bytes[2] = 0xBF;
            System.Array.Copy(body, 0, bytes, 3, body.Length);
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsTrue(ConfigurationParser.Parse(bytes, bytes.Length, config, errors), ConfigTestFiles.AllErrors(errors));
            Assert.AreEqual("Cafétéria \u00AB Le Phénix \u00BB \U0001F37D", config.Site);
            Assert.AreEqual("crous-iot", config.WifiSsid, "no \\r left in values");
        }

        [TestMethod]
        public void AKeyAfterACharacterAboveUFFFFIsReportedAsThatKeyOnBothRuntimes()
        {
            // nanoFramework's string.IndexOf returns -1 after U+1F37D; the parser splits at '=' through ToCharArray
            // (Builds/README.md), so the line is the unknown key it is, not a line without '='.
            string text = ConfigTestFiles.Minimal() + "[terminal]\n\U0001F37D = x\n";
            int line = text.Split('\n').Length - 1;
            byte[] bytes = ConfigTestFiles.Bytes(text);
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigurationParser.Parse(bytes, bytes.Length, config, errors));
            ConfigTestFiles.AssertError(errors, line, "terminal.\U0001F37D");
        }

        [TestMethod]
        public void InvalidUtf8AndControlCharactersAreReportedWithTheirColumn()
        {
            byte[] good = ConfigTestFiles.Bytes(ConfigTestFiles.Minimal() + "[terminal]\nsite = Caf\n");
            byte[] bytes = new byte[good.Length + 2];
            System.Array.Copy(good, 0, bytes, 0, good.Length - 1);
            bytes[good.Length - 1] = 0xC3; // "é" cut after its lead byte, then a 0x28
            bytes[good.Length] = 0x28;
            bytes[good.Length + 1] = (byte)'\n';
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigurationParser.Parse(bytes, bytes.Length, config, errors));
            Assert.AreEqual(1, errors.Count, ConfigTestFiles.AllErrors(errors));
            ConfigTestFiles.AssertError(errors, ConfigTestFiles.MinimalLines + 2, "file");
            Assert.IsTrue(errors[0].Expected.IndexOf("column 11") >= 0, errors[0].Expected);

            Assert.IsFalse(ConfigTestFiles.Parse(ConfigTestFiles.Minimal() + "[terminal]\nsite = a\u0007b\n", config, errors));
            ConfigTestFiles.AssertError(errors, ConfigTestFiles.MinimalLines + 2, "file");
        }

        [TestMethod]
        public void OverlongLinesAndFilesAreRefused()
        {
            string longSite = new string('x', ConfigurationParser.MaxLineBytes);
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(ConfigTestFiles.Minimal() + "[terminal]\nsite = " + longSite + "\n", config, errors));
            ConfigTestFiles.AssertError(errors, ConfigTestFiles.MinimalLines + 2, "file");

            byte[] huge = new byte[ConfigurationParser.MaxFileBytes + 1];
            Assert.IsFalse(ConfigurationParser.Parse(huge, huge.Length, config, errors));
            Assert.AreEqual(1, errors.Count);
            ConfigTestFiles.AssertError(errors, 0, "file");
        }

        [TestMethod]
        public void ErrorsBeyondTheCapacityAreCountedNotKept()
        {
            string text = "[limits]\n";
            for (int i = 0; i < 100; i++)
            {
                text += "not a setting\n";
            }

            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, config, errors));
            Assert.AreEqual(ConfigErrors.Capacity, errors.Count);
            Assert.AreEqual(100 + 7 - ConfigErrors.Capacity, errors.Dropped, "100 syntax errors and 7 missing fields");
        }

        [TestMethod]
        public void GarbageNeverThrowsAndNeverProvisions()
        {
            uint seed = 12345;
            byte[] bytes = new byte[600];
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            byte[] valid = ConfigTestFiles.Bytes(ConfigTestFiles.Minimal());
            for (int round = 0; round < 300; round++)
            {
                int length = 1 + (int)(Next(ref seed) % (uint)bytes.Length);
                if (round % 2 == 0)
                {
                    for (int i = 0; i < length; i++)
                    {
                        bytes[i] = (byte)Next(ref seed);
                    }
                }
                else
                {
                    // A valid file with a few bytes flipped: mostly still parseable text.
                    length = valid.Length;
                    System.Array.Copy(valid, 0, bytes, 0, length);
                    for (int k = 0; k < 3; k++)
                    {
                        bytes[Next(ref seed) % (uint)length] = (byte)Next(ref seed);
                    }
                }

                bool ok = ConfigurationParser.Parse(bytes, length, config, errors);
                Assert.AreEqual(ok, config.IsProvisioned);
                Assert.AreEqual(ok, !errors.HasErrors);
                if (!ok)
                {
                    Assert.AreEqual(TerminalConfiguration.UnprovisionedId, config.TerminalId);
                }
            }
        }

        [TestMethod]
        public void ADecodedFileParsesTheSameAfterAReparse()
        {
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse("[terminal]\nmode = x\n", config, errors));
            Assert.IsTrue(ConfigTestFiles.Parse(ConfigTestFiles.Minimal(), config, errors), "errors of the previous parse are cleared");
            Assert.AreEqual(0, errors.Count);
        }

        private static uint Next(ref uint seed)
        {
            seed = seed * 1664525u + 1013904223u; // Numerical Recipes LCG: deterministic on host and device
            return seed >> 8;
        }
    }
}
