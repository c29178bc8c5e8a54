using LeoCarte.Terminal.Bytes;
namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// The fields of a wire list's 40-byte header (FORMAT.md, "Wire list"), for logs, the gateway's own checks
    /// and tests. Reading a header checks its structure only: nothing in it is authenticated until the tag
    /// has been verified by <see cref="ListUpdate"/>.
    /// </summary>
    public sealed class ListHeader
    {
        public ListKind Kind;
        public uint SiteId;
        public long Version;
        public long BaseVersion;
        public long IssuedUnixSeconds;
        public int EntryCount;

        /// <summary>DESFire key version in force (0 = none announced) and the previous one still accepted (0 = none).</summary>
        public byte KeyVersion;
        public byte PreviousKeyVersion;

        /// <summary>
        /// Reads the header at data[offset..offset+count): Ok, Truncated (fewer than 40 bytes), BadMagic or
        /// BadFormat (format version, kind, key versions, version rules, entry count).
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
            if (data[offset + WireFormat.OffsetFormatVersion] != WireFormat.FormatVersion
                || !WireFormat.AreValidKeyVersions(data[offset + WireFormat.OffsetKeyVersion], data[offset + WireFormat.OffsetPreviousKeyVersion])
                || (kind != (int)ListKind.Snapshot && kind != (int)ListKind.Delta)
                || version <= 0 || entries > (uint)WireFormat.MaxEntries
                || (kind == (int)ListKind.Snapshot && baseVersion != 0)
                || (kind == (int)ListKind.Delta && (baseVersion <= 0 || baseVersion >= version)))
            {
                return ListUpdateResult.BadFormat;
            }

            into.Kind = (ListKind)kind;
            into.SiteId = BigEndian.ReadUInt32(data, offset + WireFormat.OffsetSiteId);
            into.Version = version;
            into.BaseVersion = baseVersion;
            into.IssuedUnixSeconds = BigEndian.ReadInt64(data, offset + WireFormat.OffsetIssued);
            into.EntryCount = (int)entries;
            into.KeyVersion = data[offset + WireFormat.OffsetKeyVersion];
            into.PreviousKeyVersion = data[offset + WireFormat.OffsetPreviousKeyVersion];
            return ListUpdateResult.Ok;
        }
    }
}
