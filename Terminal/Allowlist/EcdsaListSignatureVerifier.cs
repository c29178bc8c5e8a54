using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// The terminal's list signature check: ECDSA P-256 (FIPS 186-4 §6.4) by the subset verifier of Terminal/Crypto
    /// over the prehashed digest of FORMAT.md ("Signature and integrity"). Setting a public key costs about as
    /// much as a verification on the device (its multiples table), so one <see cref="EcdsaVerifier"/> is kept per
    /// key (up to <see cref="MaxKeys"/>, the keys of a rotation), made on first use. Sync thread only.
    /// </summary>
    public sealed class EcdsaListSignatureVerifier : IListSignatureVerifier
    {
        public const int MaxKeys = 4;

        private readonly EcCurve curve = EcCurve.NistP256();
        private readonly EcdsaVerifier[] verifiers = new EcdsaVerifier[MaxKeys];
        private readonly byte[][] keys = new byte[MaxKeys][];
        private int nextSlot;

        public bool Verify(byte[] publicKey, byte[] digest, byte[] signature, int offset)
        {
            if (publicKey == null || digest == null || digest.Length != 32 || signature == null || offset < 0
                || offset + WireFormat.SignatureSize > signature.Length)
            {
                return false;
            }

            EcdsaVerifier verifier = VerifierFor(publicKey);
            return verifier != null && verifier.VerifyHash(digest, 0, 32, signature, offset, WireFormat.SignatureSize);
        }

        /// <summary>The verifier holding this key (made and cached on first use); null for a point not on the curve.</summary>
        private EcdsaVerifier VerifierFor(byte[] publicKey)
        {
            for (int i = 0; i < MaxKeys; i++)
            {
                if (keys[i] != null && SameBytes(keys[i], publicKey))
                {
                    return verifiers[i];
                }
            }

            EcdsaVerifier verifier = verifiers[nextSlot];
            if (verifier == null)
            {
                verifier = new EcdsaVerifier(curve);
                verifiers[nextSlot] = verifier;
            }

            keys[nextSlot] = null;
            if (!verifier.SetPublicKey(publicKey, 0, publicKey.Length))
            {
                return null;
            }

            byte[] copy = new byte[publicKey.Length];
            System.Array.Copy(publicKey, copy, copy.Length);
            keys[nextSlot] = copy;
            nextSlot = (nextSlot + 1) % MaxKeys;
            return verifier;
        }

        private static bool SameBytes(byte[] a, byte[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
