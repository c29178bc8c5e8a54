#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Reader;
using LeoCarte.Terminal.Tests.Support;

namespace LeoCarte.Terminal.Tests.Drivers
{
    /// <summary>The preallocated identity and result holders: copies, comparisons and resets.</summary>
    [TestClass]
    public class CardIdentityTests
    {
        [TestMethod]
        public void CopyAndCompareUids()
        {
            CardIdentity a = new CardIdentity();
            a.Uid[0] = 0x04;
            a.Uid[1] = 0x51;
            a.Uid[6] = 0x80;
            a.UidLength = 7;
            a.Sak = 0x20;
            a.Atqa = 0x0344;
            CardIdentity b = new CardIdentity();
            Assert.IsFalse(b.SameUid(a));
            b.CopyFrom(a);
            Assert.IsTrue(b.SameUid(a));
            Assert.AreEqual(0x20, (int)b.Sak);
            Assert.AreEqual(0x0344, (int)b.Atqa);
            b.Uid[6] = 0x81;
            Assert.IsFalse(b.SameUid(a));
            b.Clear();
            Assert.AreEqual(0, b.UidLength);
            Assert.AreEqual(0, (int)b.Uid[0]);
        }

        [TestMethod]
        public void ResultResetForgetsTheLastCard()
        {
            CardReadResult result = new CardReadResult();
            result.Uid[0] = 0xA1;
            result.Uid[1] = 0xB2;
            result.Uid[2] = 0xC3;
            result.Uid[3] = 0xD4;
            result.UidLength = 4;
            result.Event = CardEvent.NewCard;
            result.Type = CardType.MifareClassic1K;
            Assert.IsTrue(result.UidEquals(new byte[] { 0xA1, 0xB2, 0xC3, 0xD4 }, 4));
            Assert.IsFalse(result.UidEquals(new byte[] { 0xA1, 0xB2, 0xC3, 0xD5 }, 4));
            Assert.IsFalse(result.UidEquals(new byte[] { 0xA1, 0xB2, 0xC3, 0xD4, 0x00, 0x00, 0x00 }, 7));
            result.Reset();
            ExpectEnum.Equal(CardEvent.NoCard, result.Event);
            Assert.AreEqual(0, result.UidLength);
            Assert.AreEqual(0, (int)result.Uid[0]);
            ExpectEnum.Equal(CardType.Unknown, result.Type);
            Assert.IsFalse(result.PresenceUncertain);
        }
    }
}
