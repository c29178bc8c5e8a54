#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Drivers.Iso14443;

namespace LeoCarte.Terminal.Tests.Drivers
{
    /// <summary>The DESFire ATS check on byte strings: the factory ATS, configured ones, other cards', malformed ones.</summary>
    [TestClass]
    public class DesfireAtsTests
    {
        [TestMethod]
        [DataRow("067577810280", 1)]               // DESFire EV1/EV2/EV3 (AN10833; proxmark3 traces)
        [DataRow("067500810280", 2)]               // historical 80, TA(1) changed by SetConfiguration
        [DataRow("0535778180", 2)]                 // TC(1) absent (T0 35), historical 80
        [DataRow("0978009102dabc1910f005", 3)]     // Gen4 magic card
        [DataRow("0d7877b1024a434f5076323431", 3)] // JCOP31 v2.4.1
        [DataRow("0578807002", 3)]                 // no historical bytes
        [DataRow("06757781028000", 1)]             // a byte after TL bytes (CRC left in the FIFO): not part of the ATS
        [DataRow("01", 3)]                         // TL alone
        public void ClassifiesAtsBytes(string hex, int expected)
        {
            byte[] raw = HexText.Parse(hex);
            AtsInfo ats = new AtsInfo();
            ats.Parse(raw, 0, raw.Length);
            Assert.AreEqual(expected, (int)DesfireAts.Classify(ats));
        }

        [TestMethod]
        public void NothingParsedIsNotRead()
        {
            AtsInfo ats = new AtsInfo();
            ats.Clear();
            Assert.AreEqual((int)AtsMatch.NotRead, (int)DesfireAts.Classify(ats));
            Assert.IsFalse(ats.Parse(HexText.Parse("85"), 0, 1));
            Assert.AreEqual((int)AtsMatch.NotRead, (int)DesfireAts.Classify(ats), "TL beyond the data: no ATS");
            Assert.IsFalse(ats.Parse(HexText.Parse("02f5"), 0, 2));
            Assert.AreEqual((int)AtsMatch.NotDesfire, (int)DesfireAts.Classify(ats), "T0 bit 8 set: malformed");
        }
    }
}
