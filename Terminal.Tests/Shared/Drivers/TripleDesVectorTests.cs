#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Drivers.Desfire;

namespace LeoCarte.Terminal.Tests.Drivers
{
    /// <summary>
    /// The subset DES/TDEA (<see cref="TripleDes"/>) against published vectors — FIPS 81 appendix B (ECB, "Now is the time
    /// for all "), NIST SP 800-20 table A.1 (key 01..01, the DESFire default key with parity), SP 800-67 appendix B (three-key
    /// TDEA) — and the legacy DESFire authentication (0Ah) against three real DESFire EV1 traces with the default key: NXP
    /// community thread 395903 ("Mifare DesFire Authentication", SL032 reader: 0A 00 → AF DE D4 E1 04 62 13 C5 B2, the
    /// reader's token DB 47 … C7 95 accepted with 00 7C B5 65 E3 8B 65 BA 74) and the mifare.net forum replies 12600 and
    /// 18844. The zero key is a DES weak key (encryption = decryption), so the authentications fix the IV rules (each
    /// message from a zero IV; send mode chains the reader's own output); the direction (the reader deciphers) and CRC_A
    /// are fixed by the ChangeKeySettings of reply 18844, enciphered with a session key that is not weak and accepted.
    /// </summary>
    [TestClass]
    public class TripleDesVectorTests
    {
        [TestMethod]
        [DataRow("0123456789abcdef", "4e6f772069732074", "3fa40e8a984d4815")]
        [DataRow("0123456789abcdef", "68652074696d6520", "6a271787ab8883f9")]
        [DataRow("0123456789abcdef", "666f7220616c6c20", "893d51ec4b563b53")]
        [DataRow("0101010101010101", "8000000000000000", "95f8a5e5dd31d900")]
        [DataRow("133457799bbcdff1", "0123456789abcdef", "85e813540f0ab405")]
        [DataRow("0123456789abcdef23456789abcdef01456789abcdef0123", "5468652071756663", "a826fd8ce53b855f")]
        [DataRow("0123456789abcdef23456789abcdef01456789abcdef0123", "6b2062726f776e20", "cce21c8112256fe6")]
        [DataRow("0123456789abcdef23456789abcdef01456789abcdef0123", "666f78206a756d70", "68d5c05dd9b6b900")]
        [DataRow("0123456789abcdef23456789abcdef01", "5468652071756663", "c44862f70cf2fbdc")]
        public void DesAndTdeaMatchPublishedVectors(string key, string plain, string cipher)
        {
            byte[] k = HexText.Parse(key);
            TripleDes des = new TripleDes();
            Assert.IsTrue(des.SetKey(k, 0, k.Length));
            byte[] block = HexText.Parse(plain);
            des.Encrypt(block, 0, block, 0);
            Assert.AreEqual(cipher, HexText.Format(block));
            des.Decrypt(block, 0, block, 0);
            Assert.AreEqual(plain, HexText.Format(block));
        }

        [TestMethod]
        public void AKeyWithEqualPartsIsSingleDesAndOtherLengthsAreRefused()
        {
            TripleDes des = new TripleDes();
            byte[] doubled = HexText.Parse("0123456789abcdef0123456789abcdef");
            Assert.IsTrue(des.SetKey(doubled, 0, 16));
            Assert.IsTrue(des.IsSingleDes);
            byte[] block = HexText.Parse("4e6f772069732074");
            des.Encrypt(block, 0, block, 0);
            Assert.AreEqual("3fa40e8a984d4815", HexText.Format(block), "K || K is DES with K");

            // Parity bits (DESFire's key version) do not change the cipher.
            doubled[7] ^= 0x01;
            Assert.IsTrue(des.SetKey(doubled, 0, 16));
            Assert.IsTrue(des.IsSingleDes);
            doubled[8] ^= 0x02;
            Assert.IsTrue(des.SetKey(doubled, 0, 16));
            Assert.IsFalse(des.IsSingleDes);
            Assert.IsFalse(des.SetKey(doubled, 0, 12));
        }

        [TestMethod]
        [DataRow("ded4e1046213c5b2", "4f26ae35ad389e6a", "db47ccd210da8a43332b67e4dd8dc795", "7cb565e38b65ba74")]
        [DataRow("57b0c35a080ae608", "b0a6405f57794a93", "5bd89f653176ae3a7a1128c9d4035129", "b53bf499feac13e4")]
        [DataRow("63c54dcf6f3a6fc9", "0001020304050607", "491e890de9ace9329c5c6d55d9fa36d7", "b7d1da7ce0dd986b")]
        public void LegacyAuthenticationMatchesRealCardsWithTheDefaultKey(string encryptedRndB, string rndA, string readerToken, string cardAnswer)
        {
            DesfireSession session = new DesfireSession(new Aes128(), new Aes128(), new Aes128());
            byte[] token = new byte[16];
            session.BeginLegacyAuthentication(new byte[16], 0, HexText.Parse(rndA), 0, HexText.Parse(encryptedRndB), 0, token, 0);
            Assert.AreEqual(readerToken, HexText.Format(token), "the token the card accepted");
            Assert.IsFalse(session.LegacyAuthenticated);
            Assert.IsTrue(session.CompleteLegacyAuthentication(HexText.Parse(cardAnswer), 0), "the card's E(K, RndA')");
            Assert.IsTrue(session.LegacyAuthenticated);
            Assert.IsTrue(session.LegacySessionIsSingleDes, "equal halves: a DES session key RndA[0..3] RndB[0..3]");
            Assert.IsFalse(session.Authenticated, "no AES secure messaging: plain commands carry no MAC");
        }

        [TestMethod]
        public void LegacyEncipheredDataMatchesWhatARealCardAccepted()
        {
            // mifare.net forum reply 18844: session key 00010203 F6B03339; ChangeKeySettings 0Fh sent as 54 CB 64 3F D0 30
            // E6 87 DA and answered 00: 0F || CRC_A (09 A9) || 0^5 deciphered in send mode (enciphering would give D0 15 ..).
            DesfireSession session = new DesfireSession(new Aes128(), new Aes128(), new Aes128());
            byte[] token = new byte[16];
            session.BeginLegacyAuthentication(new byte[16], 0, HexText.Parse("0001020304050607"), 0, HexText.Parse("63c54dcf6f3a6fc9"), 0, token, 0);
            Assert.IsTrue(session.CompleteLegacyAuthentication(HexText.Parse("b7d1da7ce0dd986b"), 0));
            byte[] data = new byte[8];
            data[0] = 0x0F;
            Assert.AreEqual(8, session.EncipherLegacy(data, 0, 1));
            Assert.AreEqual("cb643fd030e687da", HexText.Format(data));

            // ChangeKey of the PICC master key to AES 00112233..EEFF version 1 in the session of the first trace: key || 01 ||
            // CRC_A (80 1D) || 0^5 in send mode with the session key 4F26AE35 02462E7F (computed with pyca/cryptography).
            session.BeginLegacyAuthentication(new byte[16], 0, HexText.Parse("4f26ae35ad389e6a"), 0, HexText.Parse("ded4e1046213c5b2"), 0, token, 0);
            Assert.IsTrue(session.CompleteLegacyAuthentication(HexText.Parse("7cb565e38b65ba74"), 0));
            byte[] cryptogram = new byte[DesfireSession.MaxLegacyCryptogram];
            int length = session.BuildLegacyChangeKeyCryptogram(HexText.Parse("00112233445566778899aabbccddeeff"), 0, null, 0, true, 1, cryptogram, 0);
            Assert.AreEqual(24, length);
            Assert.AreEqual("03fdaef8ec80c7ab8109161045258280d3049dbefd476951", HexText.Format(cryptogram));

            session.ClearLegacy();
            Assert.IsFalse(session.LegacyAuthenticated);
            Assert.AreEqual(-1, session.BuildLegacyChangeKeyCryptogram(new byte[16], 0, null, 0, true, 1, cryptogram, 0));
            Assert.AreEqual(-1, session.EncipherLegacy(data, 0, 1));
        }

        [TestMethod]
        public void LegacyAuthenticationFailsWithoutTheKey()
        {
            DesfireSession session = new DesfireSession(new Aes128(), new Aes128(), new Aes128());
            byte[] token = new byte[16];
            byte[] wrong = new byte[16];
            wrong[0] = 0x02;
            session.BeginLegacyAuthentication(wrong, 0, HexText.Parse("4f26ae35ad389e6a"), 0, HexText.Parse("ded4e1046213c5b2"), 0, token, 0);
            Assert.AreNotEqual("db47ccd210da8a43332b67e4dd8dc795", HexText.Format(token));
            Assert.IsFalse(session.CompleteLegacyAuthentication(HexText.Parse("7cb565e38b65ba74"), 0));
            Assert.IsFalse(session.LegacyAuthenticated);
        }
    }
}
