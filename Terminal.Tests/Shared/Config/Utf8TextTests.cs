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
        public void CharactersAboveUFFFFAreCountedFromTheirSurrogatePairOnBothRuntimes()
        {
            // nanoFramework keeps strings in UTF-8: its indexer returns the high surrogate at both positions of
            // U+1F37D, ToCharArray gives the real pair (Builds/README.md). ByteCount must not depend on the indexer.
            char[] units = "a\U0001F37Db".ToCharArray();
            Assert.AreEqual(4, units.Length);
            Assert.AreEqual(0xD83C, (int)units[1]);
            Assert.AreEqual(0xDF7D, (int)units[2]);
            Assert.AreEqual(6, Utf8Text.ByteCount("a\U0001F37Db"));
            Assert.AreEqual(32, Utf8Text.ByteCount("\U0001F37D\U0001F37D\U0001F37D\U0001F37D\U0001F37D\U0001F37D\U0001F37D\U0001F37D"));
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
