namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>Kind of a signed list on the wire.</summary>
    public enum ListKind : byte
    {
        Snapshot = 1,
        Delta = 2,
    }

    /// <summary>
    /// Constants of the signed list wire format (FORMAT.md, "Wire list"; fields big-endian, Bytes/BigEndian): a
    /// 64-byte header, the chunk manifest (one 16-byte digest per chunk of the body), an ECDSA P-256 signature
    /// over header and manifest, then the body (the entries) in chunks.
    /// </summary>
    public static class WireFormat
    {
        /// <summary>"LCAL" — LéoCarte allowlist.</summary>
        public const uint Magic = 0x4C43414C;

        /// <summary>2: public-key signature, chunk manifest, database identity (1 was the site-HMAC list, refused).</summary>
        public const byte FormatVersion = 2;
        public const int HeaderSize = 64;

        /// <summary>Bytes of each chunk digest in the manifest: HMAC-SHA256 truncated to 128 bits (RFC 2104 §5).</summary>
        public const int ChunkDigestSize = 16;

        /// <summary>ECDSA P-256 signature r ‖ s, each 32 bytes big-endian (SEC 1 §4.1, IEEE P1363 form).</summary>
        public const int SignatureSize = 64;

        /// <summary>Chunk sizes a header may declare; the gateway writes <see cref="DefaultChunkSize"/>.</summary>
        public const int MinChunkSize = 256;
        public const int MaxChunkSize = 16384;
        public const int DefaultChunkSize = 4096;

        /// <summary>Upper bound on entries a list may declare (sanity limit against forged headers).</summary>
        public const int MaxEntries = 4000000;

        public const int OffsetMagic = 0;
        public const int OffsetFormatVersion = 4;
        public const int OffsetKind = 5;

        /// <summary>The site's DESFire key version in force (1–255; 0 = none announced): site policy desfire-aes.</summary>
        public const int OffsetKeyVersion = 6;

        /// <summary>The previous key version, still accepted during a rotation (0 = none).</summary>
        public const int OffsetPreviousKeyVersion = 7;

        /// <summary>
        /// The key-version pair a header may carry: none (0, 0), a version in force alone, or a version in force and
        /// a different previous one.
        /// </summary>
        public static bool AreValidKeyVersions(int keyVersion, int previousKeyVersion)
        {
            return keyVersion == 0 ? previousKeyVersion == 0 : previousKeyVersion != keyVersion;
        }
        public const int OffsetSiteId = 8;
        public const int OffsetVersion = 12;
        public const int OffsetBaseVersion = 20;
        public const int OffsetIssued = 28;
        public const int OffsetCount = 36;
        public const int OffsetDatabaseId = 40;
        public const int OffsetKeyId = 48;
        public const int OffsetChunkSize = 52;
        public const int OffsetBodyLength = 56;
        public const int OffsetChunkCount = 60;

        /// <summary>
        /// Public HMAC key making HMAC-SHA256 a hash of one chunk (domain separation from the signed digest). Not a
        /// secret: anyone may compute a chunk digest; only the signature over the manifest is unforgeable.
        /// </summary>
        public static readonly byte[] ChunkDomainKey = AsciiBytes("LeoCarte LCAL v2 chunk");

        /// <summary>Public HMAC key of the digest the ECDSA signature covers: D = HMAC-SHA256(this, header ‖ manifest).</summary>
        public static readonly byte[] SignedDomainKey = AsciiBytes("LeoCarte LCAL v2 signed");

        /// <summary>Chunks of a body of <paramref name="bodyLength"/> bytes in chunks of <paramref name="chunkSize"/>.</summary>
        public static int ChunkCount(long bodyLength, int chunkSize)
        {
            return (int)((bodyLength + chunkSize - 1) / chunkSize);
        }

        private static byte[] AsciiBytes(string text)
        {
            byte[] bytes = new byte[text.Length];
            for (int i = 0; i < text.Length; i++)
            {
                bytes[i] = (byte)text[i];
            }

            return bytes;
        }
    }
}
