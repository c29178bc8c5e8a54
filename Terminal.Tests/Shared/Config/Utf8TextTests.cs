#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Config;

namespace LeoCarte.Terminal.Tests.Config
{
    /// <summary>Strict UTF-8 (RFC 3629) decoded by hand.</summary>
    [TestClass]
    public class Utf8TextTests
    {
        [TestMethod]
        public void DecodesOneToFourByteSequences()
        {
            byte[] bytes = new byte[] { 0x41, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x8D, 0xBD };
            char[] chars = new char[bytes.Length];
            int n = Utf8Text.Decode(bytes, 0, bytes.Length, chars);
            Assert.AreEqual(5, n);
            Assert.AreEqual("Aé€\U0001F37D", new string(chars, 0, n));
            Assert.AreEqual(10, Utf8Text.ByteCount("Aé€\U0001F37D"));
        }

        [TestMethod]
        [DataRow((byte)0x80, (byte)0x41, (byte)0x41)] // continuation without lead
        [DataRow((byte)0xC0, (byte)0xAF, (byte)0x41)] // overlong '/'
        [DataRow((byte)0xE0, (byte)0x80, (byte)0xAF)] // overlong 3-byte
        [DataRow((byte)0xED, (byte)0xA0, (byte)0x80)] // surrogate U+D800
        [DataRow((byte)0xF5, (byte)0x80, (byte)0x80)] // beyond U+10FFFF
        [DataRow((byte)0x41, (byte)0xE2, (byte)0x82)] // truncated at the end
        public void RejectsInvalidSequencesWithTheirPosition(byte a, byte b, byte c)
        {
            byte[] bytes = new byte[] { a, b, c };
            int n = Utf8Text.Decode(bytes, 0, 3, new char[3]);
            Assert.IsTrue(n < 0);
            Assert.AreEqual(a == 0x41 ? 1 : 0, -n - 1, "index of the bad sequence");
        }
    }
}
