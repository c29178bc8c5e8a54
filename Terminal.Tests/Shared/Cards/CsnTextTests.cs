#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Tests.Crypto;
using LeoCarte.Terminal.Tests.Support;

namespace LeoCarte.Terminal.Tests.Cards
{
    /// <summary>CSN text forms of a UID: formatting into caller buffers, parsing with clean error results.</summary>
    [TestClass]
    public class CsnTextTests
    {
        [TestMethod]
        [DataRow("04a1b2c3d4e5f6", 0, "04a1b2c3d4e5f6")]
        [DataRow("04a1b2c3d4e5f6", 1, "f6e5d4c3b2a104")]
        [DataRow("04a1b2c3d4e5f6", 2, "1303689068602870")]
        [DataRow("04a1b2c3d4e5f6", 3, "69495546249912580")]
        [DataRow("12345678", 2, "305419896")]
        [DataRow("12345678", 3, "2018915346")]
        [DataRow("00000000", 2, "0")]
        [DataRow("ffffffffffffffffffff", 2, "1208925819614629174706175")]
        [DataRow("0102030405060708090a", 2, "4759477275222530853130")]
        [DataRow("0102030405060708090a", 3, "47390263963055590408705")]
        public void FormatsEachForm(string uidHex, int form, string expected)
        {
            byte[] uid = CryptoTestText.FromHex(uidHex);
            char[] buffer = new char[CsnText.MaxChars + 3];
            int n = CsnText.Format(uid, 0, uid.Length, (CsnForm)form, buffer, 3);
            Assert.AreEqual(expected.Length, n);
            Assert.AreEqual(expected, new string(buffer, 3, n));
            Assert.AreEqual(expected, CsnText.ToText(uid, 0, uid.Length, (CsnForm)form));
        }

        [TestMethod]
        [DataRow("04a1b2c3d4e5f6", 0, "04A1B2C3D4E5F6", 0)]
        [DataRow("04a1b2c3d4e5f6", 1, "  f6e5d4c3b2a104\r\n", 0)]
        [DataRow("04a1b2c3d4e5f6", 2, "1303689068602870", 0)]
        [DataRow("04a1b2c3d4e5f6", 3, "69495546249912580", 7)]
        [DataRow("12345678", 2, "305419896", 0)]
        [DataRow("12345678", 3, "2018915346", 4)]
        [DataRow("00000000", 2, "0000000000", 4)]
        [DataRow("00000000000001", 2, "1", 7)]
        [DataRow("ffffffffffffffffffff", 2, "1208925819614629174706175", 0)]
        [DataRow("0102030405060708090a", 3, "47390263963055590408705", 10)]
        public void ParsesEachForm(string uidHex, int form, string text, int expectedLength)
        {
            byte[] expected = CryptoTestText.FromHex(uidHex);
            byte[] into = new byte[12];
            int length;
            ExpectEnum.Equal(CsnParseResult.Ok, CsnText.Parse(text, (CsnForm)form, expectedLength, into, 1, out length));
            Assert.AreEqual(expected.Length, length);
            Expect.Bytes(expected, into, 1, length);
        }

        [TestMethod]
        [DataRow("", 0, 0, 1)]
        [DataRow("   ", 2, 0, 1)]
        [DataRow("04a1b2c3d4e5fg", 0, 0, 2)]
        [DataRow("04 a1 b2", 0, 0, 2)]
        [DataRow("-12", 2, 0, 2)]
        [DataRow("12.5", 2, 0, 2)]
        [DataRow("04a1b2c3d4e5f", 0, 0, 3)]
        [DataRow("04a1b2c3d4e5", 0, 0, 3)]
        [DataRow("04a1b2c3", 0, 7, 3)]
        [DataRow("123", 2, 5, 3)]
        [DataRow("1208925819614629174706176", 2, 0, 4)]
        [DataRow("99999999999999999999999999999999", 3, 0, 4)]
        [DataRow("4294967296", 2, 4, 4)]
        [DataRow("72057594037927936", 2, 7, 4)]
        [DataRow("1234", 9, 0, 6)]
        public void RejectsBadTextWithAClearResult(string text, int form, int expectedLength, int expectedResult)
        {
            byte[] into = new byte[10];
            int length;
            Assert.AreEqual(expectedResult, (int)CsnText.Parse(text, (CsnForm)form, expectedLength, into, 0, out length));
            Assert.AreEqual(0, length);
        }

        [TestMethod]
        public void DecimalInfersTheSmallestUidSize()
        {
            byte[] into = new byte[10];
            int length;
            ExpectEnum.Equal(CsnParseResult.Ok, CsnText.Parse("4294967295", CsnForm.Decimal, 0, into, 0, out length));
            Assert.AreEqual(4, length);
            ExpectEnum.Equal(CsnParseResult.Ok, CsnText.Parse("4294967296", CsnForm.Decimal, 0, into, 0, out length));
            Assert.AreEqual(7, length);
            ExpectEnum.Equal(CsnParseResult.Ok, CsnText.Parse("72057594037927936", CsnForm.Decimal, 0, into, 0, out length));
            Assert.AreEqual(10, length);
        }

        [TestMethod]
        public void FormattingRefusesBadLengthsAndShortBuffers()
        {
            byte[] uid = new byte[] { 1, 2, 3, 4, 5 };
            char[] buffer = new char[8];
            Assert.AreEqual(-1, CsnText.Format(uid, 0, 5, CsnForm.Hex, buffer, 0));
            Assert.AreEqual(-1, CsnText.Format(uid, 0, 4, CsnForm.Hex, buffer, 1));
            Assert.AreEqual(8, CsnText.Format(uid, 0, 4, CsnForm.Hex, buffer, 0));
            Assert.AreEqual(-1, CsnText.Format(new byte[] { 0xff, 0xff, 0xff, 0xff }, 0, 4, CsnForm.Decimal, new char[9], 0));
            Assert.AreEqual(-1, CsnText.Format(uid, 2, 4, CsnForm.Decimal, buffer, 0));
            Assert.IsNull(CsnText.ToText(uid, 0, 5, CsnForm.Decimal));
            Assert.AreEqual(-1, CsnText.Format(uid, 0, 4, (CsnForm)7, buffer, 0));
        }

        [TestMethod]
        public void ParseReportsAShortOutputBuffer()
        {
            int length;
            ExpectEnum.Equal(CsnParseResult.BufferTooSmall, CsnText.Parse("04a1b2c3d4e5f6", CsnForm.Hex, 0, new byte[6], 0, out length));
            ExpectEnum.Equal(CsnParseResult.BufferTooSmall, CsnText.Parse("1", CsnForm.Decimal, 0, new byte[4], 1, out length));
            ExpectEnum.Equal(CsnParseResult.Empty, CsnText.Parse((string)null, CsnForm.Hex, 0, new byte[4], 0, out length));
        }

        [TestMethod]
        public void ParsesFromACharBufferRange()
        {
            char[] text = "xx04a1b2c3yy".ToCharArray();
            byte[] into = new byte[4];
            int length;
            ExpectEnum.Equal(CsnParseResult.Ok, CsnText.Parse(text, 2, 8, CsnForm.Hex, 0, into, 0, out length));
            Expect.Bytes(new byte[] { 0x04, 0xa1, 0xb2, 0xc3 }, into, 0, 4);
            ExpectEnum.Equal(CsnParseResult.Empty, CsnText.Parse(text, 10, 5, CsnForm.Hex, 0, into, 0, out length));
        }

        [TestMethod]
        public void FormNamesRoundTripForConfiguration()
        {
            for (int i = 0; i < 4; i++)
            {
                CsnForm form;
                Assert.IsTrue(CsnText.TryParseFormName(CsnText.FormName((CsnForm)i), out form));
                Assert.AreEqual(i, (int)form);
            }

            CsnForm unused;
            Assert.IsFalse(CsnText.TryParseFormName("HEX", out unused));
            Assert.IsFalse(CsnText.TryParseFormName(null, out unused));
        }

        [TestMethod]
        public void UidOrderIsLengthThenBytes()
        {
            byte[] a = new byte[] { 0xff, 0xff, 0xff, 0xff };
            byte[] b = new byte[] { 0x04, 0, 0, 0, 0, 0, 0 };
            byte[] c = new byte[] { 0x04, 0, 0, 0, 0, 0, 1 };
            Assert.IsTrue(CardUid.Compare(a, 0, 4, b, 0, 7) < 0);
            Assert.IsTrue(CardUid.Compare(b, 0, 7, c, 0, 7) < 0);
            Assert.IsTrue(CardUid.Compare(c, 0, 7, b, 0, 7) > 0);
            Assert.AreEqual(0, CardUid.Compare(c, 0, 7, c, 0, 7));
            Assert.IsTrue(CardUid.IsValidLength(10));
            Assert.IsFalse(CardUid.IsValidLength(8));
        }
    }
}
