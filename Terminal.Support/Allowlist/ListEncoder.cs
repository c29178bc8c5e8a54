using LeoCarte.Terminal.Bytes;
using System;
using LeoCarte.Terminal.Cards;

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
    /// Writes a signed snapshot or delta (FORMAT.md, "Wire list") to a sink: Begin, the entries in strictly
    /// increasing UID order, Finish. The body is kept in memory until Finish, which writes the header, the chunk
    /// manifest (one digest per chunk of the body), the ECDSA P-256 signature over header and manifest, then the
    /// body: the manifest must precede the body so that a terminal can check each chunk before it parses it.
    /// Used by the platform gateway and the tools (memory ≈ the list's size). Programming errors (order, count,
    /// bad UID size) throw <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/>: this is not
    /// tap-path code.
    /// </summary>
    public sealed class ListEncoder
    {
        private readonly IByteSink sink;
        private readonly ListSigning signing;
        private readonly byte[] header = new byte[WireFormat.HeaderSize];
        private readonly byte[] scratch = new byte[EntryCodec.MaxEntrySize];
        private readonly EntryKey previous = new EntryKey();
        private ByteArraySink body;
        private ListKind kind;
        private int declared;
        private int written;
        private bool open;
        private long bytes;

        public ListEncoder(IByteSink sink, ListSigning signing)
        {
            if (sink == null || signing == null)
            {
                throw new ArgumentNullException(sink == null ? "sink" : "signing");
            }

            if (signing.ChunkSize < WireFormat.MinChunkSize || signing.ChunkSize > WireFormat.MaxChunkSize)
            {
                throw new ArgumentException("chunk size out of the format's range");
            }

            this.sink = sink;
            this.signing = signing;
        }

        /// <summary>The site's DESFire key version in force to announce in the next header (0: none); set before Begin.</summary>
        public byte KeyVersion { get; set; }

        /// <summary>The previous key version still accepted during a rotation (0: none); set before Begin.</summary>
        public byte PreviousKeyVersion { get; set; }

        /// <summary>Bytes written to the sink so far (all of them at Finish).</summary>
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
            Add(uid, offset, length, state, holderKey, category, family, 0);
        }

        /// <summary>
        /// Adds (snapshot) or adds-or-changes (delta) a card with the originality digest of its verified Read_Sig answer
        /// (0 = none; FORMAT.md, "Originality digest"). Only a gateway whose terminals all decode digests may pass one.
        /// </summary>
        public void Add(byte[] uid, int offset, int length, CardState state, int holderKey, byte category, CardFamily family, uint originalityDigest)
        {
            if ((int)family < 0 || (int)family > CardFamilies.MaxValue)
            {
                throw new ArgumentException("card family not encodable");
            }

            if ((int)state < 0 || (int)state >= EntryCodec.RemovalState)
            {
                throw new ArgumentException("state not encodable");
            }

            Put(uid, offset, length, state, holderKey, category, family, originalityDigest, false);
        }

        /// <summary>Removes a card (delta only).</summary>
        public void AddRemoval(byte[] uid, int offset, int length)
        {
            if (kind != ListKind.Delta)
            {
                throw new InvalidOperationException("removals exist in deltas only");
            }

            Put(uid, offset, length, CardState.Active, 0, 0, CardFamily.Unchecked, 0, true);
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
                Add(entry.Uid, 0, entry.Uid.Length, entry.State, entry.HolderKey, entry.Category, entry.Family, entry.OriginalityDigest);
            }
        }

        /// <summary>Checks the count, then writes header, manifest, signature and body.</summary>
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

            byte[] entries = body.ToArray();
            int chunkSize = signing.ChunkSize;
            int chunks = WireFormat.ChunkCount(entries.Length, chunkSize);
            BigEndian.WriteUInt32(header, WireFormat.OffsetBodyLength, (uint)entries.Length);
            BigEndian.WriteUInt32(header, WireFormat.OffsetChunkCount, (uint)chunks);

            byte[] signedBytes = new byte[WireFormat.HeaderSize + (chunks * WireFormat.ChunkDigestSize)];
            Array.Copy(header, signedBytes, WireFormat.HeaderSize);
            byte[] digest = new byte[32];
            byte[] chunk = new byte[chunkSize];
            for (int i = 0; i < chunks; i++)
            {
                int length = entries.Length - (i * chunkSize) < chunkSize ? entries.Length - (i * chunkSize) : chunkSize;
                byte[] part = length == chunkSize ? chunk : new byte[length];
                Array.Copy(entries, i * chunkSize, part, 0, length);
                signing.Mac.HmacSha256(WireFormat.ChunkDomainKey, part, 0, length, digest);
                Array.Copy(digest, 0, signedBytes, WireFormat.HeaderSize + (i * WireFormat.ChunkDigestSize), WireFormat.ChunkDigestSize);
            }

            signing.Mac.HmacSha256(WireFormat.SignedDomainKey, signedBytes, 0, signedBytes.Length, digest);
            byte[] signature = new byte[WireFormat.SignatureSize];
            signing.Signer.SignDigest(digest, signature, 0);

            Emit(signedBytes, signedBytes.Length);
            Emit(signature, signature.Length);
            Emit(entries, entries.Length);
            body = null;
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
            body = new ByteArraySink();
            Array.Clear(header, 0, header.Length);
            BigEndian.WriteUInt32(header, WireFormat.OffsetMagic, WireFormat.Magic);
            header[WireFormat.OffsetFormatVersion] = WireFormat.FormatVersion;
            header[WireFormat.OffsetKind] = (byte)listKind;
            header[WireFormat.OffsetKeyVersion] = KeyVersion;
            header[WireFormat.OffsetPreviousKeyVersion] = PreviousKeyVersion;
            BigEndian.WriteUInt32(header, WireFormat.OffsetSiteId, siteId);
            BigEndian.WriteInt64(header, WireFormat.OffsetVersion, version);
            BigEndian.WriteInt64(header, WireFormat.OffsetBaseVersion, baseVersion);
            BigEndian.WriteInt64(header, WireFormat.OffsetIssued, issuedUnixSeconds);
            BigEndian.WriteUInt32(header, WireFormat.OffsetCount, (uint)entryCount);
            BigEndian.WriteInt64(header, WireFormat.OffsetDatabaseId, signing.DatabaseId);
            BigEndian.WriteUInt32(header, WireFormat.OffsetKeyId, signing.Signer.KeyId);
            BigEndian.WriteUInt32(header, WireFormat.OffsetChunkSize, (uint)signing.ChunkSize);
            open = true;
        }

        private void Put(byte[] uid, int offset, int length, CardState state, int holderKey, byte category, CardFamily family, uint originalityDigest, bool removal)
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

            int size = EntryCodec.Encode(scratch, 0, previous, uid, offset, length, state, holderKey, category, family, originalityDigest, removal);
            previous.Set(uid, offset, length);
            body.Write(scratch, 0, size);
            written++;
        }

        private void Emit(byte[] data, int count)
        {
            sink.Write(data, 0, count);
            bytes += count;
        }
    }
}
