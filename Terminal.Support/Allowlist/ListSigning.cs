using System;
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// Signs a list's 32-byte digest with the gateway's ECDSA P-256 private key (FORMAT.md, "Signature"). The
    /// gateway's implementation reads a PEM file (Gateway/Lists/PemListSigner); an HSM or PKCS#11 token
    /// implements the same two members (CKM_ECDSA over the digest), and the private key never leaves it.
    /// </summary>
    public interface IListSigner
    {
        /// <summary>The key id written in the list header; terminals hold the public key under this id.</summary>
        uint KeyId { get; }

        /// <summary>Writes the signature r ‖ s (32 bytes each, big-endian) of <paramref name="digest"/> at signature[offset].</summary>
        void SignDigest(byte[] digest, byte[] signature, int offset);
    }

    /// <summary>What a list producer signs with: the signer, the gateway database's identity and the chunk size.</summary>
    public sealed class ListSigning
    {
        public ListSigning(IListSigner signer, long databaseId)
        {
            if (signer == null)
            {
                throw new ArgumentNullException("signer");
            }

            if (databaseId == 0)
            {
                throw new ArgumentException("the database identity is never 0");
            }

            Signer = signer;
            DatabaseId = databaseId;
            ChunkSize = WireFormat.DefaultChunkSize;
            Mac = new PortableMac();
        }

        public IListSigner Signer { get; private set; }

        /// <summary>The gateway database's random identity (FORMAT.md, "Versions and database identity").</summary>
        public long DatabaseId { get; private set; }

        /// <summary>Body chunk size written in the header (terminals accept up to their ListTrust.MaxChunkSize, 4096 by default).</summary>
        public int ChunkSize { get; set; }

        /// <summary>The MAC used as a hash for chunk digests and the signed digest (same function as the terminal's).</summary>
        public IMacFunction Mac { get; set; }
    }
}
