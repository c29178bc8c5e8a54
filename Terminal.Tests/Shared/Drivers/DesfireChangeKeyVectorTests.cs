#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Drivers.Desfire;

namespace LeoCarte.Terminal.Tests.Drivers
{
    /// <summary>
    /// DESFire EV1 ChangeKey, CRC32 and the CMAC chain of the personalisation commands against the published traces of a
    /// real EV1 card ("DESFire EV1 Communication Examples", AES part: application 00AE16; the same traces
    /// DesfireEv1VectorTests uses for the authentication): ChangeKey of the authenticating key 0 twice (IV zero), after a
    /// GetKeyVersion (IV = that answer's CMAC), ChangeKey of key 1 while authenticated with key 0 (new ⊕ old, CRC32 of the
    /// new key) twice with the card's answer MACs, CreateStdDataFile's CMAC and answer MAC. And the CRC32 itself: the
    /// trace's values and the CRC-32 check value ("123456789": CBF43926h, which DESFire leaves uninverted).
    /// </summary>
    [TestClass]
    public class DesfireChangeKeyVectorTests
    {
        private const string Zero = "00000000000000000000000000000000";
        private const string KeyA = "00102030405060708090a0b0b0a09080";
        private const string KeyB = "10182028303840485058606870788088";

        private static DesfireSession Authenticated(string key, string encryptedRndB, string rndA, string readerToken, string cardAnswer)
        {
            DesfireSession session = new DesfireSession(new Aes128(), new Aes128(), new Aes128());
            byte[] answer = new byte[32];
            session.BeginAuthenticationEv1(HexText.Parse(key), 0, HexText.Parse(rndA), 0, HexText.Parse(encryptedRndB), 0, answer, 0);
            Assert.AreEqual(readerToken, HexText.Format(answer));
            Assert.IsTrue(session.CompleteAuthenticationEv1(HexText.Parse(cardAnswer), 0));
            return session;
        }

        [TestMethod]
        public void Crc32MatchesTheTraceAndTheCheckValue()
        {
            byte[] check = new byte[] { 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39 };
            Assert.AreEqual(~0xCBF43926u, DesfireSession.Crc32(check, 0, 9, DesfireSession.Crc32Preset), "CRC-32 check value, not inverted");
            Assert.AreEqual(0x1979E3BFu, DesfireSession.Crc32(HexText.Parse(KeyA), 0, 16, DesfireSession.Crc32Preset), "trace: CRC New Key");
            Assert.AreEqual(0x2A766EB3u, DesfireSession.Crc32(HexText.Parse(KeyB), 0, 16, DesfireSession.Crc32Preset), "trace: CRC New Key");
            byte[] cryptogram = HexText.Parse("c400" + KeyA + "10");
            Assert.AreEqual(0x6BE6C6D2u, DesfireSession.Crc32(cryptogram, 0, cryptogram.Length, DesfireSession.Crc32Preset), "trace: CRC Crypto");
        }

        [TestMethod]
        public void ChangeKeyOfTheAuthenticatingKeyMatchesTheTrace()
        {
            // Key 0 = 00..00 → KeyA, version 10h (IV zero after the authentication).
            DesfireSession session = Authenticated(Zero, "b969fdfe56fd91fc9de6f6f213b8fd1e", "f44b26f5686f3a391cd38ebd10772281",
                "36aad7df6e436ba08d18613830a70d5ad43e3d3f4a8d47541eee623a934e4774", "800db680bc146bd121d6578f2d2e2059");
            byte[] output = new byte[32];
            Assert.IsTrue(session.BuildChangeKeyCryptogram(0x00, HexText.Parse(KeyA), 0, null, 0, 0x10, output, 0));
            Assert.AreEqual("e9f85e219496c2b58c1090dc3935fae9e840cf61b383d9531946256b1f110c10", HexText.Format(output));

            // Key 0 = KeyA → KeyB.
            session = Authenticated(KeyA, "ccc8316c2b2613fe9a189bac9cc89d03", "c2a1e47b96a5589faae90c03fe6d00a7",
                "c02e061e72e17726489caeec997c523758bf863efe7671c55b4665d06accd97b", "72accc0bdea482b53185bb5ad0086246");
            Assert.IsTrue(session.BuildChangeKeyCryptogram(0x00, HexText.Parse(KeyB), 0, null, 0, 0x10, output, 0));
            Assert.AreEqual("2945e3760e60f4a4046bb8a505b31cf559a3a2e05213bc82942ca6ab5dbcecf5", HexText.Format(output));
        }

        [TestMethod]
        public void GetKeyVersionMovesTheIvThatChangeKeyThenStartsFrom()
        {
            DesfireSession session = Authenticated(KeyB, "3e2be626c05e7798ee518355a751648e", "90f7a201c4db760538ff8a49ec63decd",
                "fabf71bb0dc45b8f31baeddff7f3439652d4094df12c17ef0c94353e6d7770c8", "1ce6c574e24923d404e18b6a240c1b08");
            byte[] command = new byte[] { 0x00 };
            byte[] mac = new byte[8];
            Assert.IsTrue(session.CommandMac(0x64, command, 0, 1, command, 0, 0, mac, 0));
            Assert.AreEqual("257fc538618a944a", HexText.Format(mac), "trace: TX CMAC of GetKeyVersion(0)");
            byte[] answer = HexText.Parse("108a8fa36f55cd210d");
            Assert.IsTrue(session.VerifyResponseMac(0x00, answer, 0, 1, answer, 1), "trace: version 10h with its MAC");
            byte[] iv = new byte[16];
            session.CopyEv1Iv(iv, 0);
            Assert.AreEqual("8a8fa36f55cd210dd8054658ac70d99a", HexText.Format(iv), "trace: RX CMAC = the IV ChangeKey starts from");

            byte[] output = new byte[32];
            Assert.IsTrue(session.BuildChangeKeyCryptogram(0x00, HexText.Parse(Zero), 0, null, 0, 0x00, output, 0));
            Assert.AreEqual("635375e4919f8af2e9e86b1c1ba55b0c0807eaf484d7a7ef6e0c3084160f5a61", HexText.Format(output));
        }

        [TestMethod]
        public void ChangeKeyOfAnotherKeyXorsTheOldKeyAndAddsTheNewKeysCrc()
        {
            // Authenticated with key 0 (00..00); key 1: 00..00 → KeyA, then KeyA → KeyB; each answer's MAC chains on.
            DesfireSession session = Authenticated(Zero, "eddaf0c5d9a7cf42b8808be2013899a1", "c2a1e47b96a5589faae90c03fe6d00a7",
                "d8105f874e2ca57b76c354a8066b0d7880b0c4ec399dbf253438db46d75f8f60", "459c76b71ab9f1736413f5acd73e7df9");
            byte[] output = new byte[32];
            Assert.IsTrue(session.BuildChangeKeyCryptogram(0x01, HexText.Parse(KeyA), 0, HexText.Parse(Zero), 0, 0x10, output, 0));
            Assert.AreEqual("e7eccb6bd1ca64bc161a12b1c024f71430337408c8a87eacab7a1ff18951fca3", HexText.Format(output));
            byte[] cardMac = HexText.Parse("2128d3cd9c9acfff");
            Assert.IsTrue(session.VerifyResponseMac(0x00, cardMac, 0, 0, cardMac, 0), "trace: the card's MAC over status 00, from the cryptogram's last block");
            byte[] iv = new byte[16];
            session.CopyEv1Iv(iv, 0);
            Assert.AreEqual("2128d3cd9c9acffff6eb9546adf35e17", HexText.Format(iv));

            Assert.IsTrue(session.BuildChangeKeyCryptogram(0x01, HexText.Parse(KeyB), 0, HexText.Parse(KeyA), 0, 0x10, output, 0));
            Assert.AreEqual("2841938c40a4bc2c33064482feada5f43ec535d34255b0286c2352cd173863c7", HexText.Format(output));
            cardMac = HexText.Parse("caf3bf0b2836e9de");
            Assert.IsTrue(session.VerifyResponseMac(0x00, cardMac, 0, 0, cardMac, 0));
        }

        [TestMethod]
        public void CreateStdDataFileCommandAndAnswerMacsMatchTheTrace()
        {
            DesfireSession session = Authenticated(KeyB, "b351cb2465d4f33ac627fd6e87a168f2", "40e7d27174cba675e8efbab99c530e3d",
                "044b6cac343a0865895149649ca8dde1f5ac4ec67bd208900af02f049e05f0b0", "a2ee144b1012fbeb7b2f11132d95a454");

            // CD 05 00 1100 500000: file 5, plain, read&write key 1 and change key 1 (access rights 0011h), 80 bytes.
            byte[] parameters = HexText.Parse("05001100500000");
            Assert.AreEqual(DesfireCommands.AccessRights(0, 0, 1, 1), parameters[2] | (parameters[3] << 8));
            byte[] mac = new byte[8];
            Assert.IsTrue(session.CommandMac(DesfireCommands.CreateStdDataFileCode, parameters, 0, 7, parameters, 0, 0, mac, 0));
            Assert.AreEqual("f23b0368578c65ad", HexText.Format(mac), "trace: TX CMAC");
            byte[] cardMac = HexText.Parse("a75316ad1596b953");
            Assert.IsTrue(session.VerifyResponseMac(0x00, cardMac, 0, 0, cardMac, 0), "trace: RX CMAC");
        }

        [TestMethod]
        public void TheCryptogramNeedsAnEv1Session()
        {
            DesfireSession session = new DesfireSession(new Aes128(), new Aes128(), new Aes128());
            byte[] output = new byte[32];
            Assert.IsFalse(session.BuildChangeKeyCryptogram(0x00, HexText.Parse(KeyA), 0, null, 0, 0x10, output, 0));
            Assert.AreEqual(-1, session.EncipherCommandDataEv1(0x3D, output, 0, 7, output, 0, 4));
        }
    }
}
