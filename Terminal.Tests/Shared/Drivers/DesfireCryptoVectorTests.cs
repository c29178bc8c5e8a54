#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Drivers.Desfire;

namespace LeoCarte.Terminal.Tests.Drivers
{
    /// <summary>
    /// Published vectors for the DESFire cryptography in the subset: FIPS-197 C.1 and NIST SP 800-38A F.1.1 (AES-128),
    /// RFC 4493 / SP 800-38B (AES-CMAC and its subkeys), NXP AN10922 §2.2 (AES-128 key diversification) and the NXP
    /// AN12196 AuthenticateEV2First + CommMode.Full WriteData example (session keys, IVs, MACs).
    /// </summary>
    [TestClass]
    public class DesfireCryptoVectorTests
    {
        [TestMethod]
        [DataRow("000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a")]
        [DataRow("2b7e151628aed2a6abf7158809cf4f3c", "6bc1bee22e409f96e93d7e117393172a", "3ad77bb40d7a3660a89ecaf32466ef97")]
        [DataRow("2b7e151628aed2a6abf7158809cf4f3c", "ae2d8a571e03ac9c9eb76fac45af8e51", "f5d3d58503b9699de785895a96fdbaaf")]
        [DataRow("2b7e151628aed2a6abf7158809cf4f3c", "30c81c46a35ce411e5fbc1191a0a52ef", "43b1cd7f598ece23881b00e3ed030688")]
        [DataRow("2b7e151628aed2a6abf7158809cf4f3c", "f69f2445df4f9b17ad2b417be66c3710", "7b0c785e27e8ad3f8223207104725dd4")]
        public void Aes128MatchesFips197AndSp80038A(string key, string plain, string cipher)
        {
            Aes128 aes = new Aes128();
            aes.SetKey(HexText.Parse(key), 0);
            byte[] block = HexText.Parse(plain);
            aes.Encrypt(block, 0, block, 0);
            Assert.AreEqual(cipher, HexText.Format(block));
            aes.Decrypt(block, 0, block, 0);
            Assert.AreEqual(plain, HexText.Format(block));
        }

        [TestMethod]
        [DataRow(0, "bb1d6929e95937287fa37d129b756746")]
        [DataRow(16, "070a16b46b4d4144f79bdd9dd04a287c")]
        [DataRow(40, "dfa66747de9ae63030ca32611497c827")]
        [DataRow(64, "51f0bebf7e3b9d92fc49741779363cfe")]
        public void CmacMatchesRfc4493(int length, string expected)
        {
            byte[] message = HexText.Parse("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
            AesCmac cmac = new AesCmac(new Aes128());
            cmac.SetKey(HexText.Parse("2b7e151628aed2a6abf7158809cf4f3c"), 0);
            byte[] subkey = new byte[16];
            cmac.CopySubkey(1, subkey, 0);
            Assert.AreEqual("fbeed618357133667c85e08f7236a8de", HexText.Format(subkey));
            cmac.CopySubkey(2, subkey, 0);
            Assert.AreEqual("f7ddac306ae266ccf90bc11ee46d513b", HexText.Format(subkey));
            byte[] mac = new byte[16];
            cmac.Compute(message, 0, length, mac, 0);
            Assert.AreEqual(expected, HexText.Format(mac));
        }

        [TestMethod]
        public void CbcMatchesSp80038AF21AndF22()
        {
            // NIST SP 800-38A F.2.1 (CBC-AES128.Encrypt) and F.2.2 (Decrypt): four blocks, IV 00 01 .. 0F; in place and
            // at an offset, over every prefix of whole blocks.
            string plainText = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
            string cipherText = "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7";
            Aes128 aes = new Aes128();
            aes.SetKey(HexText.Parse("2b7e151628aed2a6abf7158809cf4f3c"), 0);
            byte[] iv = HexText.Parse("000102030405060708090a0b0c0d0e0f");
            for (int blocks = 1; blocks <= 4; blocks++)
            {
                byte[] data = HexText.Parse(plainText.Substring(0, 32 * blocks));
                aes.EncryptCbc(iv, data, 0, data.Length, data, 0);
                Assert.AreEqual(cipherText.Substring(0, 32 * blocks), HexText.Format(data));
                byte[] moved = new byte[data.Length + 5];
                aes.DecryptCbc(iv, data, 0, data.Length, moved, 5);
                byte[] back = new byte[data.Length];
                System.Array.Copy(moved, 5, back, 0, back.Length);
                Assert.AreEqual(plainText.Substring(0, 32 * blocks), HexText.Format(back));
                aes.DecryptCbc(iv, data, 0, data.Length, data, 0);
                Assert.AreEqual(plainText.Substring(0, 32 * blocks), HexText.Format(data));
            }

            Assert.AreEqual("000102030405060708090a0b0c0d0e0f", HexText.Format(iv));
        }

        [TestMethod]
        [DataRow(0, "bb1d6929e95937287fa37d129b756746")]
        [DataRow(16, "070a16b46b4d4144f79bdd9dd04a287c")]
        [DataRow(40, "dfa66747de9ae63030ca32611497c827")]
        [DataRow(64, "51f0bebf7e3b9d92fc49741779363cfe")]
        public void CmacInPlaceMatchesRfc4493(int length, string expected)
        {
            // The DESFire session's MACs are computed in their own buffer (padded and CBC-encrypted where they lie).
            byte[] message = HexText.Parse("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
            byte[] buffer = new byte[80];
            System.Array.Copy(message, 0, buffer, 0, length);
            for (int i = length; i < buffer.Length; i++)
            {
                buffer[i] = 0xA5; // whatever lies past the message must not matter
            }

            AesCmac cmac = new AesCmac(new Aes128());
            cmac.SetKey(HexText.Parse("2b7e151628aed2a6abf7158809cf4f3c"), 0);
            byte[] mac = new byte[20];
            cmac.ComputeInPlace(buffer, length, mac, 4);
            byte[] result = new byte[16];
            System.Array.Copy(mac, 4, result, 0, 16);
            Assert.AreEqual(expected, HexText.Format(result));
        }

        [TestMethod]
        public void DiversificationMatchesAn10922Example()
        {
            byte[] master = HexText.Parse("00112233445566778899aabbccddeeff");
            AesCmac cmac = new AesCmac(new Aes128());
            cmac.SetKey(master, 0);
            byte[] subkey = new byte[16];
            cmac.CopySubkey(2, subkey, 0);
            Assert.AreEqual("f793eeb928278083bfdc8a5a7e0e0d25", HexText.Format(subkey), "AN10922 step 4: K2");

            KeyDiversification diversification = new KeyDiversification(new Aes128());
            byte[] key = new byte[16];
            byte[] systemId = HexText.Parse("4e585020416275"); // "NXP Abu"
            Assert.IsTrue(diversification.Diversify(master, 0, HexText.Parse("04782e21801d80"), 7, HexText.Parse("3042f5"), 0, systemId, 7, key, 0));
            Assert.AreEqual("a8dd63a3b89d54b37ca802473fda9175", HexText.Format(key));

            Assert.IsFalse(diversification.Diversify(master, 0, new byte[10], 10, new byte[3], 0, new byte[19], 19, key, 0), "32 bytes of input: refused");
            Assert.AreEqual("a8dd63a3b89d54b37ca802473fda9175", HexText.Format(key), "nothing written on refusal");
        }

        [TestMethod]
        public void Ev2SessionMatchesAn12196Example()
        {
            // AN12196 (NTAG 424 DNA uses the DESFire EV2 secure messaging): key number 3 = 16 x 00.
            DesfireSession session = new DesfireSession(new Aes128(), new Aes128(), new Aes128());
            byte[] key = new byte[16];
            byte[] rndA = HexText.Parse("b98f4c50cf1c2e084fd150e33992b048");
            byte[] answer = new byte[32];
            session.BeginAuthentication(key, 0, rndA, 0, HexText.Parse("b875ceb0e66a6c5cd00898dc371f92d1"), 0, answer, 0);
            Assert.AreEqual("ff0306e47dfbc50087c4d8a78e88e62de1e8be457aa477c707e2f0874916a8b1", HexText.Format(answer));
            Assert.IsTrue(session.CompleteAuthentication(HexText.Parse("0cc9a8094a8eea683ecaac5c7bf20584206d0608d477110fc6b3d5d3f65c3a6a"), 0));
            Assert.AreEqual(0, session.CommandCounter);

            // WriteData (8Dh), file 3, offset 0, length 10, CommMode.Full.
            byte[] header = HexText.Parse("030000000a0000");
            byte[] data = new byte[16];
            byte[] plain = HexText.Parse("0102030405060708090a");
            for (int i = 0; i < plain.Length; i++)
            {
                data[i] = plain[i];
            }

            Assert.AreEqual(16, session.EncryptCommandData(data, 0, 10));
            Assert.AreEqual("6b5e6804909962fc4e3ff5522cf0f843", HexText.Format(data));
            byte[] mac = new byte[8];
            Assert.IsTrue(session.CommandMac(0x8D, header, 0, 7, data, 0, 16, mac, 0));
            Assert.AreEqual("6c0c53315b9c73aa", HexText.Format(mac));
            Assert.IsTrue(session.VerifyResponseMac(0x00, data, 0, 0, HexText.Parse("c26d236e4a7c046d"), 0), "the card's response MAC");
            Assert.AreEqual(1, session.CommandCounter);
            Assert.IsTrue(session.Authenticated);

            Assert.IsFalse(session.VerifyResponseMac(0x00, data, 0, 0, HexText.Parse("c26d236e4a7c046d"), 0), "replayed: the counter moved on");
            Assert.IsFalse(session.Authenticated, "a wrong MAC ends the session");
        }

        [TestMethod]
        public void ClearForgetsTheSessionEveryTimeItWasUsed()
        {
            // Clear skips its work when nothing was written since the last Clear: after an authentication, a MAC check on
            // a cleared session, and a second authentication, it must still forget everything.
            DesfireSession session = new DesfireSession(new Aes128(), new Aes128(), new Aes128());
            byte[] key = new byte[16];
            byte[] rndA = HexText.Parse("b98f4c50cf1c2e084fd150e33992b048");
            byte[] answer = new byte[32];
            byte[] data = new byte[16];
            for (int round = 0; round < 2; round++)
            {
                session.Clear();
                session.BeginAuthentication(key, 0, rndA, 0, HexText.Parse("b875ceb0e66a6c5cd00898dc371f92d1"), 0, answer, 0);
                Assert.AreEqual("ff0306e47dfbc50087c4d8a78e88e62de1e8be457aa477c707e2f0874916a8b1", HexText.Format(answer));
                Assert.IsTrue(session.CompleteAuthentication(HexText.Parse("0cc9a8094a8eea683ecaac5c7bf20584206d0608d477110fc6b3d5d3f65c3a6a"), 0));
                Assert.AreEqual("7614281a", HexText.Format(session.TransactionIdentifier)); // AN12196: TI 7614281A
                Assert.AreEqual(16, session.EncryptCommandData(data, 0, 10));
                Assert.IsTrue(session.VerifyResponseMac(0x00, data, 0, 0, HexText.Parse("c26d236e4a7c046d"), 0));
                Assert.AreEqual(1, session.CommandCounter);

                session.Clear();
                Assert.IsFalse(session.Authenticated);
                Assert.AreEqual(0, session.CommandCounter);
                Assert.AreEqual("00000000", HexText.Format(session.TransactionIdentifier));

                // Unauthenticated, a response MAC is refused and leaves the counter at 0, whatever Clear skips.
                Assert.IsFalse(session.VerifyResponseMac(0x00, data, 0, 0, HexText.Parse("c26d236e4a7c046d"), 0));
                Assert.AreEqual(0, session.CommandCounter);
                session.Clear();
                Assert.AreEqual(0, session.CommandCounter);
                Assert.AreEqual(DesfireSecureMessaging.None, session.SecureMessaging);
            }
        }

        [TestMethod]
        public void Ev2AuthenticationFailsWithoutTheKey()
        {
            DesfireSession session = new DesfireSession(new Aes128(), new Aes128(), new Aes128());
            byte[] wrongKey = new byte[16];
            wrongKey[0] = 1;
            byte[] answer = new byte[32];
            session.BeginAuthentication(wrongKey, 0, HexText.Parse("b98f4c50cf1c2e084fd150e33992b048"), 0, HexText.Parse("b875ceb0e66a6c5cd00898dc371f92d1"), 0, answer, 0);
            Assert.IsFalse(session.CompleteAuthentication(HexText.Parse("0cc9a8094a8eea683ecaac5c7bf20584206d0608d477110fc6b3d5d3f65c3a6a"), 0));
            Assert.IsFalse(session.Authenticated);
        }
    }

    /// <summary>Lowercase hex both ways, in the subset (no Convert.FromHexString on nanoFramework).</summary>
    public static class HexText
    {
        public static byte[] Parse(string hex)
        {
            byte[] bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)((Digit(hex[2 * i]) << 4) | Digit(hex[2 * i + 1]));
            }

            return bytes;
        }

        public static string Format(byte[] data)
        {
            string digits = "0123456789abcdef";
            char[] chars = new char[2 * data.Length];
            for (int i = 0; i < data.Length; i++)
            {
                chars[2 * i] = digits[data[i] >> 4];
                chars[2 * i + 1] = digits[data[i] & 0x0F];
            }

            return new string(chars);
        }

        private static int Digit(char c)
        {
            if (c >= '0' && c <= '9')
            {
                return c - '0';
            }

            return (c | 0x20) - 'a' + 10;
        }
    }
}
