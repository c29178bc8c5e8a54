#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Tests.Crypto
{
    /// <summary>FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf", "SHA2_Additional") and the RFC 4231 HMAC-SHA256 test cases.</summary>
    [TestClass]
    public class Sha256VectorTests
    {
        [TestMethod]
        [DataRow("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
        [DataRow("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
        [DataRow("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
        public void FipsExamples(string message, string expectedHex)
        {
            byte[] data = CryptoTestText.Ascii(message);
            byte[] digest = new byte[32];
            Sha256.Hash(data, 0, data.Length, digest, 0);
            Assert.AreEqual(expectedHex, CryptoTestText.Hex(digest, 0, 32));
        }

        [TestMethod]
        public void OneMillionAsFedInOddChunks()
        {
            byte[] chunk = new byte[997];
            for (int i = 0; i < chunk.Length; i++)
            {
                chunk[i] = (byte)'a';
            }

            Sha256 sha = new Sha256();
            int left = 1000000;
            while (left > 0)
            {
                int n = left < chunk.Length ? left : chunk.Length;
                sha.Update(chunk, 0, n);
                left -= n;
            }

            byte[] digest = new byte[32];
            sha.Final(digest, 0);
            Assert.AreEqual("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", CryptoTestText.Hex(digest, 0, 32));
        }

        [TestMethod]
        public void FinalRestartsForTheNextMessage()
        {
            Sha256 sha = new Sha256();
            byte[] abc = CryptoTestText.Ascii("abc");
            byte[] digest = new byte[32];
            sha.Update(CryptoTestText.Ascii("something else"), 0, 14);
            sha.Final(digest, 0);
            sha.Update(abc, 0, 3);
            sha.Final(digest, 0);
            Assert.AreEqual("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", CryptoTestText.Hex(digest, 0, 32));
        }

        [TestMethod]
        [DataRow("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")]
        [DataRow("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")]
        [DataRow("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd", "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")]
        [DataRow("0102030405060708090a0b0c0d0e0f10111213141516171819", "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd", "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b")]
        public void Rfc4231Cases1To4(string keyHex, string dataHex, string expectedHex)
        {
            byte[] key = CryptoTestText.FromHex(keyHex);
            byte[] data = CryptoTestText.FromHex(dataHex);
            byte[] tag = new byte[32];
            HmacSha256.Compute(key, data, 0, data.Length, tag, 0);
            Assert.AreEqual(expectedHex, CryptoTestText.Hex(tag, 0, 32));
        }

        [TestMethod]
        public void Rfc4231Case5TruncatedTo128Bits()
        {
            byte[] key = CryptoTestText.Repeat(0x0c, 20);
            byte[] data = CryptoTestText.Ascii("Test With Truncation");
            byte[] tag = new byte[32];
            HmacSha256.Compute(key, data, 0, data.Length, tag, 0);
            Assert.AreEqual("a3b6167473100ee06e0c796c2955552b", CryptoTestText.Hex(tag, 0, 16));
        }

        [TestMethod]
        public void Rfc4231Cases6And7KeysLongerThanABlock()
        {
            byte[] key = CryptoTestText.Repeat(0xaa, 131);
            byte[] tag = new byte[32];
            byte[] data6 = CryptoTestText.Ascii("Test Using Larger Than Block-Size Key - Hash Key First");
            HmacSha256.Compute(key, data6, 0, data6.Length, tag, 0);
            Assert.AreEqual("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", CryptoTestText.Hex(tag, 0, 32));

            byte[] data7 = CryptoTestText.Ascii("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.");
            HmacSha256 mac = new HmacSha256();
            mac.Init(key, 0, key.Length);
            for (int i = 0; i < data7.Length; i += 7)
            {
                mac.Update(data7, i, data7.Length - i < 7 ? data7.Length - i : 7);
            }

            mac.Final(tag, 0);
            Assert.AreEqual("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", CryptoTestText.Hex(tag, 0, 32));
        }

        [TestMethod]
        public void FixedTimeComparisonFindsAnyDifferingByte()
        {
            byte[] a = CryptoTestText.Repeat(0x5a, 32);
            byte[] b = CryptoTestText.Repeat(0x5a, 32);
            Assert.IsTrue(FixedTime.AreEqual(a, 0, b, 0, 32));
            for (int i = 0; i < 32; i++)
            {
                b[i] ^= 0x01;
                Assert.IsFalse(FixedTime.AreEqual(a, 0, b, 0, 32), "byte " + i);
                b[i] ^= 0x01;
            }
        }

        [TestMethod]
        public void Crc32CheckValue()
        {
            byte[] data = CryptoTestText.Ascii("123456789");
            Assert.AreEqual(0xCBF43926u, Crc32.Compute(data, 0, data.Length));
        }
    }

    /// <summary>Text helpers for the shared crypto tests (nanoFramework has no Encoding).</summary>
    public static class CryptoTestText
    {
        public static byte[] Ascii(string s)
        {
            byte[] b = new byte[s.Length];
            for (int i = 0; i < s.Length; i++)
            {
                b[i] = (byte)s[i];
            }

            return b;
        }

        public static byte[] Repeat(byte value, int count)
        {
            byte[] b = new byte[count];
            for (int i = 0; i < count; i++)
            {
                b[i] = value;
            }

            return b;
        }

        public static string Hex(byte[] data, int offset, int count)
        {
            string digits = "0123456789abcdef";
            char[] chars = new char[2 * count];
            for (int i = 0; i < count; i++)
            {
                chars[2 * i] = digits[data[offset + i] >> 4];
                chars[2 * i + 1] = digits[data[offset + i] & 15];
            }

            return new string(chars);
        }

        public static byte[] FromHex(string hex)
        {
            byte[] b = new byte[hex.Length / 2];
            for (int i = 0; i < b.Length; i++)
            {
                b[i] = (byte)((Nibble(hex[2 * i]) << 4) | Nibble(hex[2 * i + 1]));
            }

            return b;
        }

        private static int Nibble(char c)
        {
            return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
        }
    }
}
