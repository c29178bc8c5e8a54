using LeoCarte.Terminal.Bytes;
using System;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Time;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// The allowlist in force: a sorted, delta-coded table in flash (two slots, A and B) with a RAM index of one
    /// 8-byte prefix per block, plus a small RAM overlay of the changes applied since the table was written
    /// (kept in flash in one of two overlay files). A lookup is a binary search of the overlay, then of the
    /// index, plus one block read (two in the rare case of 10-byte UIDs straddling a block boundary), and
    /// allocates nothing. Updates arrive through <see cref="ListUpdate"/>: a small delta writes a new overlay
    /// file, a snapshot or a delta that would overflow the overlay writes a new table in the other slot; either
    /// is switched to only after verification. At boot, <see cref="Open"/> takes the valid table and overlay
    /// with the highest version (FORMAT.md, "Atomic update and recovery").
    /// Thread-safe between one tap thread (lookups) and one sync thread (one update at a time).
    /// </summary>
    public sealed class AllowlistStore : IAllowlist
    {
        /// <summary>Block size of the tables this store writes: 2 KB keeps the 100,000-card index near 3.5 KB.</summary>
        public const int DefaultBlockSize = 2048;

        /// <summary>Overlay entries kept in RAM (17 bytes each): 192 keeps index + overlay under 8 KB at 100,000 cards.</summary>
        public const int DefaultOverlayCapacity = 192;

        private readonly object sync = new object();
        private readonly IFileStore files;
        private readonly string[] indexNames = new string[2];
        private readonly string[] dataNames = new string[2];
        private readonly string[] overlayNames = new string[2];
        private readonly Overlay overlay;
        private readonly int newTableBlockSize;
        private readonly EntryCodec lookupCodec = new EntryCodec { KeyValueOnly = true };
        private readonly EntryKey target = new EntryKey();
        private readonly byte[] header = new byte[TableFormat.HeaderSize];
        private byte[] block = new byte[0];

        private int searchReads;
        private int searchDecoded;
        private bool searchFailed;
        private int activeSlot = -1;
        private long tableVersion;
        private long tableIssued;
        private long tableDatabaseId;
        private int tableCount;
        private byte keyVersion;
        private byte previousKeyVersion;
        private int activeOverlay = -1;
        private long overlayVersion;
        private long overlayIssued;
        private int overlayListCount;
        private uint siteId;
        private int blockSize;
        private int blockCount;
        private ulong[] index = new ulong[0];

        /// <summary>A store over <paramref name="store"/> with files "allow-a.idx/.dat" and "allow-b.idx/.dat".</summary>
        public AllowlistStore(IFileStore store)
            : this(store, "allow", DefaultBlockSize, DefaultOverlayCapacity)
        {
        }

        /// <summary>A store with the default overlay capacity.</summary>
        public AllowlistStore(IFileStore store, string namePrefix, int blockSize)
            : this(store, namePrefix, blockSize, DefaultOverlayCapacity)
        {
        }

        /// <param name="store">Flash files.</param>
        /// <param name="namePrefix">File name prefix of the two slots.</param>
        /// <param name="blockSize">Block size of tables written by updates (64..16384); tests use small blocks.</param>
        /// <param name="overlayCapacity">Changes held in the RAM overlay before a delta rewrites the table (0 = always rewrite).</param>
        public AllowlistStore(IFileStore store, string namePrefix, int blockSize, int overlayCapacity)
        {
            if (store == null)
            {
                throw new ArgumentNullException("store");
            }

            if (blockSize < TableFormat.MinBlockSize || blockSize > TableFormat.MaxBlockSize)
            {
                throw new ArgumentOutOfRangeException("blockSize");
            }

            if (overlayCapacity < 0 || overlayCapacity > 4096)
            {
                throw new ArgumentOutOfRangeException("overlayCapacity");
            }

            overlay = new Overlay(overlayCapacity);
            overlayNames[0] = namePrefix + ".ov0";
            overlayNames[1] = namePrefix + ".ov1";
            files = store;
            newTableBlockSize = blockSize;
            indexNames[0] = namePrefix + "-a.idx";
            dataNames[0] = namePrefix + "-a.dat";
            indexNames[1] = namePrefix + "-b.idx";
            dataNames[1] = namePrefix + "-b.dat";
        }

        /// <summary>Version in force (the overlay's when one is in force); 0 when no list.</summary>
        public long Version
        {
            get { return activeOverlay >= 0 ? overlayVersion : tableVersion; }
        }

        public DateTime IssuedUtc
        {
            get { return Version == 0 ? DateTime.MinValue : UnixTime.FromSeconds(IssuedUnixSeconds); }
        }

        public long IssuedUnixSeconds
        {
            get { return activeOverlay >= 0 ? overlayIssued : tableIssued; }
        }

        public int Count
        {
            get { return activeOverlay >= 0 ? overlayListCount : tableCount; }
        }

        /// <summary>
        /// The gateway database identity of the list in force (an overlay always extends its table's database);
        /// 0 when no list, or a table written before identities (the next list must then be a snapshot).
        /// </summary>
        public long DatabaseId
        {
            get { return tableDatabaseId; }
        }

        /// <summary>The site's DESFire key version in force with this list (0: none announced). A delta that changes
        /// it is applied as a new table (ListUpdate), so the table header always holds the versions in force.</summary>
        public byte KeyVersion
        {
            get { return keyVersion; }
        }

        /// <summary>The previous key version still accepted during a rotation (0: none).</summary>
        public byte PreviousKeyVersion
        {
            get { return previousKeyVersion; }
        }

        /// <summary>Version of the flash table under the overlay.</summary>
        public long TableVersion
        {
            get { return tableVersion; }
        }

        /// <summary>Changes held in the overlay.</summary>
        public int OverlayCount
        {
            get { return overlay.Count; }
        }

        public int OverlayCapacity
        {
            get { return overlay.Capacity; }
        }

        /// <summary>RAM of the overlay arrays (fixed by the capacity).</summary>
        public int OverlayBytes
        {
            get { return overlay.Bytes; }
        }

        /// <summary>RAM a lookup searches: block index plus overlay.</summary>
        public int LookupRamBytes
        {
            get { return IndexBytes + OverlayBytes; }
        }

        /// <summary>Site of the list in force (0 when none).</summary>
        public uint SiteId
        {
            get { return siteId; }
        }

        /// <summary>Block size of the table in force.</summary>
        public int BlockSize
        {
            get { return blockSize; }
        }

        public int BlockCount
        {
            get { return blockCount; }
        }

        /// <summary>Bytes of RAM the lookup index takes (8 per block).</summary>
        public int IndexBytes
        {
            get { return blockCount * TableFormat.IndexEntrySize; }
        }

        /// <summary>Flash bytes of the list in force (table index and data files, overlay file).</summary>
        public int FlashBytes
        {
            get
            {
                if (Version == 0)
                {
                    return 0;
                }

                int overlayFile = activeOverlay >= 0 ? files.Length(overlayNames[activeOverlay]) : 0;
                return TableFormat.HeaderSize + IndexBytes + blockCount * blockSize + (overlayFile > 0 ? overlayFile : 0);
            }
        }

        /// <summary>Storage reads the last <see cref="TryFind"/> made (0, 1 or 2).</summary>
        public int LastLookupReads => lastLookupReads;

        /// <summary>Entries decoded by the last lookup (the managed compute a device measurement will cost).</summary>
        public int LastLookupEntriesDecoded => lastLookupEntriesDecoded;

        /// <summary>Lookups that met undecodable flash data or a failing read since construction (diagnostics).</summary>
        public int CorruptBlockCount { get; private set; }

        /// <summary>
        /// True when the last <see cref="TryFind"/> could not read or decode the flash it needed: its false then
        /// means "storage fault", not "unknown card" (the decision engine can say so instead of refusing the card
        /// as unknown).
        /// </summary>
        public bool LastLookupFailed => lastLookupFailed;

        /// <summary>Version of the list the last <see cref="TryFind"/> searched, read under the same lock.</summary>
        public long LastLookupVersion => lastLookupVersion;

        /// <summary>Block size this store uses for tables it writes.</summary>
        internal int NewTableBlockSize
        {
            get { return newTableBlockSize; }
        }

        internal IFileStore Files
        {
            get { return files; }
        }

        internal int ActiveSlot
        {
            get { return activeSlot; }
        }

        internal Overlay CurrentOverlay
        {
            get { return overlay; }
        }

        /// <summary>The overlay file an overlay update writes: the one not in force.</summary>
        internal int OverlayTarget
        {
            get { return activeOverlay == 0 ? 1 : 0; }
        }

        internal string OverlayName(int file)
        {
            return overlayNames[file];
        }

        // Lookup figures as plain fields: nanoFramework's interpreter does not inline accessors, and the tap path's
        // lookup publishes four of them.
        private int lastLookupReads;
        private int lastLookupEntriesDecoded;
        private bool lastLookupFailed;
        private long lastLookupVersion;

        internal string IndexName(int slot)
        {
            return indexNames[slot];
        }

        internal string DataName(int slot)
        {
            return dataNames[slot];
        }

        /// <summary>
        /// Recovery at boot: reads both slots, keeps the valid one with the highest version, deletes the other's
        /// files (an interrupted update or the previous version). Returns true when a list is in force. Never throws.
        /// </summary>
        public bool Open()
        {
            try
            {
                long[] versions = new long[2];
                for (int slot = 0; slot < 2; slot++)
                {
                    versions[slot] = ReadSlot(slot) == null ? 0 : BigEndian.ReadInt64(header, TableFormat.OffsetVersion);
                }

                long[] overlayTables = new long[2];
                long[] overlayVersions = new long[2];
                for (int file = 0; file < 2; file++)
                {
                    byte[] content = ReadOverlayFile(file);
                    if (content != null)
                    {
                        int trailer = content.Length - OverlayFormat.TrailerSize;
                        overlayTables[file] = BigEndian.ReadInt64(content, trailer + OverlayFormat.OffsetTableVersion);
                        overlayVersions[file] = BigEndian.ReadInt64(content, trailer + OverlayFormat.OffsetVersion);
                    }
                }

                // The effective version of a slot is its table's, or that of a valid overlay written over it.
                int best = -1, bestOverlay = -1;
                long bestVersion = 0;
                for (int slot = 0; slot < 2; slot++)
                {
                    if (versions[slot] == 0)
                    {
                        continue;
                    }

                    long effective = versions[slot];
                    int withOverlay = -1;
                    for (int file = 0; file < 2; file++)
                    {
                        if (overlayTables[file] == versions[slot] && overlayVersions[file] > effective)
                        {
                            effective = overlayVersions[file];
                            withOverlay = file;
                        }
                    }

                    if (effective > bestVersion)
                    {
                        bestVersion = effective;
                        best = slot;
                        bestOverlay = withOverlay;
                    }
                }

                if (best >= 0 && !Adopt(best))
                {
                    best = -1;
                }

                if (best < 0)
                {
                    lock (sync)
                    {
                        Clear();
                    }

                    bestOverlay = -1;
                }
                else if (bestOverlay >= 0 && !AdoptOverlay(bestOverlay))
                {
                    bestOverlay = -1;
                }

                for (int slot = 0; slot < 2; slot++)
                {
                    if (slot != best)
                    {
                        DeleteSlot(slot);
                    }
                }

                for (int file = 0; file < 2; file++)
                {
                    if (file != bestOverlay && files.Length(overlayNames[file]) >= 0)
                    {
                        files.Delete(overlayNames[file]);
                    }
                }

                return best >= 0;
            }
            catch (Exception)
            {
                return Version != 0;
            }
        }

        /// <summary>
        /// Finds the card uid[offset..+length); fills <paramref name="into"/> and returns true when listed. A UID of
        /// another size, no list, a read failure or corrupt flash all return false (unknown card). No allocation.
        /// </summary>
        public bool TryFind(byte[] uid, int offset, int length, CardRecord into)
        {
            lock (sync)
            {
                searchReads = 0;
                searchDecoded = 0;
                searchFailed = false;
                bool found = false;
                if (uid != null && into != null && CardUid.IsValidLength(length) && offset >= 0 && offset + length <= uid.Length && Version != 0)
                {
                    target.Set(uid, offset, length);
                    found = FindTarget(into);
                }

                // Published only by the tap path's own call, so an update checking a delta meanwhile cannot blur them.
                lastLookupReads = searchReads;
                lastLookupEntriesDecoded = searchDecoded;
                lastLookupFailed = searchFailed;
                lastLookupVersion = Version;
                return found;
            }
        }

        /// <summary>Whether <paramref name="key"/> is in the list in force (update-time checks of deltas).</summary>
        internal bool Contains(EntryKey key, CardRecord scratch, out bool failed)
        {
            lock (sync)
            {
                searchFailed = false;
                target.CopyFrom(key);
                bool found = FindTarget(scratch);
                failed = searchFailed;
                return found;
            }
        }

        /// <summary>Looks <see cref="target"/> up: the overlay first (changes since the table), then the table.</summary>
        private bool FindTarget(CardRecord into)
        {
            int changed = overlay.Find(target);
            if (changed >= 0)
            {
                if (overlay.IsRemoved(changed))
                {
                    return false;
                }

                overlay.Fill(changed, into);
                return true;
            }

            if (blockCount == 0)
            {
                return false;
            }

            ulong prefix = target.IndexPrefix;

            // Last block whose first prefix is <= the target's.
            int lo = 0, hi = blockCount - 1, found = -1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >> 1;
                if (index[mid] <= prefix)
                {
                    found = mid;
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            if (found < 0)
            {
                return false;
            }

            int outcome = SearchBlock(found, into);
            if (outcome == SearchBeforeBlock && found > 0)
            {
                // Same 7-byte prefix as this block's first key but below it: only the previous block can hold it.
                outcome = SearchBlock(found - 1, into);
            }

            return outcome == SearchFound;
        }

        /// <summary>A cursor over the list in force, for diagnostics, exports and tests (allocates one block buffer).</summary>
        public AllowlistCursor OpenCursor()
        {
            AllowlistCursor cursor = new AllowlistCursor();
            OpenCursor(cursor);
            return cursor;
        }

        /// <summary>Opens <paramref name="cursor"/> on the list in force (no allocation when its buffer is big enough).</summary>
        internal void OpenCursor(AllowlistCursor cursor)
        {
            lock (sync)
            {
                if (activeSlot >= 0)
                {
                    cursor.Open(files, dataNames[activeSlot], blockSize, blockCount, overlay);
                }
                else
                {
                    cursor.Open(files, dataNames[0], TableFormat.MinBlockSize, 0, null);
                }
            }
        }

        /// <summary>Makes a freshly written slot the one in force, then deletes the other. False when it does not read back valid.</summary>
        internal bool Switch(int slot)
        {
            if (!Adopt(slot))
            {
                return false;
            }

            try
            {
                DeleteSlot(1 - slot);
                for (int file = 0; file < 2; file++)
                {
                    if (files.Length(overlayNames[file]) >= 0)
                    {
                        files.Delete(overlayNames[file]);
                    }
                }
            }
            catch (Exception)
            {
                // The stale slot and overlays belong to an older table: boot recovery deletes them later.
            }

            return true;
        }

        /// <summary>
        /// Makes a freshly written overlay file the one in force: checks it whole (CRC, trailer, entries), then
        /// loads it into the RAM overlay under the lookup lock. False (nothing changed) when it does not read back valid.
        /// </summary>
        internal bool AdoptOverlay(int file)
        {
            byte[] content = ReadOverlayFile(file);
            if (content == null)
            {
                return false;
            }

            int trailer = content.Length - OverlayFormat.TrailerSize;
            if (BigEndian.ReadInt64(content, trailer + OverlayFormat.OffsetTableVersion) != tableVersion || activeSlot < 0)
            {
                return false;
            }

            int entries = (int)BigEndian.ReadUInt32(content, trailer + OverlayFormat.OffsetEntryCount);
            EntryCodec codec = new EntryCodec();
            if (!DecodeOverlay(content, trailer, entries, codec, false))
            {
                return false;
            }

            lock (sync)
            {
                DecodeOverlay(content, trailer, entries, codec, true);
                activeOverlay = file;
                overlayVersion = BigEndian.ReadInt64(content, trailer + OverlayFormat.OffsetVersion);
                overlayIssued = BigEndian.ReadInt64(content, trailer + OverlayFormat.OffsetIssued);
                overlayListCount = (int)BigEndian.ReadUInt32(content, trailer + OverlayFormat.OffsetListCount);
            }

            return true;
        }

        /// <summary>Decodes the overlay file's entries: a validating pass (load false), then the loading pass.</summary>
        private bool DecodeOverlay(byte[] content, int length, int entries, EntryCodec codec, bool load)
        {
            if (entries > overlay.Capacity)
            {
                return false;
            }

            if (load)
            {
                overlay.Clear();
            }

            codec.Key.Clear();
            int position = 0;
            for (int i = 0; i < entries; i++)
            {
                int size = EntryCodec.Measure(content, position, length - position);
                if (size <= 0 || position + size > length || !codec.Decode(content, position, size, true))
                {
                    return false;
                }

                if (load)
                {
                    overlay.Append(codec.Key, codec.IsRemoval ? Overlay.Removed : (int)codec.State, codec.HolderKey, codec.Category, codec.Family);
                }

                position += size;
            }

            return position == length;
        }

        /// <summary>An overlay file's bytes when its length, trailer and CRC are intact; else null.</summary>
        private byte[] ReadOverlayFile(int file)
        {
            int length = files.Length(overlayNames[file]);
            if (length < OverlayFormat.TrailerSize || length > OverlayFormat.TrailerSize + overlay.Capacity * EntryCodec.MaxEntrySize)
            {
                return null;
            }

            byte[] content = new byte[length];
            if (files.Read(overlayNames[file], 0, content, 0, length) != length)
            {
                return null;
            }

            int trailer = length - OverlayFormat.TrailerSize;
            if (BigEndian.ReadUInt32(content, trailer + OverlayFormat.OffsetMagic) != OverlayFormat.Magic
                || BigEndian.ReadUInt16(content, trailer + OverlayFormat.OffsetFormatVersion) != OverlayFormat.FormatVersion
                || BigEndian.ReadUInt16(content, trailer + OverlayFormat.OffsetTrailerSize) != OverlayFormat.TrailerSize
                || BigEndian.ReadUInt32(content, trailer + OverlayFormat.OffsetEntriesLength) != (uint)trailer
                || BigEndian.ReadUInt32(content, trailer + OverlayFormat.OffsetCrc) != Crc32.Compute(content, 0, trailer + OverlayFormat.OffsetCrc)
                || BigEndian.ReadInt64(content, trailer + OverlayFormat.OffsetVersion) <= BigEndian.ReadInt64(content, trailer + OverlayFormat.OffsetTableVersion))
            {
                return null;
            }

            return content;
        }

        /// <summary>Deletes a slot, commit record (index file) first so it can never look valid over a partial data file.</summary>
        internal void DeleteSlot(int slot)
        {
            if (files.Length(indexNames[slot]) >= 0)
            {
                files.Delete(indexNames[slot]);
            }

            if (files.Length(dataNames[slot]) >= 0)
            {
                files.Delete(dataNames[slot]);
            }
        }

        private const int SearchFound = 1;
        private const int SearchAbsent = 0;
        private const int SearchBeforeBlock = -1;

        private int SearchBlock(int blockNumber, CardRecord into)
        {
            searchReads++;
            int read;
            try
            {
                read = files.Read(dataNames[activeSlot], blockNumber * blockSize, block, 0, blockSize);
            }
            catch (Exception)
            {
                // A flash driver fault must not escape the tap path: it is reported as a failed lookup.
                read = -1;
            }

            if (read != blockSize)
            {
                CorruptBlockCount++;
                searchFailed = true;
                return SearchAbsent;
            }

            int first = TableFormat.BlockHeaderSize;
            int end = BigEndian.ReadUInt16(block, TableFormat.BlockOffsetEnd);
            int restarts = block[TableFormat.BlockOffsetRestartCount];
            if (BigEndian.ReadUInt16(block, TableFormat.BlockOffsetCount) == 0 || end <= first || end > blockSize || restarts > TableFormat.RestartSlots)
            {
                CorruptBlockCount++;
                searchFailed = true;
                return SearchAbsent;
            }

            // Navigation (first key, restart offsets and keys) is checked before it steers the search.
            if (!TableFormat.CheckNavigation(block, end, restarts))
            {
                CorruptBlockCount++;
                searchFailed = true;
                return SearchAbsent;
            }

            int order = CompareFullKeyAt(first, end);
            if (order == CorruptKey)
            {
                CorruptBlockCount++;
                searchFailed = true;
                return SearchAbsent;
            }

            if (order > 0)
            {
                return SearchBeforeBlock;
            }

            // Binary search of the restart points (full keys at known offsets) for the last one <= target;
            // then decode from it up to the next restart point.
            int start = first, limit = end, segment = 0;
            int lo = 0, hi = restarts - 1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >> 1;
                int offset = BigEndian.ReadUInt16(block, TableFormat.BlockOffsetRestarts + 2 * mid);
                int restartOrder = offset > first && offset < end ? CompareFullKeyAt(offset, end) : CorruptKey;
                if (restartOrder == CorruptKey)
                {
                    CorruptBlockCount++;
                    searchFailed = true;
                    return SearchAbsent;
                }

                if (restartOrder <= 0)
                {
                    start = offset;
                    segment = mid + 1;
                    lo = mid + 1;
                }
                else
                {
                    limit = offset;
                    hi = mid - 1;
                }
            }

            // Only the segment about to be decoded is checked: a few hundred bytes of CRC per lookup.
            if (!TableFormat.CheckSegment(block, segment, start, limit))
            {
                CorruptBlockCount++;
                searchFailed = true;
                return SearchAbsent;
            }

            EntryCodec codec = lookupCodec;
            codec.Key.Clear();
            int position = start;
            while (position < limit)
            {
                int size = EntryCodec.Measure(block, position, limit - position);
                if (size <= 0 || position + size > limit || !codec.Decode(block, position, size, false))
                {
                    CorruptBlockCount++;
                    searchFailed = true;
                    return SearchAbsent;
                }

                searchDecoded++;
                order = codec.Key.CompareTo(target);
                if (order == 0)
                {
                    into.State = codec.State;
                    into.HolderKey = codec.HolderKey;
                    into.Category = codec.Category;
                    into.Family = codec.Family;
                    return SearchFound;
                }

                if (order > 0)
                {
                    return SearchAbsent;
                }

                position += size;
            }

            return SearchAbsent;
        }

        private const int CorruptKey = 2;

        /// <summary>Order (-1, 0, 1) of the full-key entry at block[offset] against the target, or CorruptKey.</summary>
        private int CompareFullKeyAt(int offset, int end)
        {
            if (offset + 2 > end || !EntryCodec.HasFullKey(block[offset]))
            {
                return CorruptKey;
            }

            int length = block[offset + 1];
            if (!CardUid.IsValidLength(length) || offset + 2 + length > end)
            {
                return CorruptKey;
            }

            int order = CardUid.Compare(block, offset + 2, length, target.Bytes, 0, target.Length);
            return order < 0 ? -1 : (order > 0 ? 1 : 0);
        }

        /// <summary>Reads and checks a slot; returns its index (header left in <see cref="header"/>) or null when not valid.</summary>
        private ulong[] ReadSlot(int slot)
        {
            string indexName = indexNames[slot];
            int indexLength = files.Length(indexName);
            if (indexLength < TableFormat.HeaderSize)
            {
                return null;
            }

            if (files.Read(indexName, 0, header, 0, TableFormat.HeaderSize) != TableFormat.HeaderSize || !TableFormat.CheckHeader(header))
            {
                return null;
            }

            int slotBlockSize = (int)BigEndian.ReadUInt32(header, TableFormat.OffsetBlockSize);
            int slotBlockCount = (int)BigEndian.ReadUInt32(header, TableFormat.OffsetBlockCount);
            int dataLength = files.Length(dataNames[slot]);
            if (dataLength < 0 && slotBlockCount == 0)
            {
                dataLength = 0; // an empty list writes no block, hence no data file
            }

            if (indexLength != TableFormat.HeaderSize + slotBlockCount * TableFormat.IndexEntrySize
                || dataLength != slotBlockCount * slotBlockSize)
            {
                return null;
            }

            ulong[] slotIndex = new ulong[slotBlockCount];
            byte[] chunk = new byte[256];
            uint indexCrc = 0;
            int done = 0;
            while (done < slotBlockCount)
            {
                int n = slotBlockCount - done;
                if (n > chunk.Length / TableFormat.IndexEntrySize)
                {
                    n = chunk.Length / TableFormat.IndexEntrySize;
                }

                int bytes = n * TableFormat.IndexEntrySize;
                if (files.Read(indexName, TableFormat.HeaderSize + done * TableFormat.IndexEntrySize, chunk, 0, bytes) != bytes)
                {
                    return null;
                }

                indexCrc = Crc32.Append(indexCrc, chunk, 0, bytes);
                for (int i = 0; i < n; i++)
                {
                    ulong prefix = BigEndian.ReadUInt64(chunk, i * TableFormat.IndexEntrySize);
                    if (done + i > 0 && prefix <= slotIndex[done + i - 1])
                    {
                        return null;
                    }

                    slotIndex[done + i] = prefix;
                }

                done += n;
            }

            return indexCrc == BigEndian.ReadUInt32(header, TableFormat.OffsetIndexCrc) ? slotIndex : null;
        }

        private bool Adopt(int slot)
        {
            ulong[] slotIndex = ReadSlot(slot);
            if (slotIndex == null)
            {
                return false;
            }

            int slotBlockSize = (int)BigEndian.ReadUInt32(header, TableFormat.OffsetBlockSize);
            byte[] slotBlock = block.Length >= slotBlockSize ? block : new byte[slotBlockSize];
            lock (sync)
            {
                block = slotBlock;
                index = slotIndex;
                activeSlot = slot;
                siteId = BigEndian.ReadUInt32(header, TableFormat.OffsetSiteId);
                tableVersion = BigEndian.ReadInt64(header, TableFormat.OffsetVersion);
                tableIssued = BigEndian.ReadInt64(header, TableFormat.OffsetIssued);
                tableDatabaseId = BigEndian.ReadInt64(header, TableFormat.OffsetDatabaseId);
                tableCount = (int)BigEndian.ReadUInt32(header, TableFormat.OffsetCount);
                keyVersion = header[TableFormat.OffsetKeyVersion];
                previousKeyVersion = header[TableFormat.OffsetPreviousKeyVersion];
                overlay.Clear();
                activeOverlay = -1;
                blockSize = slotBlockSize;
                blockCount = slotIndex.Length;
            }

            return true;
        }

        private void Clear()
        {
            activeSlot = -1;
            tableVersion = 0;
            tableIssued = 0;
            tableDatabaseId = 0;
            tableCount = 0;
            keyVersion = 0;
            previousKeyVersion = 0;
            activeOverlay = -1;
            overlay.Clear();
            siteId = 0;
            blockSize = 0;
            blockCount = 0;
            index = new ulong[0];
        }
    }
}
