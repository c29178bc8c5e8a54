#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Tests.Crypto
{
    /// <summary>
    /// The originality signature NXP publishes in AN12343 (MIFARE DESFire Light Features and Hints, §11.2, Table 44):
    /// a real chip's Read_Sig answer over UID 04 5A 11 5A 34 61 80, verified with NXP's DESFire Light public key
    /// (secp224r1, no hashing: the UID is e) — also on nanoCLR.
    /// </summary>
    [TestClass]
    public class NxpOriginalityVectorTests
    {
        public const string An12343Uid = "045a115a346180";

        public const string An12343Signature =
            "1ca298fc3f0f04a329254ac0df7a3eb8e756c076cd1baaf47b8bba6dcd78bcc64dfd3e80e679d9a663cae9e4d4c2c77023077cc549ce4a61";

        [TestMethod]
        public void An12343SignatureVerifiesWithTheDesfireLightKey()
        {
            NxpOriginality originality = new NxpOriginality(1);
            Assert.IsTrue(originality.AddKey(NxpOriginality.DesfireKeys[4]));
            byte[] uid = CryptoTestText.FromHex(An12343Uid);
            byte[] signature = CryptoTestText.FromHex(An12343Signature);
            Assert.AreEqual(0, originality.Verify(uid, 0, 7, signature, 0, 56));

            // Another UID with this signature (a clone replaying it on a card with its own UID), a bit of s, a short
            // answer: no key signed that.
            uid[6] ^= 0x01;
            Assert.AreEqual(-1, originality.Verify(uid, 0, 7, signature, 0, 56));
            uid[6] ^= 0x01;
            signature[55] ^= 0x01;
            Assert.AreEqual(-1, originality.Verify(uid, 0, 7, signature, 0, 56));
            signature[55] ^= 0x01;
            Assert.AreEqual(-1, originality.Verify(uid, 0, 7, signature, 0, 55));
            Assert.AreEqual(-1, originality.Verify(uid, 0, 4, signature, 0, 56));
        }
    }
}
