#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Terminal.Tests.Support;

namespace LeoCarte.Terminal.Tests.Drivers
{
    /// <summary>SAK/ATQA decoding (ISO/IEC 14443-3 §6.5.3.4, NXP AN10833) and BCC (§6.5.3.2).</summary>
    [TestClass]
    public class CardTypesTests
    {
        [TestMethod]
        [DataRow((byte)0x09, (ushort)0x0004, (byte)CardType.MifareClassicMini)]
        [DataRow((byte)0x08, (ushort)0x0004, (byte)CardType.MifareClassic1K)]
        [DataRow((byte)0x88, (ushort)0x0004, (byte)CardType.MifareClassic1K)]
        [DataRow((byte)0x18, (ushort)0x0002, (byte)CardType.MifareClassic4K)]
        [DataRow((byte)0x00, (ushort)0x0044, (byte)CardType.MifareUltralightOrNtag)]
        [DataRow((byte)0x20, (ushort)0x0344, (byte)CardType.MifareDesfire)]
        [DataRow((byte)0x20, (ushort)0x0304, (byte)CardType.MifareDesfire)]
        [DataRow((byte)0x20, (ushort)0x0048, (byte)CardType.Iso14443_4)]
        [DataRow((byte)0x28, (ushort)0x0004, (byte)CardType.MifareClassicEmulationIso14443_4)]
        [DataRow((byte)0x10, (ushort)0x0044, (byte)CardType.MifarePlus)]
        [DataRow((byte)0x04, (ushort)0x0344, (byte)CardType.Unknown)]
        public void SakAndAtqaGiveTheCardFamily(byte sak, ushort atqa, byte expected)
        {
            ExpectEnum.Equal((CardType)expected, CardTypes.Decode(sak, atqa));
        }

        [TestMethod]
        public void CascadeBitMeansUidIncomplete()
        {
            Assert.IsFalse(CardTypes.UidComplete(0x04));
            Assert.IsFalse(CardTypes.UidComplete(0x24));
            Assert.IsTrue(CardTypes.UidComplete(0x20));
            Assert.IsFalse(CardTypes.IsIso14443_4Compliant(0x24));
            Assert.IsTrue(CardTypes.IsIso14443_4Compliant(0x20));
            Assert.IsFalse(CardTypes.IsIso14443_4Compliant(0x08));
        }

        [TestMethod]
        [DataRow((ushort)0x0004, 4)]
        [DataRow((ushort)0x0044, 7)]
        [DataRow((ushort)0x0344, 7)]
        [DataRow((ushort)0x0084, 10)]
        [DataRow((ushort)0x00C4, 0)]
        public void AtqaAnnouncesTheUidSize(ushort atqa, int length)
        {
            Assert.AreEqual(length, CardTypes.UidLengthFromAtqa(atqa));
        }

        [TestMethod]
        public void BccIsTheXorOfTheFourUidBytes()
        {
            byte[] cln = new byte[] { 0x88, 0x04, 0x25, 0x9A, 0x00 };
            cln[4] = Bcc.Compute(cln, 0);
            Assert.AreEqual(0x88 ^ 0x04 ^ 0x25 ^ 0x9A, (int)cln[4]);
            Assert.IsTrue(Bcc.Check(cln, 0));
            cln[2] ^= 0x10;
            Assert.IsFalse(Bcc.Check(cln, 0));
        }

        [TestMethod]
        public void AtsOfDesfireConfirmsTheType()
        {
            // DESFire EV1 ATS: TL 06, T0 75 (TA, TB, TC present, FSCI 5), TA 77, TB 81, TC 02, historical 80.
            AtsInfo ats = new AtsInfo();
            Assert.IsTrue(ats.Parse(new byte[] { 0x06, 0x75, 0x77, 0x81, 0x02, 0x80 }, 0, 6));
            ExpectEnum.Equal(CardType.MifareDesfire, CardTypes.RefineWithAts(CardType.MifareDesfire, ats));
            ExpectEnum.Equal(CardType.MifareDesfire, CardTypes.RefineWithAts(CardType.Iso14443_4, ats));

            Assert.IsTrue(ats.Parse(new byte[] { 0x05, 0x78, 0x80, 0x70, 0x02 }, 0, 5));
            ExpectEnum.Equal(CardType.Iso14443_4, CardTypes.RefineWithAts(CardType.MifareDesfire, ats));
            ExpectEnum.Equal(CardType.MifareClassic1K, CardTypes.RefineWithAts(CardType.MifareClassic1K, ats));
        }
    }
}
