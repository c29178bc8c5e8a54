using LeoCarte.Terminal.Bytes;
using System;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>Where an encoder writes bytes (an HTTP response body, a file, a byte buffer).</summary>
    public interface IByteSink
    {
        void Write(byte[] data, int offset, int count);
    }

    /// <summary>A growable in-memory <see cref="IByteSink"/>.</summary>
    public sealed class ByteArraySink : IByteSink
    {
        private byte[] buffer = new byte[256];
        private int length;

        public int Length
        {
            get { return length; }
        }

        public void Write(byte[] data, int offset, int count)
        {
            if (length + count > buffer.Length)
            {
                int capacity = buffer.Length * 2;
                while (capacity < length + count)
                {
                    capacity *= 2;
                }

                byte[] grown = new byte[capacity];
                Array.Copy(buffer, grown, length);
                buffer = grown;
            }

            Array.Copy(data, offset, buffer, length, count);
            length += count;
        }

        public byte[] ToArray()
        {
            byte[] copy = new byte[length];
            Array.Copy(buffer, copy, length);
            return copy;
        }
    }

    /// <summary>
    /// Streams a signed snapshot or delta (FORMAT.md, "Wire list") to a sink: Begin, the entries in strictly
    /// increasing UID order, Finish (which appends the HMAC-SHA256 tag). Used by the platform gateway and the
    /// tools; memory does not depend on the list size. Programming errors (order, count, bad UID size)
    /// throw <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/>: this is not tap-path code.
    /// </summary>
    public sealed class ListEncoder
    {
        private readonly IByteSink sink;
        private readonly HmacSha256 mac = new HmacSha256();
        private readonly byte[] scratch = new byte[WireFormat.HeaderSize];
        private readonly EntryKey previous = new EntryKey();
        private ListKind kind;
        private int declared;
        private int written;
        private bool open;
        private long bytes;

        public ListEncoder(IByteSink sink, byte[] siteKey)
        {
            if (sink == null || siteKey == null)
            {
                throw new ArgumentNullException(sink == null ? "sink" : "siteKey");
            }

            this.sink = sink;
            mac.Init(siteKey, 0, siteKey.Length);
        }

        /// <summary>The site's DESFire key version in force to announce in the next header (0: none); set before Begin.</summary>
        public byte KeyVersion { get; set; }

        /// <summary>The previous key version still accepted during a rotation (0: none); set before Begin.</summary>
        public byte PreviousKeyVersion { get; set; }

        /// <summary>Bytes written to the sink so far.</summary>
        public long BytesWritten
        {
            get { return bytes; }
        }

        public void BeginSnapshot(uint siteId, long version, long issuedUnixSeconds, int entryCount)
        {
            Begin(ListKind.Snapshot, siteId, version, 0, issuedUnixSeconds, entryCount);
        }

        public void BeginDelta(uint siteId, long version, long baseVersion, long issuedUnixSeconds, int entryCount)
        {
            if (baseVersion <= 0 || baseVersion >= version)
            {
                throw new ArgumentException("a delta's base version must be positive and below its version");
            }

            Begin(ListKind.Delta, siteId, version, baseVersion, issuedUnixSeconds, entryCount);
        }

        /// <summary>Adds (snapshot) or adds-or-changes (delta) a card of the family its UID length implies.</summary>
        public void Add(byte[] uid, int offset, int length, CardState state, int holderKey, byte category)
        {
            Add(uid, offset, length, state, holderKey, category, CardFamilies.ImpliedBy(length));
        }

        /// <summary>Adds (snapshot) or adds-or-changes (delta) a card.</summary>
        public void Add(byte[] uid, int offset, int length, CardState state, int holderKey, byte category, CardFamily family)
        {
            if ((int)family < 0 || (int)family > CardFamilies.MaxValue)
            {
                throw new ArgumentException("card family not encodable");
            }

            if ((int)state < 0 || (int)state >= EntryCodec.RemovalState)
            {
                throw new ArgumentException("state not encodable");
            }

            Put(uid, offset, length, state, holderKey, category, family, false);
        }

        /// <summary>Removes a card (delta only).</summary>
        public void AddRemoval(byte[] uid, int offset, int length)
        {
            if (kind != ListKind.Delta)
            {
                throw new InvalidOperationException("removals exist in deltas only");
            }

            Put(uid, offset, length, CardState.Active, 0, 0, CardFamily.Unchecked, true);
        }

        /// <summary>Adds a <see cref="ListEntry"/> (a removal when <see cref="ListEntry.IsRemoval"/>).</summary>
        public void Add(ListEntry entry)
        {
            if (entry.IsRemoval)
            {
                AddRemoval(entry.Uid, 0, entry.Uid.Length);
            }
            else
            {
                Add(entry.Uid, 0, entry.Uid.Length, entry.State, entry.HolderKey, entry.Category, entry.Family);
            }
        }

        /// <summary>Checks the count and writes the tag.</summary>
        public void Finish()
        {
            if (!open)
            {
                throw new InvalidOperationException("not begun");
            }

            if (written != declared)
            {
                throw new InvalidOperationException("declared " + declared + " entries, added " + written);
            }

            byte[] tag = new byte[WireFormat.TagSize];
            mac.Final(tag, 0);
            sink.Write(tag, 0, tag.Length);
            bytes += tag.Length;
            open = false;
        }

        private void Begin(ListKind listKind, uint siteId, long version, long baseVersion, long issuedUnixSeconds, int entryCount)
        {
            if (open)
            {
                throw new InvalidOperationException("already begun");
            }

            if (version <= 0 || entryCount < 0 || entryCount > WireFormat.MaxEntries)
            {
                throw new ArgumentException("version must be positive and the count within limits");
            }

            if (!WireFormat.AreValidKeyVersions(KeyVersion, PreviousKeyVersion))
            {
                throw new ArgumentException("key versions: none (0, 0), or a version in force and a different previous one (or 0)");
            }

            kind = listKind;
            declared = entryCount;
            written = 0;
            previous.Clear();
            mac.Restart();
            Array.Clear(scratch, 0, scratch.Length);
            BigEndian.WriteUInt32(scratch, WireFormat.OffsetMagic, WireFormat.Magic);
            scratch[WireFormat.OffsetFormatVersion] = WireFormat.FormatVersion;
            scratch[WireFormat.OffsetKind] = (byte)listKind;
            scratch[WireFormat.OffsetKeyVersion] = KeyVersion;
            scratch[WireFormat.OffsetPreviousKeyVersion] = PreviousKeyVersion;
            BigEndian.WriteUInt32(scratch, WireFormat.OffsetSiteId, siteId);
            BigEndian.WriteInt64(scratch, WireFormat.OffsetVersion, version);
            BigEndian.WriteInt64(scratch, WireFormat.OffsetBaseVersion, baseVersion);
            BigEndian.WriteInt64(scratch, WireFormat.OffsetIssued, issuedUnixSeconds);
            BigEndian.WriteUInt32(scratch, WireFormat.OffsetCount, (uint)entryCount);
            Emit(scratch, WireFormat.HeaderSize);
            open = true;
        }

        private void Put(byte[] uid, int offset, int length, CardState state, int holderKey, byte category, CardFamily family, bool removal)
        {
            if (!open)
            {
                throw new InvalidOperationException("not begun");
            }

            if (uid == null || !CardUid.IsValidLength(length) || offset < 0 || offset + length > uid.Length)
            {
                throw new ArgumentException("UID must be 4, 7 or 10 bytes");
            }

            if (previous.Length != 0 && CardUid.Compare(uid, offset, length, previous.Bytes, 0, previous.Length) <= 0)
            {
                throw new ArgumentException("entries must be in strictly increasing UID order");
            }

            if (written == declared)
            {
                throw new InvalidOperationException("more entries than declared");
            }

            int size = EntryCodec.Encode(scratch, 0, previous, uid, offset, length, state, holderKey, category, family, removal);
            previous.Set(uid, offset, length);
            Emit(scratch, size);
            written++;
        }

        private void Emit(byte[] data, int count)
        {
            mac.Update(data, 0, count);
            sink.Write(data, 0, count);
            bytes += count;
        }
    }
}
