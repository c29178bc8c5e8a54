using System;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Bytes;

namespace LeoCarte.Terminal.Decisions
{
    /// <summary>
    /// Per-holder counters of the current period (a restaurant service window, or a vending day), persisted in flash
    /// as an append-only log and mirrored in a fixed-size RAM table.
    ///
    /// Flash (little-endian): a 16-byte header {"LCCT", period key int32, reserved int32, CRC-32 of bytes 0..11}
    /// then 16-byte entries {holder key int32, amount cents int32, journal sequence uint32, CRC-32 of bytes 0..11}.
    /// An approval appends one entry (one storage write) BEFORE its journal record; at boot, <see cref="Load"/> drops a
    /// torn entry and the newest entry when its sequence is the journal's next one (power cut between the two
    /// writes), so the counters and the journal agree exactly: a journaled meal is always counted, an unjournaled
    /// one never.
    /// A new period truncates the file then writes a new header (a cut between leaves an empty file: no period).
    ///
    /// RAM: open addressing (linear probing) over holder keys, power-of-two slots, 10 bytes per slot, filled to ¾ at
    /// most. Holders beyond that stay in flash only (<see cref="Overflowed"/>): a 1 KB bit filter tells which holders
    /// may have flash-only entries, and only those lookups scan the log — correct, only slower, never an
    /// under-count. Zero allocation per lookup or add.
    /// </summary>
    public sealed class PeriodLedger
    {
        public const int HeaderSize = 16;
        public const int EntrySize = 16;

        /// <summary>Period key meaning "no period started" (period keys are positive).</summary>
        public const int NoPeriod = 0;

        /// <summary>
        /// Period key of counters whose period is not known: started while the clock was not synced, or found
        /// under a damaged header. The engine adopts them into the next real period instead of emptying them.
        /// </summary>
        public const int UnknownPeriod = -1;

        private const int ScanEntries = 16;
        private const int OverflowFilterBits = 8192;

        private readonly IFileStore store;
        private readonly string fileName;
        private readonly int[] keys;
        private readonly int[] amounts;
        private readonly ushort[] counts;
        private readonly int mask;
        private readonly int maxHolders;
        private readonly byte[] entry = new byte[EntrySize];

        /// <summary>
        /// One bit per hash bucket of the holders counted in flash only (after overflow): a clear bit proves a holder
        /// has no flash-only entry, so most lookups of new holders skip the log scan. 1 KB.
        /// </summary>
        private readonly byte[] overflowFilter = new byte[OverflowFilterBits / 8];
        private readonly byte[] scan = new byte[ScanEntries * EntrySize];

        private int appendPosition;
        private int lastHolder;
        private int lastAmount;
        private bool lastInserted;
        private int lastSlot = -1;

        public PeriodLedger(IFileStore store, string fileName, int tableSlots)
        {
            this.store = store;
            this.fileName = fileName;
            int slots = 16;
            while (slots < tableSlots && slots < 65536)
            {
                slots <<= 1;
            }

            keys = new int[slots];
            amounts = new int[slots];
            counts = new ushort[slots];
            mask = slots - 1;
            maxHolders = slots - slots / 4;
        }

        /// <summary>Current period key, or <see cref="NoPeriod"/>.</summary>
        public int PeriodKey { get; private set; }

        /// <summary>Entries (approvals) counted in the current period.</summary>
        public int Entries { get; private set; }

        /// <summary>Sum of amounts in the current period (the terminal's total).</summary>
        public long TotalAmount { get; private set; }

        /// <summary>Distinct holders in the RAM table.</summary>
        public int HoldersInTable { get; private set; }

        /// <summary>True when some holder of this period is only in flash (RAM table at ¾): lookups of unknown holders scan the log.</summary>
        public bool Overflowed { get; private set; }

        /// <summary>Lookups that had to scan the flash log (overflow, holder possibly flash-only) since construction.</summary>
        public int FlashScans { get; private set; }

        /// <summary>Slots in the RAM table.</summary>
        public int TableSlots
        {
            get { return keys.Length; }
        }

        /// <summary>Damaged entries skipped by the last <see cref="Load"/>.</summary>
        public int DamagedEntriesAtLoad { get; private set; }

        /// <summary>Entries dropped by the last <see cref="Load"/> because the journal does not hold their decision.</summary>
        public int UncommittedEntriesDropped { get; private set; }

        /// <summary>
        /// Boot: rebuilds the table from flash, dropping the newest entry when its journal sequence is
        /// <paramref name="journalLastSequence"/> + 1 (its record was never written). Storage exceptions propagate
        /// (the caller reports a storage error).
        /// </summary>
        public void Load(long journalLastSequence)
        {
            ClearTable();
            PeriodKey = NoPeriod;
            DamagedEntriesAtLoad = 0;
            UncommittedEntriesDropped = 0;
            appendPosition = HeaderSize;
            int length = store.Length(fileName);
            if (length < HeaderSize)
            {
                // No period (fresh, or cut between truncate and header): the next BeginPeriod rewrites the file.
                return;
            }

            if (store.Read(fileName, 0, entry, 0, HeaderSize) == HeaderSize && HeaderValid(entry))
            {
                PeriodKey = LittleEndian.ReadInt32(entry, 4);
            }
            else if (length >= HeaderSize + EntrySize)
            {
                // Entries under a damaged header: only a cut during AdoptPeriod (or flash damage) does this, since
                // BeginPeriod truncates first. Keep counting them under an unknown period rather than forget meals.
                PeriodKey = UnknownPeriod;
            }
            else
            {
                return;
            }

            // Only the newest entry can be uncommitted: an approval writes its entry, then its journal record, one
            // decision at a time. So the newest valid entry is cut exactly when its sequence is the journal's next
            // one (the record never made it). Any other entry is kept, even one ahead of the journal (a journal lost
            // or reset under the counters): over-counting is safe, forgetting a served meal is not.
            uint inFlight = (uint)journalLastSequence + 1;
            int entriesInFile = (length - HeaderSize) / EntrySize;
            int trailingDamagedFrom = -1;
            bool pending = false;
            int pendingHolder = 0;
            int pendingAmount = 0;
            uint pendingSequence = 0;
            int pendingPosition = 0;
            for (int first = 0; first < entriesInFile; first += ScanEntries)
            {
                int count = entriesInFile - first < ScanEntries ? entriesInFile - first : ScanEntries;
                int got = store.Read(fileName, HeaderSize + first * EntrySize, scan, 0, count * EntrySize) / EntrySize;
                for (int i = 0; i < got; i++)
                {
                    int position = HeaderSize + (first + i) * EntrySize;
                    int at = i * EntrySize;
                    if (!EntryValid(scan, at))
                    {
                        DamagedEntriesAtLoad++;
                        if (trailingDamagedFrom < 0)
                        {
                            trailingDamagedFrom = position;
                        }

                        continue;
                    }

                    trailingDamagedFrom = -1;
                    if (pending)
                    {
                        Count(pendingHolder, pendingAmount);
                    }

                    // One entry behind: the newest valid entry is judged after the scan.
                    pending = true;
                    pendingHolder = LittleEndian.ReadInt32(scan, at);
                    pendingAmount = LittleEndian.ReadInt32(scan, at + 4);
                    pendingSequence = LittleEndian.ReadUInt32(scan, at + 8);
                    pendingPosition = position;
                }
            }

            if (pending && pendingSequence == inFlight)
            {
                UncommittedEntriesDropped = 1;
                store.Truncate(fileName, pendingPosition);
                appendPosition = pendingPosition;
            }
            else
            {
                if (pending)
                {
                    Count(pendingHolder, pendingAmount);
                }

                // Damaged entries at the end (a torn append) are overwritten by the next entry.
                appendPosition = trailingDamagedFrom >= 0 ? trailingDamagedFrom : HeaderSize + entriesInFile * EntrySize;
            }

            lastSlot = -1;
        }

        /// <summary>Starts a new period: empties the counters (truncate, then a new header: two storage writes).</summary>
        public void BeginPeriod(int periodKey)
        {
            ClearTable();
            PeriodKey = NoPeriod;
            lastSlot = -1;
            if (store.Length(fileName) > 0)
            {
                store.Truncate(fileName, 0);
            }

            WriteHeader(periodKey);
            PeriodKey = periodKey;
            appendPosition = HeaderSize;
        }

        /// <summary>
        /// Gives the counters of the current period a new key without emptying them (one storage write): used when
        /// the clock becomes synced during the period that was started on an unsynced clock, so meals served
        /// before the sync still count.
        /// </summary>
        public void AdoptPeriod(int periodKey)
        {
            WriteHeader(periodKey);
            PeriodKey = periodKey;
        }

        /// <summary>
        /// Approvals and amount counted for <paramref name="holder"/> in this period. Reads flash only when the RAM
        /// table overflowed and the holder is not in it. Storage exceptions propagate.
        /// </summary>
        public void Lookup(int holder, out int count, out long amount)
        {
            int slot = FindSlot(holder);
            if (counts[slot] != 0)
            {
                count = counts[slot];
                amount = amounts[slot];
                return;
            }

            count = 0;
            amount = 0;
            if (!Overflowed)
            {
                return;
            }

            int bit = FilterBit(holder);
            if ((overflowFilter[bit >> 3] & (1 << (bit & 7))) == 0)
            {
                return;
            }

            FlashScans++;

            int end = appendPosition;
            for (int position = HeaderSize; position < end; position += ScanEntries * EntrySize)
            {
                int bytes = end - position < scan.Length ? end - position : scan.Length;
                int got = store.Read(fileName, position, scan, 0, bytes) / EntrySize;
                for (int i = 0; i < got; i++)
                {
                    int at = i * EntrySize;
                    if (EntryValid(scan, at) && LittleEndian.ReadInt32(scan, at) == holder)
                    {
                        count++;
                        amount += LittleEndian.ReadInt32(scan, at + 4);
                    }
                }
            }
        }

        /// <summary>
        /// Counts one approval: appends its entry (one storage write, durable when this returns), then updates RAM.
        /// <paramref name="journalSequence"/> is the sequence the journal will give the decision's record.
        /// Storage exceptions propagate with RAM unchanged.
        /// </summary>
        public void Add(int holder, int amountCents, long journalSequence)
        {
            LittleEndian.WriteInt32(entry, 0, holder);
            LittleEndian.WriteInt32(entry, 4, amountCents);
            LittleEndian.WriteUInt32(entry, 8, (uint)journalSequence);
            LittleEndian.WriteUInt32(entry, 12, Crc32.Compute(entry, 0, 12));
            // appendPosition never exceeds the file length: Load and BeginPeriod set it within the file, and each
            // write (even a failed one, which leaves a prefix at least as long as the old length) keeps it so.
            store.Write(fileName, appendPosition, entry, 0, EntrySize);
            appendPosition += EntrySize;
            lastSlot = Count(holder, amountCents);
            lastHolder = holder;
            lastAmount = amountCents;
        }

        /// <summary>
        /// Undoes the last <see cref="Add"/> when its journal record could not be written: cuts the entry from flash
        /// (one write) and from RAM. Storage exceptions propagate; RAM is rolled back first either way, and a boot
        /// recovery removes a leftover entry as long as its sequence was not reused.
        /// </summary>
        public void RemoveLast()
        {
            if (lastSlot == -1)
            {
                return;
            }

            if (lastSlot >= 0)
            {
                if (counts[lastSlot] > 0)
                {
                    counts[lastSlot]--;
                }

                amounts[lastSlot] -= lastAmount;
                if (counts[lastSlot] == 0 && lastInserted)
                {
                    // Safe for linear probing: this key was inserted last, so no other key's probe passed its slot.
                    HoldersInTable--;
                }
            }

            Entries--;
            TotalAmount -= lastAmount;
            lastSlot = -1;
            appendPosition -= EntrySize;
            store.Truncate(fileName, appendPosition);
        }

        /// <summary>Adds to the RAM counters; returns the table slot, or -2 when the holder stays in flash only (overflow).</summary>
        private int Count(int holder, int amountCents)
        {
            Entries++;
            TotalAmount += amountCents;
            int slot = FindSlot(holder);
            lastInserted = false;
            if (counts[slot] == 0)
            {
                if (HoldersInTable >= maxHolders)
                {
                    Overflowed = true;
                    int bit = FilterBit(holder);
                    overflowFilter[bit >> 3] |= (byte)(1 << (bit & 7));
                    return -2;
                }

                keys[slot] = holder;
                amounts[slot] = 0;
                HoldersInTable++;
                lastInserted = true;
            }

            if (counts[slot] < ushort.MaxValue)
            {
                counts[slot]++;
            }

            amounts[slot] += amountCents;
            return slot;
        }

        private static int FilterBit(int holder)
        {
            return (int)(((uint)holder * 0x85EBCA6Bu) >> 19);
        }

        /// <summary>The slot holding <paramref name="holder"/>, or the empty slot where it would go.</summary>
        private int FindSlot(int holder)
        {
            int slot = (int)(((uint)holder * 2654435769u) >> 8) & mask;
            while (counts[slot] != 0 && keys[slot] != holder)
            {
                slot = (slot + 1) & mask;
            }

            return slot;
        }

        private void ClearTable()
        {
            Array.Clear(keys, 0, keys.Length);
            Array.Clear(amounts, 0, amounts.Length);
            Array.Clear(counts, 0, counts.Length);
            Array.Clear(overflowFilter, 0, overflowFilter.Length);
            HoldersInTable = 0;
            Entries = 0;
            TotalAmount = 0;
            Overflowed = false;
        }

        private void WriteHeader(int periodKey)
        {
            Array.Clear(entry, 0, EntrySize);
            entry[0] = (byte)'L';
            entry[1] = (byte)'C';
            entry[2] = (byte)'C';
            entry[3] = (byte)'T';
            LittleEndian.WriteInt32(entry, 4, periodKey);
            LittleEndian.WriteUInt32(entry, 12, Crc32.Compute(entry, 0, 12));
            store.Write(fileName, 0, entry, 0, HeaderSize);
        }

        private static bool HeaderValid(byte[] bytes)
        {
            return bytes[0] == (byte)'L' && bytes[1] == (byte)'C' && bytes[2] == (byte)'C' && bytes[3] == (byte)'T'
                && LittleEndian.ReadUInt32(bytes, 12) == Crc32.Compute(bytes, 0, 12)
                && LittleEndian.ReadInt32(bytes, 4) != NoPeriod;
        }

        private static bool EntryValid(byte[] bytes, int at)
        {
            return LittleEndian.ReadUInt32(bytes, at + 12) == Crc32.Compute(bytes, at, 12);
        }
    }
}
