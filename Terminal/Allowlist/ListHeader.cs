using LeoCarte.Terminal.Bytes;
namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// The fields of a wire list's 64-byte header (FORMAT.md, "Wire list"), for <see cref="ListUpdate"/>, logs,
    /// the gateway's own checks and tests. Reading a header checks its structure only: nothing in it is
    /// authenticated until the signature over header and manifest has been verified by <see cref="ListUpdate"/>.
    /// </summary>
    public sealed class ListHeader
    {
        public ListKind Kind;
        public uint SiteId;
        public long Version;
        public long BaseVersion;
        public long IssuedUnixSeconds;
        public int EntryCount;

        /// <summary>The gateway database's random identity (never 0): a different one means a reset or another gateway.</summary>
        public long DatabaseId;

        /// <summary>Id of the gateway key that signed the list (never 0).</summary>
        public uint KeyId;
        public int ChunkSize;
        public int BodyLength;
        public int ChunkCount;

        /// <summary>DESFire key version in force (0 = none announced) and the previous one still accepted (0 = none).</summary>
        public byte KeyVersion;
        public byte PreviousKeyVersion;

        /// <summary>Bytes from the start of the list to the first body byte: header, manifest and signature.</summary>
        public int BodyOffset => WireFormat.HeaderSize + (ChunkCount * WireFormat.ChunkDigestSize) + WireFormat.SignatureSize;

        /// <summary>
        /// Reads the header at data[offset..offset+count): Ok, Truncated (fewer than 64 bytes), BadMagic or
        /// BadFormat (format version, kind, DESFire key versions, version rules, entry count, database and key ids,
        /// chunk size, body length and chunk count consistent with each other).
        /// </summary>
        public static ListUpdateResult Read(byte[] data, int offset, int count, ListHeader into)
        {
            if (data == null || into == null || offset < 0 || count < 0 || offset + count > data.Length)
            {
                return ListUpdateResult.InvalidArgument;
            }

            if (count >= 4 && BigEndian.ReadUInt32(data, offset + WireFormat.OffsetMagic) != WireFormat.Magic)
            {
                return ListUpdateResult.BadMagic;
            }

            if (count < WireFormat.HeaderSize)
            {
                return ListUpdateResult.Truncated;
            }

            int kind = data[offset + WireFormat.OffsetKind];
            long version = BigEndian.ReadInt64(data, offset + WireFormat.OffsetVersion);
            long baseVersion = BigEndian.ReadInt64(data, offset + WireFormat.OffsetBaseVersion);
            uint entries = BigEndian.ReadUInt32(data, offset + WireFormat.OffsetCount);
            uint chunkSize = BigEndian.ReadUInt32(data, offset + WireFormat.OffsetChunkSize);
            uint bodyLength = BigEndian.ReadUInt32(data, offset + WireFormat.OffsetBodyLength);
            uint chunkCount = BigEndian.ReadUInt32(data, offset + WireFormat.OffsetChunkCount);
            if (data[offset + WireFormat.OffsetFormatVersion] != WireFormat.FormatVersion
                || !WireFormat.AreValidKeyVersions(data[offset + WireFormat.OffsetKeyVersion], data[offset + WireFormat.OffsetPreviousKeyVersion])
                || (kind != (int)ListKind.Snapshot && kind != (int)ListKind.Delta)
                || version <= 0 || entries > (uint)WireFormat.MaxEntries
                || (kind == (int)ListKind.Snapshot && baseVersion != 0)
                || (kind == (int)ListKind.Delta && (baseVersion <= 0 || baseVersion >= version)))
            {
                return ListUpdateResult.BadFormat;
            }

            // Every entry takes 2..EntryCodec.MaxEntrySize bytes; the chunk count follows from size and length.
            if (BigEndian.ReadInt64(data, offset + WireFormat.OffsetDatabaseId) == 0
                || BigEndian.ReadUInt32(data, offset + WireFormat.OffsetKeyId) == 0
                || chunkSize < WireFormat.MinChunkSize || chunkSize > WireFormat.MaxChunkSize
                || bodyLength > (ulong)entries * EntryCodec.MaxEntrySize || bodyLength < 2UL * entries
                || chunkCount != (uint)WireFormat.ChunkCount(bodyLength, (int)chunkSize))
            {
                return ListUpdateResult.BadFormat;
            }

            into.Kind = (ListKind)kind;
            into.SiteId = BigEndian.ReadUInt32(data, offset + WireFormat.OffsetSiteId);
            into.Version = version;
            into.BaseVersion = baseVersion;
            into.IssuedUnixSeconds = BigEndian.ReadInt64(data, offset + WireFormat.OffsetIssued);
            into.EntryCount = (int)entries;
            into.DatabaseId = BigEndian.ReadInt64(data, offset + WireFormat.OffsetDatabaseId);
            into.KeyId = BigEndian.ReadUInt32(data, offset + WireFormat.OffsetKeyId);
            into.ChunkSize = (int)chunkSize;
            into.BodyLength = (int)bodyLength;
            into.ChunkCount = (int)chunkCount;
            into.KeyVersion = data[offset + WireFormat.OffsetKeyVersion];
            into.PreviousKeyVersion = data[offset + WireFormat.OffsetPreviousKeyVersion];
            return ListUpdateResult.Ok;
        }
    }
}
