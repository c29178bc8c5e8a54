#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Drivers.Desfire;

namespace LeoCarte.Terminal.Tests.Drivers
{
    /// <summary>
    /// DESFire EV1 AuthenticateAES (AAh) and its CMAC-chained secure messaging against published traces of real EV1
    /// cards (the "DESFire EV1 communication examples" debug output, AES key 0 = 00..00 and key 1 = 10 18 20 .. 88:
    /// E(K,RndB), RndA, E(K, RndA||RndB') with the IV chained from the card's cryptogram, E(K,RndA'), session key), and
    /// the IV rule of libfreefare/proxmark3 (CMAC from the session IV, the IV becomes the CMAC).
    /// </summary>
    [TestClass]
    public class DesfireEv1VectorTests
    {
        [TestMethod]
        [DataRow("00000000000000000000000000000000", "b969fdfe56fd91fc9de6f6f213b8fd1e", "f44b26f5686f3a391cd38ebd10772281",
            "36aad7df6e436ba08d18613830a70d5ad43e3d3f4a8d47541eee623a934e4774", "800db680bc146bd121d6578f2d2e2059", "f44b26f5c05ddd7110772281c4d066e8")]
        [DataRow("10182028303840485058606870788088", "b351cb2465d4f33ac627fd6e87a168f2", "40e7d27174cba675e8efbab99c530e3d",
            "044b6cac343a0865895149649ca8dde1f5ac4ec67bd208900af02f049e05f0b0", "a2ee144b1012fbeb7b2f11132d95a454", "40e7d271626ffbd49c530e3d304f5b17")]
        public void AuthenticateAesMatchesPublishedEv1Traces(string key, string encryptedRndB, string rndA, string readerToken, string cardAnswer, string sessionKey)
        {
            DesfireSession session = new DesfireSession(new Aes128(), new Aes128(), new Aes128());
            byte[] answer = new byte[32];
            session.BeginAuthenticationEv1(HexText.Parse(key), 0, HexText.Parse(rndA), 0, HexText.Parse(encryptedRndB), 0, answer, 0);
            Assert.AreEqual(readerToken, HexText.Format(answer));
            Assert.IsTrue(session.CompleteAuthenticationEv1(HexText.Parse(cardAnswer), 0));
            Assert.IsTrue(session.Authenticated);
            Assert.AreEqual((int)DesfireSecureMessaging.Ev1Aes, (int)session.SecureMessaging);
            byte[] iv = new byte[16];
            session.CopyEv1Iv(iv, 0);
            Assert.AreEqual("00000000000000000000000000000000", HexText.Format(iv), "the session IV starts at zero");

            // The session key shows in the MACs: GetKeySettings (45h) then its answer, chained from IV 0.
            AesCmac reference = new AesCmac(new Aes128());
            reference.SetKey(HexText.Parse(sessionKey), 0);
            byte[] expectedIv = new byte[16];
            byte[] full = new byte[16];
            byte[] command = new byte[] { 0x45 };
            reference.ComputeChained(expectedIv, command, 0, 1, full, 0);
            byte[] mac = new byte[8];
            Assert.IsTrue(session.CommandMac(0x45, command, 0, 0, command, 0, 0, mac, 0));
            Assert.AreEqual(HexText.Format(full).Substring(0, 16), HexText.Format(mac), "command CMAC with the session key");
            byte[] settings = new byte[] { 0x0f, 0x81, 0x00 };
            reference.ComputeChained(expectedIv, settings, 0, 3, full, 0);
            Assert.IsTrue(session.VerifyResponseMac(0x00, settings, 0, 2, full, 0), "answer MAC over data || status, chained from the command's CMAC");
            session.CopyEv1Iv(iv, 0);
            Assert.AreEqual(HexText.Format(expectedIv), HexText.Format(iv));

            // Replaying that answer fails: the IV moved on; a wrong MAC ends the session.
            Assert.IsFalse(session.VerifyResponseMac(0x00, settings, 0, 2, full, 0));
            Assert.IsFalse(session.Authenticated);
        }

        [TestMethod]
        public void AuthenticateAesFailsWithoutTheKey()
        {
            DesfireSession session = new DesfireSession(new Aes128(), new Aes128(), new Aes128());
            byte[] answer = new byte[32];
            session.BeginAuthenticationEv1(HexText.Parse("10182028303840485058606870788089"), 0, HexText.Parse("40e7d27174cba675e8efbab99c530e3d"), 0,
                HexText.Parse("b351cb2465d4f33ac627fd6e87a168f2"), 0, answer, 0);
            Assert.IsFalse(session.CompleteAuthenticationEv1(HexText.Parse("a2ee144b1012fbeb7b2f11132d95a454"), 0));
            Assert.IsFalse(session.Authenticated);
            Assert.AreEqual((int)DesfireSecureMessaging.None, (int)session.SecureMessaging);
        }

        [TestMethod]
        public void ChainedCmacFromZeroIsRfc4493AndFromAnIvIsTheCbcContinuation()
        {
            // RFC 4493 example 3 (40 bytes) from a zero IV; then from an IV X, CMAC(X; M) = CMAC(0; M with X XORed into block 1).
            AesCmac cmac = new AesCmac(new Aes128());
            cmac.SetKey(HexText.Parse("2b7e151628aed2a6abf7158809cf4f3c"), 0);
            byte[] message = HexText.Parse("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411");
            byte[] iv = new byte[16];
            byte[] mac = new byte[16];
            cmac.ComputeChained(iv, message, 0, 40, mac, 0);
            Assert.AreEqual("dfa66747de9ae63030ca32611497c827", HexText.Format(mac));
            Assert.AreEqual("dfa66747de9ae63030ca32611497c827", HexText.Format(iv), "the IV becomes the CMAC");

            byte[] chained = new byte[16];
            cmac.ComputeChained(iv, message, 0, 40, chained, 0);
            for (int i = 0; i < 16; i++)
            {
                message[i] ^= mac[i];
            }

            byte[] direct = new byte[16];
            cmac.Compute(message, 0, 40, direct, 0);
            Assert.AreEqual(HexText.Format(direct), HexText.Format(chained));
        }
    }
}
