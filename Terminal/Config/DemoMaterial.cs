namespace LeoCarte.Terminal.Config
{
    /// <summary>
    /// Keys and certificates that are public because they ship in this repository (hardware/samples,
    /// Gateway/sample, the README's demonstrations), and secrets too weak to be keys. A configuration holding one
    /// is refused (the message names the field) unless it says <c>terminal.demo = yes</c>, which the
    /// configuration validator reports as "not deployable" and the self-test shows. Anyone can sign lists with
    /// the sample list key or requests with a sample terminal secret.
    /// </summary>
    public static class DemoMaterial
    {
        /// <summary>Shortest secret accepted, in bytes (256 bits: HMAC-SHA256's full strength).</summary>
        public const int MinSecretBytes = 32;

        /// <summary>The sample list signing public key (Gateway/sample/list-signing-key.sample.pem, id 1).</summary>
        public const string SampleListPublicKeyHex =
            "04ce0bcf2e198d53c5fa5e18e955c0e71c97b9685c1e5797ecba1d5162ffea3a4ea876f115b5b87b001ac2764126da33e4c1a1b58526996ccbe1ee04cc6373cde5";

        /// <summary>Secrets published as samples: hardware/samples/*.conf, Gateway/sample/gateway.sample.json (terminals and the former site list key).</summary>
        private static readonly string[] SampleSecretsHex = new string[]
        {
            "240087a0b4b52ce4f8144ff3f7849e80a2d38d24d1dfdbe221305e8f551f7cc0",
            "5033eeab5d75c25d480cbfe4162793a820a3cdc3222df3898332b0dbbd7fe115",
            "b94d599ed92f2ca0dca1e4ce6ea0dd5f26afc07457786874b3d0fbbbc614cb18",
            "466e805b1ef4543a77f149eda6467a461f8f2826e2f07c0719ca823efe476ccd",
            "5465726d696e616c2052552d4341454e2d303120646d6f20736563726574210a",
            "5465726d696e616c2056454e442d524f55454e2d303720646d6f20736563210a",
            "4c656f43617274652064656d6f2073697465206b6579202d206e6f7420736563",
        };

        /// <summary>The sample CA's subject says it (hardware/samples/gateway-ca.pem): "(not for production)".</summary>
        private const string NotForProduction = "not for production";

        public static bool IsSampleListPublicKey(byte[] point)
        {
            return point != null && EqualsHex(point, SampleListPublicKeyHex);
        }

        public static bool IsSampleSecret(byte[] secret)
        {
            if (secret == null)
            {
                return false;
            }

            for (int i = 0; i < SampleSecretsHex.Length; i++)
            {
                if (EqualsHex(secret, SampleSecretsHex[i]))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Why a secret is too weak to be a key, or null: shorter than 32 bytes, or every byte the same (all-zero
        /// flash, a placeholder of repeated digits).
        /// </summary>
        public static string WeaknessOf(byte[] secret)
        {
            if (secret == null || secret.Length < MinSecretBytes)
            {
                return "shorter than " + MinSecretBytes.ToString() + " bytes";
            }

            bool allSame = true;
            for (int i = 1; i < secret.Length; i++)
            {
                if (secret[i] != secret[0])
                {
                    allSame = false;
                    break;
                }
            }

            if (allSame)
            {
                return secret[0] == 0 ? "all zero" : "one byte repeated";
            }

            return null;
        }

        /// <summary>
        /// True when a PEM certificate's subject or issuer says "not for production" (the sample CA): the DER is
        /// decoded from the base64 lines and searched for that text.
        /// </summary>
        public static bool IsSampleCertificate(string pem)
        {
            if (pem == null)
            {
                return false;
            }

            byte[] der = DecodeBase64Body(pem);
            return der != null && Contains(der, NotForProduction);
        }

        private static bool EqualsHex(byte[] bytes, string hex)
        {
            if (bytes.Length * 2 != hex.Length)
            {
                return false;
            }

            for (int i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] != (byte)((HexValue(hex[2 * i]) << 4) | HexValue(hex[(2 * i) + 1])))
                {
                    return false;
                }
            }

            return true;
        }

        private static int HexValue(char c)
        {
            return LeoCarte.Terminal.Bytes.HexDigits.ValueOf(c);
        }

        /// <summary>The bytes of the base64 lines between the BEGIN and END lines (RFC 7468), or null when malformed.</summary>
        private static byte[] DecodeBase64Body(string pem)
        {
            byte[] output = new byte[(pem.Length * 3 / 4) + 3];
            int length = 0;
            int bits = 0;
            int bitCount = 0;
            bool inBody = false;
            int lineStart = 0;
            for (int i = 0; i <= pem.Length; i++)
            {
                if (i < pem.Length && pem[i] != '\n')
                {
                    continue;
                }

                string line = ConfigValueText.Trim(pem.Substring(lineStart, i - lineStart));
                lineStart = i + 1;
                if (line.StartsWith("-----BEGIN"))
                {
                    inBody = true;
                    continue;
                }

                if (line.StartsWith("-----END"))
                {
                    break;
                }

                if (!inBody)
                {
                    continue;
                }

                for (int k = 0; k < line.Length; k++)
                {
                    int value = Base64Value(line[k]);
                    if (value == -2)
                    {
                        continue; // '=' padding
                    }

                    if (value < 0)
                    {
                        return null;
                    }

                    bits = (bits << 6) | value;
                    bitCount += 6;
                    if (bitCount >= 8)
                    {
                        bitCount -= 8;
                        output[length++] = (byte)(bits >> bitCount);
                        bits &= (1 << bitCount) - 1;
                    }
                }
            }

            byte[] result = new byte[length];
            System.Array.Copy(output, result, length);
            return result;
        }

        private static int Base64Value(char c)
        {
            if (c >= 'A' && c <= 'Z')
            {
                return c - 'A';
            }

            if (c >= 'a' && c <= 'z')
            {
                return c - 'a' + 26;
            }

            if (c >= '0' && c <= '9')
            {
                return c - '0' + 52;
            }

            if (c == '+')
            {
                return 62;
            }

            if (c == '/')
            {
                return 63;
            }

            return c == '=' ? -2 : -1;
        }

        private static bool Contains(byte[] data, string text)
        {
            for (int start = 0; start + text.Length <= data.Length; start++)
            {
                int k = 0;
                while (k < text.Length && data[start + k] == (byte)text[k])
                {
                    k++;
                }

                if (k == text.Length)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
