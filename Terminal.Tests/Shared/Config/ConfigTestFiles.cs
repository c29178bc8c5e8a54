#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Config;

namespace LeoCarte.Terminal.Tests.Config
{
    /// <summary>Configuration texts and helpers shared by the configuration tests (host and device).</summary>
    public static class ConfigTestFiles
    {
        /// <summary>A list public key line (id 7; the point's bytes are arbitrary: the parser checks the form, the verifier the curve).</summary>
        public const string ListPublicKeyLine = "7:040b30557a9fc4e90e33587da2c7ec11365b80a5caef14395e83a8cdf2173c6186abd0f51a3f6489aed3f81d42678cb1d6fb20456a8fb4d9fe23486d92b7dc0126";
        public const string SecretHex = "F0E1D2C3B4A5968778695A4B3C2D1E0FF0E1D2C3B4A5968778695A4B3C2D1E0F";
        public const string WifiPassword = "Crous-IoT 2026!";

        /// <summary>The smallest valid file: the seven required fields and a CA file (14 lines, ends with '\n').</summary>
        public static string Minimal()
        {
            return "# minimal terminal\n"                              // 1
                + "[terminal]\n"                                        // 2
                + "id = RU-CAEN-C1-01\n"                                // 3
                + "mode = restaurant\n"                                 // 4
                + "[wifi]\n"                                            // 5
                + "ssid = crous-iot\n"                                  // 6
                + "password = " + WifiPassword + "\n"                   // 7
                + "[gateway]\n"                                         // 8
                + "url = https://leocarte-gw.example.fr/terminal\n"     // 9
                + "ca_certificate_file = gateway-ca.pem\n"              // 10
                + "[keys]\n"                                            // 11
                + "list_public_key = " + ListPublicKeyLine + "\n"       // 12
                + "terminal_secret = " + SecretHex + "\n"               // 13
                + "\n";                                                 // 14
        }

        public const int MinimalLines = 14;

        /// <summary>A syntactically valid PEM block body (not a real certificate: the parser checks the form only).</summary>
        public static string PemBlock()
        {
            return "-----BEGIN CERTIFICATE-----\n"
                + "MIIBszCCAVmgAwIBAgIUTESTTESTTESTTESTTESTTESTTESTCgYIKoZIzj0EAwIw\n"
                + "LzEtMCsGA1UEAwwkTGVvQ2FydGUgVGVzdCBHYXRld2F5IENBIChub3QgcmVhbCkw\n"
                + "AAAA\n"
                + "-----END CERTIFICATE-----\n";
        }

        /// <summary>UTF-8 bytes of <paramref name="text"/>, encoded by hand (no System.Text.Encoding on nanoFramework).</summary>
        public static byte[] Bytes(string text)
        {
            byte[] bytes = new byte[Utf8Text.ByteCount(text)];
            int n = 0;
            // ToCharArray, not text[i]: nanoFramework's indexer gives the high surrogate at both positions of a
            // character above U+FFFF (Builds/README.md).
            char[] chars = text.ToCharArray();
            for (int i = 0; i < chars.Length; i++)
            {
                int c = chars[i];
                if (c >= 0xD800 && c <= 0xDBFF && i + 1 < chars.Length)
                {
                    c = 0x10000 + ((c - 0xD800) << 10) + (chars[i + 1] - 0xDC00);
                    i++;
                }

                if (c < 0x80)
                {
                    bytes[n++] = (byte)c;
                }
                else if (c < 0x800)
                {
                    bytes[n++] = (byte)(0xC0 | (c >> 6));
                    bytes[n++] = (byte)(0x80 | (c & 0x3F));
                }
                else if (c < 0x10000)
                {
                    bytes[n++] = (byte)(0xE0 | (c >> 12));
                    bytes[n++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                    bytes[n++] = (byte)(0x80 | (c & 0x3F));
                }
                else
                {
                    bytes[n++] = (byte)(0xF0 | (c >> 18));
                    bytes[n++] = (byte)(0x80 | ((c >> 12) & 0x3F));
                    bytes[n++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                    bytes[n++] = (byte)(0x80 | (c & 0x3F));
                }
            }

            return bytes;
        }

        public static bool Parse(string text, TerminalConfiguration into, ConfigErrors errors)
        {
            byte[] bytes = Bytes(text);
            return ConfigurationParser.Parse(bytes, bytes.Length, into, errors);
        }

        /// <summary>Asserts that some error sits at <paramref name="line"/> for <paramref name="field"/>.</summary>
        public static void AssertError(ConfigErrors errors, int line, string field)
        {
            string all = "";
            for (int i = 0; i < errors.Count; i++)
            {
                if (errors[i].Line == line && errors[i].Field == field)
                {
                    Assert.IsTrue(errors[i].Expected.Length > 0, "the error says what is expected");
                    return;
                }

                all += " [" + errors[i].ToString() + "]";
            }

            Assert.IsTrue(false, "expected an error at line " + line.ToString() + " for " + field + "; got" + all);
        }

        /// <summary>Every error's text joined, for messages and "does not leak" checks.</summary>
        public static string AllErrors(ConfigErrors errors)
        {
            string all = "";
            for (int i = 0; i < errors.Count; i++)
            {
                all += errors[i].ToString() + "\n";
            }

            return all;
        }
    }
}
