#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Tests.Crypto
{
    /// <summary>
    /// RFC 6979 Appendix A.2.5 (P-256) and A.2.4 (P-224 = secp224r1) deterministic signatures with SHA-256, messages
    /// "sample" and "test", verified by the subset ECDSA (also on nanoCLR); each altered in r, s, message or key is
    /// refused. The public keys are the RFC's U = x·G (the host tests derive them from the RFC's private keys with .NET).
    /// </summary>
    [TestClass]
    public class EcdsaVectorTests
    {
        public const string P256Key =
            "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";

        public const string P256Sample =
            "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";

        public const string P256Test =
            "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083";

        public const string P224Key =
            "0400cf08da5ad719e42707fa431292dea11244d64fc51610d94b130d6ceeab6f3debe455e3dbf85416f7030cbd94f34f2d6f232c69f3c1385a";

        public const string P224Sample =
            "61aa3da010e8e8406c656bc477a7a7189895e7e840cdfe8ff42307babc814050dab5d23770879494f9e0a680dc1af7161991bde692b10101";

        public const string P224Test =
            "ad04dde87b84747a243a631ea47a1ba6d1faa059149ad2440de6fba6178d49b1ae90e3d8b629be3db5683915f4e8c99fdf6e666cf37adcfd";

        [TestMethod]
        public void P256Rfc6979SignaturesVerify()
        {
            EcdsaVerifier verifier = NewVerifier(EcCurve.NistP256(), P256Key);
            AssertVerifies(verifier, "sample", P256Sample);
            AssertVerifies(verifier, "test", P256Test);
        }

        [TestMethod]
        public void Secp224r1Rfc6979SignaturesVerifyWithTheHashTruncated()
        {
            // SHA-256 gives 256 bits, n has 224: e is the leftmost 224 bits (FIPS 186-4 §6.4).
            EcdsaVerifier verifier = NewVerifier(EcCurve.Secp224r1(), P224Key);
            AssertVerifies(verifier, "sample", P224Sample);
            AssertVerifies(verifier, "test", P224Test);
        }

        [TestMethod]
        public void P256AlteredSignaturesMessagesAndKeysAreRefused()
        {
            EcCurve curve = EcCurve.NistP256();
            EcdsaVerifier verifier = NewVerifier(curve, P256Key);
            byte[] message = CryptoTestText.Ascii("sample");
            byte[] signature = CryptoTestText.FromHex(P256Sample);

            // The other RFC signature, the other message.
            byte[] other = CryptoTestText.FromHex(P256Test);
            Assert.IsFalse(verifier.VerifySha256(message, 0, message.Length, other, 0, other.Length));
            byte[] test = CryptoTestText.Ascii("test");
            Assert.IsFalse(verifier.VerifySha256(test, 0, test.Length, signature, 0, signature.Length));

            // One bit of r, of s (each end).
            int[] positions = new int[] { 0, 31, 32, 63 };
            for (int i = 0; i < positions.Length; i++)
            {
                signature[positions[i]] ^= 0x01;
                Assert.IsFalse(verifier.VerifySha256(message, 0, message.Length, signature, 0, signature.Length));
                signature[positions[i]] ^= 0x01;
            }

            // r ↔ s swapped, r = s = 0, truncated signature.
            byte[] swapped = new byte[64];
            System.Array.Copy(signature, 32, swapped, 0, 32);
            System.Array.Copy(signature, 0, swapped, 32, 32);
            Assert.IsFalse(verifier.VerifySha256(message, 0, message.Length, swapped, 0, 64));
            Assert.IsFalse(verifier.VerifySha256(message, 0, message.Length, new byte[64], 0, 64));
            Assert.IsFalse(verifier.VerifySha256(message, 0, message.Length, signature, 0, 63));

            // The P-224 key on P-256 (wrong length), a key off the curve.
            byte[] p224Key = CryptoTestText.FromHex(P224Key);
            EcdsaVerifier fresh = new EcdsaVerifier(curve);
            Assert.IsFalse(fresh.SetPublicKey(p224Key, 0, p224Key.Length));
            byte[] key = CryptoTestText.FromHex(P256Key);
            key[64] ^= 0x01;
            Assert.IsFalse(fresh.SetPublicKey(key, 0, key.Length));
            Assert.IsFalse(fresh.VerifySha256(message, 0, message.Length, signature, 0, signature.Length));

            // Still right afterwards (no state left behind by the refusals).
            Assert.IsTrue(verifier.VerifySha256(message, 0, message.Length, signature, 0, signature.Length));
        }

        [TestMethod]
        public void PrecomputedHashGivesTheSameAnswer()
        {
            EcdsaVerifier verifier = NewVerifier(EcCurve.Secp224r1(), P224Key);
            byte[] message = CryptoTestText.Ascii("sample");
            byte[] hash = new byte[32];
            Sha256.Hash(message, 0, message.Length, hash, 0);
            byte[] signature = CryptoTestText.FromHex(P224Sample);
            Assert.IsTrue(verifier.VerifyHash(hash, 0, 32, signature, 0, signature.Length));

            // Only the leftmost 224 bits count: a change in the last 4 bytes of a SHA-256 hash is not seen (by design of
            // FIPS 186-4 §6.4), a change in the first 28 is.
            hash[31] ^= 0x80;
            Assert.IsTrue(verifier.VerifyHash(hash, 0, 32, signature, 0, signature.Length));
            hash[27] ^= 0x01;
            Assert.IsFalse(verifier.VerifyHash(hash, 0, 32, signature, 0, signature.Length));
        }

        private static EcdsaVerifier NewVerifier(EcCurve curve, string keyHex)
        {
            EcdsaVerifier verifier = new EcdsaVerifier(curve);
            byte[] key = CryptoTestText.FromHex(keyHex);
            Assert.IsTrue(verifier.SetPublicKey(key, 0, key.Length));
            return verifier;
        }

        private static void AssertVerifies(EcdsaVerifier verifier, string message, string signatureHex)
        {
            byte[] data = CryptoTestText.Ascii(message);
            byte[] signature = CryptoTestText.FromHex(signatureHex);
            Assert.IsTrue(verifier.VerifySha256(data, 0, data.Length, signature, 0, signature.Length));
        }
    }
}
