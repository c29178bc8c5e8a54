#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Drivers.Iso14443;

namespace LeoCarte.Terminal.Tests.Drivers
{
    /// <summary>CRC_A vectors of ISO/IEC 14443-3 (shared/design/reader-facts.md).</summary>
    [TestClass]
    public class CrcATests
    {
        [TestMethod]
        public void CheckString123456789GivesBF05()
        {
            byte[] data = new byte[] { 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39 };
            Assert.AreEqual(0xBF05, (int)CrcA.Compute(data, 0, data.Length));
        }

        [TestMethod]
        [DataRow((byte)0x50, (byte)0x00, (byte)0x57, (byte)0xCD)] // HLTA
        [DataRow((byte)0x30, (byte)0x00, (byte)0x02, (byte)0xA8)] // READ block 0
        public void TwoByteCommandsGetTheirVectorCrcLowByteFirst(byte first, byte second, byte crcLow, byte crcHigh)
        {
            byte[] frame = new byte[] { first, second, 0, 0 };
            CrcA.Append(frame, 0, 2);
            Assert.AreEqual(crcLow, frame[2]);
            Assert.AreEqual(crcHigh, frame[3]);
            Assert.IsTrue(CrcA.Check(frame, 0, 4));
        }

        [TestMethod]
        [DataRow((byte)0x08, (byte)0xB6, (byte)0xDD)] // SAK of MIFARE Classic 1K
        [DataRow((byte)0x20, (byte)0xFC, (byte)0x70)] // SAK of an ISO 14443-4 card
        public void SakVectors(byte sak, byte crcLow, byte crcHigh)
        {
            byte[] frame = new byte[] { sak, crcLow, crcHigh };
            Assert.IsTrue(CrcA.Check(frame, 0, 3));
        }

        [TestMethod]
        public void OneFlippedBitFailsTheCheck()
        {
            byte[] frame = new byte[] { 0x50, 0x00, 0x57, 0xCD };
            for (int bit = 0; bit < 32; bit++)
            {
                frame[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.IsFalse(CrcA.Check(frame, 0, 4), "bit " + bit);
                frame[bit / 8] ^= (byte)(1 << (bit % 8));
            }
        }

        [TestMethod]
        public void FramesShorterThanACrcAreRejected()
        {
            Assert.IsFalse(CrcA.Check(new byte[] { 0x57, 0xCD }, 0, 2));
        }
    }
}
