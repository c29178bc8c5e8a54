using System;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Storage;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// The allowlist in force: a sorted, delta-coded table in flash (two slots, A and B) and a RAM index of one
    /// 8-byte prefix per block, so a lookup is a binary search in RAM plus one block read (two in the rare
    /// case of 10-byte UIDs straddling a block boundary) and allocates nothing. Updates arrive through
    /// <see cref="ListUpdate"/>, which writes the other slot and switches only after verifying it.
    /// At boot, <see cref="Open"/> takes the valid slot with the highest version (FORMAT.md, "Recovery").
    /// Thread-safe between one tap thread (lookups) and one sync thread (one update at a time).
    /// </summary>
    public sealed class AllowlistStore : IAllowlist
    {
        /// <summary>Block size of the tables this store writes: 2 KB keeps the 100,000-card index near 3.5 KB.</summary>
        public const int DefaultBlockSize = 2048;

        private readonly object sync = new object();
        private readonly IFileStore files;
        private readonly string[] indexNames = new string[2];
        private readonly string[] dataNames = new string[2];
        private readonly int newTableBlockSize;
        private readonly EntryCodec lookupCodec = new EntryCodec();
        private readonly EntryKey target = new EntryKey();
        private readonly byte[] header = new byte[TableFormat.HeaderSize];
        private byte[] block = new byte[0];

        private int activeSlot = -1;
        private long version;
        private long issuedUnixSeconds;
        private uint siteId;
        private int count;
        private int blockSize;
        private int blockCount;
        private ulong[] index = new ulong[0];

        /// <summary>A store over <paramref name="store"/> with files "allow-a.idx/.dat" and "allow-b.idx/.dat".</summary>
        public AllowlistStore(IFileStore store)
            : this(store, "allow", DefaultBlockSize)
        {
        }

        /// <param name="store">Flash files.</param>
        /// <param name="namePrefix">File name prefix of the two slots.</param>
        /// <param name="blockSize">Block size of tables written by updates (64..16384); tests use small blocks.</param>
        public AllowlistStore(IFileStore store, string namePrefix, int blockSize)
        {
            if (store == null)
            {
                throw new ArgumentNullException("store");
            }

            if (blockSize < TableFormat.MinBlockSize || blockSize > TableFormat.MaxBlockSize)
            {
                throw new ArgumentOutOfRangeException("blockSize");
            }

            files = store;
            newTableBlockSize = blockSize;
            indexNames[0] = namePrefix + "-a.idx";
            dataNames[0] = namePrefix + "-a.dat";
            indexNames[1] = namePrefix + "-b.idx";
            dataNames[1] = namePrefix + "-b.dat";
        }

        /// <summary>Version in force; 0 when no list.</summary>
        public long Version
        {
            get { return version; }
        }

        public DateTime IssuedUtc
        {
            get { return version == 0 ? DateTime.MinValue : WireFormat.FromUnixSeconds(issuedUnixSeconds); }
        }

        public long IssuedUnixSeconds
        {
            get { return issuedUnixSeconds; }
        }

        public int Count
        {
            get { return count; }
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

        /// <summary>Flash bytes of the table in force (index file plus data file).</summary>
        public int FlashBytes
        {
            get { return version == 0 ? 0 : TableFormat.HeaderSize + IndexBytes + blockCount * blockSize; }
        }

        /// <summary>Storage reads the last <see cref="TryFind"/> made (0, 1 or 2).</summary>
        public int LastLookupReads { get; private set; }

        /// <summary>Entries decoded by the last lookup (the managed compute a device measurement will cost).</summary>
        public int LastLookupEntriesDecoded { get; private set; }

        /// <summary>Lookups that met undecodable flash data since construction (reported in diagnostics).</summary>
        public int CorruptBlockCount { get; private set; }

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
                ulong[][] indexes = new ulong[2][];
                for (int slot = 0; slot < 2; slot++)
                {
                    indexes[slot] = ReadSlot(slot);
                    versions[slot] = indexes[slot] == null ? 0 : WireFormat.GetInt64(header, TableFormat.OffsetVersion);
                }

                int best = versions[0] == 0 && versions[1] == 0 ? -1 : (versions[1] > versions[0] ? 1 : 0);
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
                }

                for (int slot = 0; slot < 2; slot++)
                {
                    if (slot != best)
                    {
                        DeleteSlot(slot);
                    }
                }

                return best >= 0;
            }
            catch (Exception)
            {
                return version != 0;
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
                LastLookupReads = 0;
                LastLookupEntriesDecoded = 0;
                if (uid == null || into == null || !CardUid.IsValidLength(length) || offset < 0 || offset + length > uid.Length || blockCount == 0)
                {
                    return false;
                }

                target.Set(uid, offset, length);
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
        }

        /// <summary>A cursor over the table in force, for diagnostics, exports and tests (allocates one block buffer).</summary>
        public TableCursor OpenCursor()
        {
            TableCursor cursor = new TableCursor();
            lock (sync)
            {
                if (activeSlot >= 0)
                {
                    cursor.Open(files, dataNames[activeSlot], blockSize, blockCount);
                }
            }

            return cursor;
        }

        /// <summary>Opens <paramref name="cursor"/> on the table in force (no allocation when its buffer is big enough).</summary>
        internal void OpenCursor(TableCursor cursor)
        {
            lock (sync)
            {
                if (activeSlot >= 0)
                {
                    cursor.Open(files, dataNames[activeSlot], blockSize, blockCount);
                }
                else
                {
                    cursor.Open(files, dataNames[0], TableFormat.MinBlockSize, 0);
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
            }
            catch (Exception)
            {
                // The stale slot has a lower version: boot recovery deletes it later.
            }

            return true;
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
            LastLookupReads++;
            if (files.Read(dataNames[activeSlot], blockNumber * blockSize, block, 0, blockSize) != blockSize)
            {
                CorruptBlockCount++;
                return SearchAbsent;
            }

            int remaining = WireFormat.GetUInt16(block, 0);
            int position = TableFormat.BlockHeaderSize;
            EntryCodec codec = lookupCodec;
            codec.Key.Clear();
            bool first = true;
            while (remaining > 0)
            {
                int size = EntryCodec.Measure(block, position, blockSize - position);
                if (size <= 0 || position + size > blockSize || !codec.Decode(block, position, size, false))
                {
                    CorruptBlockCount++;
                    return SearchAbsent;
                }

                LastLookupEntriesDecoded++;
                int order = codec.Key.CompareTo(target);
                if (order == 0)
                {
                    into.State = codec.State;
                    into.HolderKey = codec.HolderKey;
                    into.Category = codec.Category;
                    return SearchFound;
                }

                if (order > 0)
                {
                    return first ? SearchBeforeBlock : SearchAbsent;
                }

                first = false;
                position += size;
                remaining--;
            }

            return SearchAbsent;
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

            int slotBlockSize = (int)WireFormat.GetUInt32(header, TableFormat.OffsetBlockSize);
            int slotBlockCount = (int)WireFormat.GetUInt32(header, TableFormat.OffsetBlockCount);
            if (indexLength != TableFormat.HeaderSize + slotBlockCount * TableFormat.IndexEntrySize
                || files.Length(dataNames[slot]) != slotBlockCount * slotBlockSize)
            {
                return null;
            }

            ulong[] slotIndex = new ulong[slotBlockCount];
            byte[] chunk = new byte[256];
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

                for (int i = 0; i < n; i++)
                {
                    ulong prefix = WireFormat.GetUInt64(chunk, i * TableFormat.IndexEntrySize);
                    if (done + i > 0 && prefix <= slotIndex[done + i - 1])
                    {
                        return null;
                    }

                    slotIndex[done + i] = prefix;
                }

                done += n;
            }

            return slotIndex;
        }

        private bool Adopt(int slot)
        {
            ulong[] slotIndex = ReadSlot(slot);
            if (slotIndex == null)
            {
                return false;
            }

            int slotBlockSize = (int)WireFormat.GetUInt32(header, TableFormat.OffsetBlockSize);
            byte[] slotBlock = block.Length >= slotBlockSize ? block : new byte[slotBlockSize];
            lock (sync)
            {
                block = slotBlock;
                index = slotIndex;
                activeSlot = slot;
                siteId = WireFormat.GetUInt32(header, TableFormat.OffsetSiteId);
                version = WireFormat.GetInt64(header, TableFormat.OffsetVersion);
                issuedUnixSeconds = WireFormat.GetInt64(header, TableFormat.OffsetIssued);
                count = (int)WireFormat.GetUInt32(header, TableFormat.OffsetCount);
                blockSize = slotBlockSize;
                blockCount = slotIndex.Length;
            }

            return true;
        }

        private void Clear()
        {
            activeSlot = -1;
            version = 0;
            issuedUnixSeconds = 0;
            siteId = 0;
            count = 0;
            blockSize = 0;
            blockCount = 0;
            index = new ulong[0];
        }
    }
}
