using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// The flash table (FORMAT.md, "Flash table"): per slot, an index file (64-byte header with CRC-32, then
    /// one 8-byte first-key prefix per block) and a data file of fixed-size blocks of delta-coded entries.
    /// The index file's header is written last: it is the slot's commit record.
    /// </summary>
    internal static class TableFormat
    {
        /// <summary>"LCAT" — LéoCarte allowlist table.</summary>
        public const uint Magic = 0x4C434154;
        public const int FormatVersion = 1;
        public const int HeaderSize = 64;
        public const int IndexEntrySize = 8;
        /// <summary>Restart points per block: entries written with a full key at known offsets, so a lookup decodes
        /// about an eighth of a block instead of half of it (managed decoding is the slow part on the device).</summary>
        public const int RestartSlots = 7;

        /// <summary>Block header: entry count (2), end of entries (2), restarts used (1), restart offsets (2 each).</summary>
        public const int BlockHeaderSize = 5 + 2 * RestartSlots;
        public const int BlockOffsetCount = 0;
        public const int BlockOffsetEnd = 2;
        public const int BlockOffsetRestartCount = 4;
        public const int BlockOffsetRestarts = 5;
        public const int MinBlockSize = 64;
        public const int MaxBlockSize = 16384;

        public const int OffsetMagic = 0;
        public const int OffsetFormatVersion = 4;
        public const int OffsetHeaderSize = 6;
        public const int OffsetSiteId = 8;
        public const int OffsetVersion = 12;
        public const int OffsetIssued = 20;
        public const int OffsetCount = 28;
        public const int OffsetBlockSize = 32;
        public const int OffsetBlockCount = 36;
        public const int OffsetDataLength = 40;
        public const int OffsetCrc = 60;

        public static void WriteHeader(byte[] h, uint siteId, long version, long issued, int count, int blockSize, int blockCount)
        {
            System.Array.Clear(h, 0, HeaderSize);
            WireFormat.PutUInt32(h, OffsetMagic, Magic);
            WireFormat.PutUInt16(h, OffsetFormatVersion, FormatVersion);
            WireFormat.PutUInt16(h, OffsetHeaderSize, HeaderSize);
            WireFormat.PutUInt32(h, OffsetSiteId, siteId);
            WireFormat.PutInt64(h, OffsetVersion, version);
            WireFormat.PutInt64(h, OffsetIssued, issued);
            WireFormat.PutUInt32(h, OffsetCount, (uint)count);
            WireFormat.PutUInt32(h, OffsetBlockSize, (uint)blockSize);
            WireFormat.PutUInt32(h, OffsetBlockCount, (uint)blockCount);
            WireFormat.PutUInt32(h, OffsetDataLength, (uint)blockCount * (uint)blockSize);
            WireFormat.PutUInt32(h, OffsetCrc, Crc32.Compute(h, 0, OffsetCrc));
        }

        /// <summary>True when the 64 bytes are an intact header of this format with sane fields.</summary>
        public static bool CheckHeader(byte[] h)
        {
            if (WireFormat.GetUInt32(h, OffsetMagic) != Magic
                || WireFormat.GetUInt16(h, OffsetFormatVersion) != FormatVersion
                || WireFormat.GetUInt16(h, OffsetHeaderSize) != HeaderSize
                || WireFormat.GetUInt32(h, OffsetCrc) != Crc32.Compute(h, 0, OffsetCrc))
            {
                return false;
            }

            uint blockSize = WireFormat.GetUInt32(h, OffsetBlockSize);
            uint blockCount = WireFormat.GetUInt32(h, OffsetBlockCount);
            uint count = WireFormat.GetUInt32(h, OffsetCount);
            if (blockSize < MinBlockSize || blockSize > MaxBlockSize || blockCount > 1000000 || count > (uint)WireFormat.MaxEntries)
            {
                return false;
            }

            return WireFormat.GetUInt32(h, OffsetDataLength) == blockCount * blockSize
                && WireFormat.GetInt64(h, OffsetVersion) > 0
                && (blockCount == 0) == (count == 0)
                && count >= blockCount;
        }
    }
}
