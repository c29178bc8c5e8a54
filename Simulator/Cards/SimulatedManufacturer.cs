using System;
using System.Security.Cryptography;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>
    /// The simulator's stand-in for NXP's originality key: a fixed secp224r1 key pair (NOT an NXP key — NXP's private
    /// keys are NXP's) that "manufactures" every simulated DESFire: <see cref="DesfireCard.OriginalitySignature"/> is
    /// its ECDSA signature over the card's 7-byte UID with no hashing (the UID is the value e), as NXP signs
    /// (AN12343 §11.2, r‖s P1363). Tests and the virtual terminal give the terminal <see cref="PublicKey"/> as an extra
    /// originality key. Signatures are randomised (.NET/OpenSSL ECDSA): a card's bytes differ between runs, never its
    /// validity.
    /// </summary>
    public static class SimulatedManufacturer
    {
        /// <summary>The private scalar: an arbitrary fixed value below n, so tests and configurations can embed the public key.</summary>
        private static readonly byte[] PrivateScalar = Convert.FromHexString("8f3c5e2a1b7d4c6e9a0b2c4d6e8f1a3b5c7d9e0f2a4b6c8d0e1f3a5b");

        private static readonly Lazy<ECDsa> Key = new(() =>
            ECDsa.Create(new ECParameters { Curve = ECCurve.CreateFromFriendlyName("secp224r1"), D = PrivateScalar }));

        /// <summary>The public key, uncompressed SEC 1 (04‖X‖Y, 57 bytes).</summary>
        public static byte[] PublicKey
        {
            get
            {
                var q = Key.Value.ExportParameters(false).Q;
                var key = new byte[57];
                key[0] = 0x04;
                q.X!.CopyTo(key, 1);
                q.Y!.CopyTo(key, 29);
                return key;
            }
        }

        /// <summary>The public key in hex (for configuration files).</summary>
        public static string PublicKeyHex => Convert.ToHexString(PublicKey).ToLowerInvariant();

        /// <summary>The originality signature of a card with this UID (56 bytes r‖s).</summary>
        public static byte[] Sign(byte[] uid)
        {
            lock (Key)
            {
                return Key.Value.SignHash(uid);
            }
        }
    }
}
