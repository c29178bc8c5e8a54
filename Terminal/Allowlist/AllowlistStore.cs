using LeoCarte.Terminal.Bytes;
using System;
using LeoCarte.Terminal.Cards;
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
    public sealed partial class AllowlistStore : IAllowlist
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

        // Per block of the table in force: bit s set = segment s matched its CRC (and, any bit set, the block's
        // navigation matched its CRC) since the table came in force and no failure since. Under the lock.
        private byte[] verified = new byte[0];

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

        /// <summary>RAM a lookup searches: block index plus overlay, plus the verified mask (one byte per block).</summary>
        public int LookupRamBytes
        {
            get { return IndexBytes + OverlayBytes + VerifiedMaskBytes; }
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

        /// <summary>Lookups and scrub slices that met undecodable flash data, a CRC mismatch or a failing read since construction (diagnostics).</summary>
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

                if (best >= 0)
                {
                    // Verified once at boot (the first blocks whole, the scrub does the rest): lookups into them skip
                    // their CRC checks until a failure, or the scrub, finds them damaged.
                    VerifyBlocks(BootVerifiedBlocks);
                }

                return best >= 0;
            }
            catch (Exception)
            {
                return Version != 0;
            }
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
    }
}
