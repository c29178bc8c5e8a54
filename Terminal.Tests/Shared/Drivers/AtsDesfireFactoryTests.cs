#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Drivers.Iso14443;

namespace LeoCarte.Terminal.Tests.Drivers
{
    /// <summary>
    /// AtsInfo.Parse sets DESFire's factory ATS (06 75 77 81 02 80) without the general parse: the fields must be exactly what
    /// the general parse gives, whatever the object held before, and every other ATS must go through the general parse
    /// (the flag cleared).
    /// </summary>
    [TestClass]
    public class AtsDesfireFactoryTests
    {
        private static readonly byte[] Factory = new byte[] { 0x06, 0x75, 0x77, 0x81, 0x02, 0x80 };

        // The same ATS with another historical byte: the general parse gives every field but the historical byte alike.
        private static readonly byte[] OtherHistorical = new byte[] { 0x06, 0x75, 0x77, 0x81, 0x02, 0x81 };

        [TestMethod]
        public void FactoryAtsGivesTheFieldsOfTheGeneralParse()
        {
            AtsInfo general = new AtsInfo();
            Assert.IsTrue(general.Parse(OtherHistorical, 0, 6));
            Assert.IsFalse(general.DesfireFactory);

            AtsInfo fast = new AtsInfo();
            Assert.IsTrue(fast.Parse(Factory, 0, 6));
            Assert.IsTrue(fast.DesfireFactory);
            AssertSameFields(general, fast);
            Assert.AreEqual(0x80, (int)fast.HistoricalByte(0));
            for (int i = 0; i < 6; i++)
            {
                Assert.AreEqual((int)Factory[i], (int)fast.Raw[i]);
            }

            Assert.AreEqual((int)AtsMatch.DesfireDefault, (int)DesfireAts.Classify(fast));
            Assert.AreEqual((int)AtsMatch.NotDesfire, (int)DesfireAts.Classify(general));
        }

        [TestMethod]
        public void FactoryAtsWithItsCrcBytesAndAtAnOffset()
        {
            byte[] framed = new byte[] { 0xEE, 0x06, 0x75, 0x77, 0x81, 0x02, 0x80, 0x02, 0xF0 };
            AtsInfo ats = new AtsInfo();
            Assert.IsTrue(ats.Parse(framed, 1, 8));
            Assert.IsTrue(ats.DesfireFactory);
            Assert.AreEqual(6, ats.Length);
            Assert.AreEqual(64, ats.CardFrameSize);
            Assert.AreEqual(8, ats.Fwi);
        }

        [TestMethod]
        public void NothingStaleSurvivesEitherWay()
        {
            AtsInfo ats = new AtsInfo();

            // A short ATS first (no TA, TB, TC; FSCI 3), then the factory one: every field is the factory's.
            Assert.IsTrue(ats.Parse(new byte[] { 0x03, 0x03, 0x42 }, 0, 3));
            Assert.IsTrue(ats.Parse(Factory, 0, 6));
            AtsInfo reference = new AtsInfo();
            Assert.IsTrue(reference.Parse(OtherHistorical, 0, 6));
            AssertSameFields(reference, ats);

            // Then another ATS: the flag goes, and Classify compares the bytes again.
            Assert.IsTrue(ats.Parse(OtherHistorical, 0, 6));
            Assert.IsFalse(ats.DesfireFactory);
            Assert.AreEqual((int)AtsMatch.NotDesfire, (int)DesfireAts.Classify(ats));

            // A factory ATS cut short is no factory ATS; a cleared one neither.
            Assert.IsFalse(ats.Parse(Factory, 0, 5));
            Assert.IsFalse(ats.DesfireFactory);
            Assert.IsTrue(ats.Parse(Factory, 0, 6));
            ats.Clear();
            Assert.IsFalse(ats.DesfireFactory);
            Assert.IsFalse(ats.Valid);
            Assert.AreEqual((int)AtsMatch.NotRead, (int)DesfireAts.Classify(ats));
        }

        private static void AssertSameFields(AtsInfo expected, AtsInfo actual)
        {
            Assert.IsTrue(expected.Valid == actual.Valid);
            Assert.AreEqual(expected.Length, actual.Length);
            Assert.AreEqual(expected.Fsci, actual.Fsci);
            Assert.IsTrue(expected.HasTa == actual.HasTa);
            Assert.IsTrue(expected.HasTb == actual.HasTb);
            Assert.IsTrue(expected.HasTc == actual.HasTc);
            Assert.AreEqual((int)expected.Ta, (int)actual.Ta);
            Assert.AreEqual((int)expected.Tb, (int)actual.Tb);
            Assert.AreEqual((int)expected.Tc, (int)actual.Tc);
            Assert.AreEqual(expected.HistoricalOffset, actual.HistoricalOffset);
            Assert.AreEqual(expected.HistoricalLength, actual.HistoricalLength);
        }
    }
}
