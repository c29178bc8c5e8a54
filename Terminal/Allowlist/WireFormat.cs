namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>Kind of a signed list on the wire.</summary>
    public enum ListKind : byte
    {
        Snapshot = 1,
        Delta = 2,
    }

    /// <summary>
    /// Constants of the signed list wire format (FORMAT.md, "Wire list"; fields big-endian, Bytes/BigEndian): a 40-byte
    /// header, the entries, and an HMAC-SHA256 tag over header and entries.
    /// </summary>
    public static class WireFormat
    {
        /// <summary>"LCAL" — LéoCarte allowlist.</summary>
        public const uint Magic = 0x4C43414C;
        public const byte FormatVersion = 1;
        public const int HeaderSize = 40;
        public const int TagSize = 32;

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
    }
}
