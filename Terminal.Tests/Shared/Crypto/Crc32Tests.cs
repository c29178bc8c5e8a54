#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Tests.Crypto
{
    /// <summary>
    /// CRC-32 (ISO-HDLC) computed four bytes at a time (slicing-by-4 with a native 32-bit load) equals the bit-by-bit
    /// definition for every start offset and length around the word boundaries, appended in pieces or at once; on
    /// nanoCLR this also checks the interpreter's BitConverter.ToUInt32.
    /// </summary>
    [TestClass]
    public class Crc32Tests
    {
        [TestMethod]
        public void EqualsTheBitwiseDefinitionAtEveryOffsetAndLength()
        {
            byte[] data = new byte[80];
            uint x = 12345;
            for (int i = 0; i < data.Length; i++)
            {
                x = x * 1103515245u + 12345u;
                data[i] = (byte)(x >> 16);
            }

            for (int offset = 0; offset < 8; offset++)
            {
                for (int length = 0; length <= 64; length++)
                {
                    Assert.AreEqual(Bitwise(data, offset, length), Crc32.Compute(data, offset, length));
                }
            }
        }

        [TestMethod]
        public void AppendingInPiecesEqualsOneCall()
        {
            byte[] data = new byte[61];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (byte)(i * 37 + 11);
            }

            uint whole = Crc32.Compute(data, 0, data.Length);
            for (int cut = 0; cut <= data.Length; cut++)
            {
                uint pieces = Crc32.Append(Crc32.Compute(data, 0, cut), data, cut, data.Length - cut);
                Assert.AreEqual(whole, pieces);
            }
        }

        /// <summary>The CRC by its definition: reflected polynomial 0xEDB88320, one bit at a time.</summary>
        private static uint Bitwise(byte[] data, int offset, int count)
        {
            uint crc = 0xFFFFFFFF;
            for (int i = 0; i < count; i++)
            {
                crc ^= data[offset + i];
                for (int k = 0; k < 8; k++)
                {
                    crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
                }
            }

            return crc ^ 0xFFFFFFFF;
        }
    }
}
