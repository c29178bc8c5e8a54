#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Terminal.Tests.Drivers
{
    /// <summary>VersionReg classification (datasheet §9.3.4.8) and the self-test references (§16.1.1).</summary>
    [TestClass]
    public class ChipVersionTests
    {
        [TestMethod]
        [DataRow((byte)0x91, (byte)ChipKind.Mfrc522Version1, true)]
        [DataRow((byte)0x92, (byte)ChipKind.Mfrc522Version2, true)]
        [DataRow((byte)0x88, (byte)ChipKind.KnownClone, true)]
        [DataRow((byte)0x12, (byte)ChipKind.KnownClone, true)]
        [DataRow((byte)0x00, (byte)ChipKind.Unreadable, false)]
        [DataRow((byte)0xFF, (byte)ChipKind.Unreadable, false)]
        [DataRow((byte)0x90, (byte)ChipKind.Unknown, false)]
        public void VersionsAreClassified(byte version, byte kind, bool usable)
        {
            Assert.AreEqual((int)kind, (int)ChipVersion.Classify(version));
            Assert.AreEqual(usable, ChipVersion.IsUsable(version));
        }

        [TestMethod]
        public void VersionsHaveOneNameEach()
        {
            Assert.AreEqual("MFRC522 v1.0", ChipVersion.Name(0x91));
            Assert.AreEqual("MFRC522 v2.0", ChipVersion.Name(0x92));
            Assert.AreEqual("FM17522 (clone)", ChipVersion.Name(0x88));
            Assert.AreEqual("FM17522E (clone)", ChipVersion.Name(0xB2));
            Assert.AreEqual("counterfeit MFRC522", ChipVersion.Name(0x12));
            Assert.AreEqual("no answer", ChipVersion.Name(0x00));
            Assert.AreEqual("no answer", ChipVersion.Name(0xFF));
            Assert.AreEqual("unknown chip 0x90", ChipVersion.Name(0x90));
        }

        [TestMethod]
        public void SelfTestReferencesAre64BytesStartingWithZero()
        {
            byte[] versions = new byte[] { 0x91, 0x92, 0x88 };
            for (int i = 0; i < versions.Length; i++)
            {
                byte[] reference = ChipVersion.SelfTestReference(versions[i]);
                Assert.IsNotNull(reference);
                Assert.AreEqual(64, reference.Length);
                Assert.AreEqual(0, (int)reference[0]);
            }

            Assert.AreEqual(0xC6, (int)ChipVersion.SelfTestReference(0x91)[1]);
            Assert.AreEqual(0xEB, (int)ChipVersion.SelfTestReference(0x92)[1]);
            Assert.IsNull(ChipVersion.SelfTestReference(0x12));
        }
    }
}
