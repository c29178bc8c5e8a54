#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Drivers.Desfire;

namespace LeoCarte.Terminal.Tests.Drivers
{
    /// <summary>
    /// The ChangeKeySettings (54h) cryptogram of EV1 secure messaging in a session of the published DESFire EV1 AES traces
    /// (the first authentication of DesfireChangeKeyVectorTests: key 00..00, session key f44b26f5 c05ddd71 10772281
    /// c4d066e8, IV zero): settings ‖ CRC32(54h ‖ settings) ‖ 0^11, AES-CBC from the IV (libfreefare
    /// mifare_desfire_change_key_settings). Expected values computed independently with Python's zlib.crc32 (inverted back:
    /// DESFire's CRC32 has no final XOR) and pyca/cryptography's AES-CBC.
    /// </summary>
    [TestClass]
    public class DesfireKeySettingsVectorTests
    {
        [TestMethod]
        public void ChangeKeySettingsIsEncipheredWithCrc32FromTheSessionIv()
        {
            DesfireSession session = new DesfireSession(new Aes128(), new Aes128(), new Aes128());
            byte[] answer = new byte[32];
            session.BeginAuthenticationEv1(new byte[16], 0, HexText.Parse("f44b26f5686f3a391cd38ebd10772281"), 0,
                HexText.Parse("b969fdfe56fd91fc9de6f6f213b8fd1e"), 0, answer, 0);
            Assert.IsTrue(session.CompleteAuthenticationEv1(HexText.Parse("800db680bc146bd121d6578f2d2e2059"), 0));

            byte[] settings = new byte[] { 0x54, 0x0B };
            Assert.AreEqual(0xF723ACD8u, DesfireSession.Crc32(settings, 0, 2, DesfireSession.Crc32Preset), "CRC32(54 0B), zlib inverted back");
            byte[] data = new byte[16];
            data[0] = 0x0B;
            Assert.AreEqual(16, session.EncipherCommandDataEv1(DesfireCommands.ChangeKeySettingsCode, settings, 0, 0, data, 0, 1));
            Assert.AreEqual("606051e6935578339459a67ab351c9d4", HexText.Format(data), "PICC settings 0Bh");

            // The IV moved to that block: the next settings continue from it (not from zero).
            byte[] iv = new byte[16];
            session.CopyEv1Iv(iv, 0);
            Assert.AreEqual("606051e6935578339459a67ab351c9d4", HexText.Format(iv));
        }
    }
}
