using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// NOT A SIGNATURE — tests and benchmarks only. A stand-in for the gateway's ECDSA key in the shared tests and
    /// the nanoCLR benchmarks, which run where no P-256 signer exists (Terminal.Support is not in the device image):
    /// the "signature" is HMAC-SHA256 of the digest under a key derived from the "public key" (so whoever holds
    /// the public key could sign — test only, never a terminal's trust). It exercises everything the list format
    /// does around the signature (key ids, the signed digest over header and manifest, refusal before any flash
    /// write); the ECDSA arithmetic itself is checked on the host with .NET's ECDsa
    /// (Terminal.Tests/Host/Allowlist/EcdsaListTests) and by the verifier's own vector tests.
    /// </summary>
    public sealed class StandInListKeys : IListSigner, IListSignatureVerifier
    {
        private readonly uint keyId;
        private readonly byte[] publicKey = new byte[ListSigningKey.PublicKeySize];

        public StandInListKeys(uint keyId, byte seed)
        {
            this.keyId = keyId;
            publicKey[0] = 0x04;
            for (int i = 1; i < publicKey.Length; i++)
            {
                publicKey[i] = (byte)(seed + (i * 7));
            }
        }

        public uint KeyId => keyId;

        public byte[] PublicKey => publicKey;

        /// <summary>A signing configuration for this key and database identity.</summary>
        public ListSigning Signing(long databaseId)
        {
            return new ListSigning(this, databaseId);
        }

        /// <summary>Trust in this key only, verified by this scheme.</summary>
        public ListTrust Trust()
        {
            return new ListTrust(new ListSigningKey[] { new ListSigningKey(keyId, publicKey) }, this, new PortableMac());
        }

        public void SignDigest(byte[] digest, byte[] signature, int offset)
        {
            Sign(publicKey, digest, signature, offset);
        }

        public bool Verify(byte[] key, byte[] digest, byte[] signature, int offset)
        {
            byte[] expected = new byte[WireFormat.SignatureSize];
            Sign(key, digest, expected, 0);
            return FixedTime.AreEqual(expected, 0, signature, offset, WireFormat.SignatureSize);
        }

        private static void Sign(byte[] key, byte[] digest, byte[] signature, int offset)
        {
            byte[] half = new byte[32];
            HmacSha256.Compute(key, digest, 0, 32, half, 0);
            System.Array.Copy(half, 0, signature, offset, 32);
            HmacSha256.Compute(key, half, 0, 32, half, 0);
            System.Array.Copy(half, 0, signature, offset + 32, 32);
        }
    }
}
