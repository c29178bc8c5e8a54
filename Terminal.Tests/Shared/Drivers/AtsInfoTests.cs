#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Drivers.Iso14443;

namespace LeoCarte.Terminal.Tests.Drivers
{
    /// <summary>ATS parsing (ISO/IEC 14443-4 §5.2), including every malformed shape a card or noise can produce.</summary>
    [TestClass]
    public class AtsInfoTests
    {
        [TestMethod]
        public void DesfireAtsIsParsedFieldByField()
        {
            AtsInfo ats = new AtsInfo();
            Assert.IsTrue(ats.Parse(new byte[] { 0x06, 0x75, 0x77, 0x81, 0x02, 0x80, 0xAA, 0xBB }, 0, 8));
            Assert.IsTrue(ats.Valid);
            Assert.AreEqual(6, ats.Length);
            Assert.AreEqual(5, ats.Fsci);
            Assert.AreEqual(64, ats.CardFrameSize);
            Assert.IsTrue(ats.HasTa);
            Assert.IsTrue(ats.HasTb);
            Assert.IsTrue(ats.HasTc);
            Assert.AreEqual(0x77, (int)ats.Ta);
            Assert.AreEqual(0x81, (int)ats.Tb);
            Assert.AreEqual(8, ats.Fwi);
            Assert.AreEqual(0x02, (int)ats.Tc);
            Assert.AreEqual(1, ats.HistoricalLength);
            Assert.AreEqual(0x80, (int)ats.HistoricalByte(0));
        }

        [TestMethod]
        public void InterfaceBytesAreOptional()
        {
            AtsInfo ats = new AtsInfo();
            Assert.IsTrue(ats.Parse(new byte[] { 0x04, 0x23, 0x11, 0x42 }, 0, 4));
            Assert.IsFalse(ats.HasTa);
            Assert.IsTrue(ats.HasTb);
            Assert.IsFalse(ats.HasTc);
            Assert.AreEqual(0x11, (int)ats.Tb);
            Assert.AreEqual(40, ats.CardFrameSize);
            Assert.AreEqual(1, ats.HistoricalLength);
            Assert.AreEqual(0x42, (int)ats.HistoricalByte(0));
        }

        [TestMethod]
        public void TlAloneMeansDefaults()
        {
            AtsInfo ats = new AtsInfo();
            Assert.IsTrue(ats.Parse(new byte[] { 0x01 }, 0, 1));
            Assert.AreEqual(32, ats.CardFrameSize);
            Assert.AreEqual(4, ats.Fwi);
            Assert.AreEqual(0, ats.HistoricalLength);
        }

        [TestMethod]
        public void MalformedAtsIsRejected()
        {
            AtsInfo ats = new AtsInfo();
            Assert.IsFalse(ats.Parse(new byte[] { 0x00 }, 0, 1), "TL 0");
            Assert.IsFalse(ats.Parse(new byte[] { 0x06, 0x75, 0x77 }, 0, 3), "TL beyond the data");
            Assert.IsFalse(ats.Parse(new byte[] { 0x03, 0x75, 0x77 }, 0, 3), "interface bytes beyond TL");
            Assert.IsFalse(ats.Parse(new byte[] { 0x02, 0x85 }, 0, 2), "T0 bit 8 set");
            Assert.IsFalse(ats.Parse(new byte[] { 0x05 }, 0, 0), "nothing received");
            Assert.IsFalse(ats.Valid);
        }
    }
}
