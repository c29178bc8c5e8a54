using LeoCarte.Terminal.Bytes;
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

        /// <summary>Segments of a block: from the first entry to the first restart, then from restart to restart.</summary>
        public const int Segments = RestartSlots + 1;

        /// <summary>
        /// Block header: entry count (2), end of entries (2), restarts used (1), restart offsets (2 each), then a
        /// CRC-32 per segment (4 each): a lookup checks the one segment it decodes, so decayed flash is reported
        /// as a failed lookup instead of answering with a flipped state (e.g. a stolen card read as active).
        /// </summary>
        public const int BlockHeaderSize = 5 + 2 * RestartSlots + 4 * Segments + 4;
        public const int BlockOffsetSegmentCrcs = 5 + 2 * RestartSlots;

        /// <summary>
        /// CRC-32 of what a lookup navigates by before it reaches a segment: the end, restart count and offsets
        /// (bytes 2..18) and the tag, length and UID bytes of the first entry and of each restart entry.
        /// </summary>
        public const int BlockOffsetNavigationCrc = BlockOffsetSegmentCrcs + 4 * Segments;
        public const int BlockOffsetCount = 0;
        public const int BlockOffsetEnd = 2;
        public const int BlockOffsetRestartCount = 4;
        public const int BlockOffsetRestarts = 5;
        public const int MinBlockSize = 96;
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
        public const int OffsetIndexCrc = 44;

        /// <summary>The list's DESFire key versions (wire header bytes 6–7), kept with the table they came with.</summary>
        public const int OffsetKeyVersion = 48;
        public const int OffsetPreviousKeyVersion = 49;
        /// <summary>The gateway database identity of the list (8 bytes; 0 in tables written before identities).</summary>
        public const int OffsetDatabaseId = 52;
        public const int OffsetCrc = 60;

        /// <summary>Writes a block's header fields and its segment CRCs (the entries are already in place).</summary>
        public static void SealBlock(byte[] block, int count, int end, int restarts)
        {
            BigEndian.WriteUInt16(block, BlockOffsetCount, count);
            BigEndian.WriteUInt16(block, BlockOffsetEnd, end);
            block[BlockOffsetRestartCount] = (byte)restarts;
            int start = BlockHeaderSize;
            for (int i = 0; i <= restarts; i++)
            {
                int segmentEnd = SegmentEnd(block, i, restarts, end);
                BigEndian.WriteUInt32(block, BlockOffsetSegmentCrcs + 4 * i, Crc32.Compute(block, start, segmentEnd - start));
                start = segmentEnd;
            }

            BigEndian.WriteUInt32(block, BlockOffsetNavigationCrc, (uint)NavigationCrc(block, end, restarts));
        }

        /// <summary>Where segment <paramref name="segment"/> ends: at the next restart point, or at the end of the entries
        /// for the last one (segment s starts where s − 1 ends, segment 0 at <see cref="BlockHeaderSize"/>).</summary>
        public static int SegmentEnd(byte[] block, int segment, int restarts, int end)
        {
            return segment < restarts ? BigEndian.ReadUInt16(block, BlockOffsetRestarts + 2 * segment) : end;
        }

        /// <summary>The navigation CRC of a block as it stands, or -1 when a key it covers is malformed (as a long, to carry -1).</summary>
        public static long NavigationCrc(byte[] block, int end, int restarts)
        {
            uint crc = Crc32.Compute(block, BlockOffsetEnd, BlockOffsetSegmentCrcs - BlockOffsetEnd);
            for (int i = -1; i < restarts; i++)
            {
                int offset = i < 0 ? BlockHeaderSize : BigEndian.ReadUInt16(block, BlockOffsetRestarts + 2 * i);
                if (offset < BlockHeaderSize || offset + 2 > end)
                {
                    return -1;
                }

                int length = block[offset + 1];
                if (length > Cards.CardUid.MaxLength || offset + 2 + length > end)
                {
                    return -1;
                }

                crc = Crc32.Append(crc, block, offset, 2 + length);
            }

            return crc;
        }

        /// <summary>True when the block's navigation fields and keys match their CRC.</summary>
        public static bool CheckNavigation(byte[] block, int end, int restarts)
        {
            long crc = NavigationCrc(block, end, restarts);
            return crc >= 0 && (uint)crc == BigEndian.ReadUInt32(block, BlockOffsetNavigationCrc);
        }

        /// <summary>True when segment <paramref name="segment"/> = block[start..end) matches its CRC.</summary>
        public static bool CheckSegment(byte[] block, int segment, int start, int end)
        {
            return BigEndian.ReadUInt32(block, BlockOffsetSegmentCrcs + 4 * segment) == Crc32.Compute(block, start, end - start);
        }

        /// <summary>The block's end of entries when its header is sane and every segment matches its CRC; else -1.</summary>
        public static int CheckBlock(byte[] block, int blockSize)
        {
            int end = BigEndian.ReadUInt16(block, BlockOffsetEnd);
            int restarts = block[BlockOffsetRestartCount];
            if (BigEndian.ReadUInt16(block, BlockOffsetCount) == 0 || end <= BlockHeaderSize || end > blockSize || restarts > RestartSlots)
            {
                return -1;
            }

            if (!CheckNavigation(block, end, restarts))
            {
                return -1;
            }

            int start = BlockHeaderSize;
            for (int i = 0; i <= restarts; i++)
            {
                int segmentEnd = SegmentEnd(block, i, restarts, end);
                if (segmentEnd <= start || segmentEnd > end || !CheckSegment(block, i, start, segmentEnd))
                {
                    return -1;
                }

                start = segmentEnd;
            }

            return end;
        }

        public static void WriteHeader(byte[] h, uint siteId, long version, long issued, int count, int blockSize, int blockCount, uint indexCrc, byte keyVersion, byte previousKeyVersion, long databaseId)
        {
            System.Array.Clear(h, 0, HeaderSize);
            BigEndian.WriteUInt32(h, OffsetMagic, Magic);
            BigEndian.WriteUInt16(h, OffsetFormatVersion, FormatVersion);
            BigEndian.WriteUInt16(h, OffsetHeaderSize, HeaderSize);
            BigEndian.WriteUInt32(h, OffsetSiteId, siteId);
            BigEndian.WriteInt64(h, OffsetVersion, version);
            BigEndian.WriteInt64(h, OffsetIssued, issued);
            BigEndian.WriteUInt32(h, OffsetCount, (uint)count);
            BigEndian.WriteUInt32(h, OffsetBlockSize, (uint)blockSize);
            BigEndian.WriteUInt32(h, OffsetBlockCount, (uint)blockCount);
            BigEndian.WriteUInt32(h, OffsetDataLength, (uint)blockCount * (uint)blockSize);
            BigEndian.WriteUInt32(h, OffsetIndexCrc, indexCrc);
            BigEndian.WriteInt64(h, OffsetDatabaseId, databaseId);
            h[OffsetKeyVersion] = keyVersion;
            h[OffsetPreviousKeyVersion] = previousKeyVersion;
            BigEndian.WriteUInt32(h, OffsetCrc, Crc32.Compute(h, 0, OffsetCrc));
        }

        /// <summary>True when the 64 bytes are an intact header of this format with sane fields.</summary>
        public static bool CheckHeader(byte[] h)
        {
            if (BigEndian.ReadUInt32(h, OffsetMagic) != Magic
                || BigEndian.ReadUInt16(h, OffsetFormatVersion) != FormatVersion
                || BigEndian.ReadUInt16(h, OffsetHeaderSize) != HeaderSize
                || BigEndian.ReadUInt32(h, OffsetCrc) != Crc32.Compute(h, 0, OffsetCrc))
            {
                return false;
            }

            uint blockSize = BigEndian.ReadUInt32(h, OffsetBlockSize);
            uint blockCount = BigEndian.ReadUInt32(h, OffsetBlockCount);
            uint count = BigEndian.ReadUInt32(h, OffsetCount);
            if (blockSize < MinBlockSize || blockSize > MaxBlockSize || blockCount > 1000000 || count > (uint)WireFormat.MaxEntries)
            {
                return false;
            }

            return BigEndian.ReadUInt32(h, OffsetDataLength) == blockCount * blockSize
                && WireFormat.AreValidKeyVersions(h[OffsetKeyVersion], h[OffsetPreviousKeyVersion])
                && BigEndian.ReadInt64(h, OffsetVersion) > 0
                && (blockCount == 0) == (count == 0)
                && count >= blockCount;
        }
    }
}
