using System;
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// Verifies an ECDSA P-256 signature (FIPS 186-4 §6.4, SEC 1 §4.1.4) of a 32-byte digest. The subset
    /// implementation lives in Terminal/Crypto; tests on the host may plug in .NET's ECDsa.
    /// </summary>
    public interface IListSignatureVerifier
    {
        /// <param name="publicKey">The uncompressed point 04 ‖ X ‖ Y (65 bytes, SEC 1 §2.3.3).</param>
        /// <param name="digest">The 32-byte digest that was signed.</param>
        /// <param name="signature">r ‖ s, 32 bytes each, big-endian, at signature[offset].</param>
        bool Verify(byte[] publicKey, byte[] digest, byte[] signature, int offset);
    }

    /// <summary>A list-signing public key the terminal trusts, by the key id that list headers carry.</summary>
    public sealed class ListSigningKey
    {
        public const int PublicKeySize = 65;

        public readonly uint KeyId;
        public readonly byte[] PublicKey;

        public ListSigningKey(uint keyId, byte[] publicKey)
        {
            if (keyId == 0 || publicKey == null || publicKey.Length != PublicKeySize || publicKey[0] != 0x04)
            {
                throw new ArgumentException("a key id > 0 and an uncompressed P-256 point (65 bytes, 04 ‖ X ‖ Y)");
            }

            KeyId = keyId;
            PublicKey = publicKey;
        }
    }

    /// <summary>
    /// What a terminal trusts in a list (FORMAT.md, "Signature and integrity"): the gateway's public keys by id
    /// (one in force, one more during a rotation), the signature verifier, the one-shot MAC used as a hash of
    /// chunks and of the signed header (native on the device), and the bounds on versions and chunks. The
    /// terminal holds no secret that could sign a list.
    /// </summary>
    public sealed class ListTrust
    {
        /// <summary>Default bound on how far one list may move the version forward (<see cref="MaxVersionJump"/>).</summary>
        public const long DefaultMaxVersionJump = 1000000;

        /// <summary>Default manifest capacity: 512 chunks of 4 KB = 2 MB of entries (≈ 250,000 cards), 8 KB of RAM.</summary>
        public const int DefaultMaxChunks = 512;

        private readonly ListSigningKey[] keys;

        public ListTrust(ListSigningKey[] keys, IListSignatureVerifier verifier, IMacFunction mac)
        {
            if (keys == null || verifier == null || mac == null)
            {
                throw new ArgumentNullException(keys == null ? "keys" : (verifier == null ? "verifier" : "mac"));
            }

            this.keys = keys;
            Verifier = verifier;
            Mac = mac;
            MaxVersionJump = DefaultMaxVersionJump;
            MaxChunks = DefaultMaxChunks;
            MaxChunkSize = WireFormat.DefaultChunkSize;
        }

        public IListSignatureVerifier Verifier { get; private set; }

        public IMacFunction Mac { get; private set; }

        /// <summary>
        /// A list whose version is more than this above the version in force (above 0 for a first list, or one
        /// from another gateway database) is refused: one bad list must not freeze every later one.
        /// </summary>
        public long MaxVersionJump { get; set; }

        /// <summary>Largest manifest accepted (RAM: 16 bytes per chunk, allocated once).</summary>
        public int MaxChunks { get; set; }

        /// <summary>Largest chunk accepted (RAM: one chunk buffer, allocated once).</summary>
        public int MaxChunkSize { get; set; }

        public int KeyCount => keys.Length;

        /// <summary>The trusted key with this id, or null.</summary>
        public ListSigningKey Find(uint keyId)
        {
            for (int i = 0; i < keys.Length; i++)
            {
                if (keys[i] != null && keys[i].KeyId == keyId)
                {
                    return keys[i];
                }
            }

            return null;
        }
    }
}
