using System;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Bytes;

namespace LeoCarte.Terminal.Decisions
{
    /// <summary>
    /// Per-holder counters of the current period (a restaurant service window, or a vending day), persisted in flash
    /// as an append-only log and mirrored in a fixed-size RAM table.
    ///
    /// Flash (little-endian, Terminal/Decisions/FORMAT.md): a 16-byte header {"LCCW", period key int32, journal
    /// sequence the period began after (low 32 bits), CRC-32 of bytes 0..11} then 16-byte entries {holder key int32,
    /// amount cents int32, journal sequence uint32, CRC-32 of bytes 0..11}.
    ///
    /// Write-behind (PeriodLedger.WriteBehind.cs): the journal record is the commit point of an approval. The engine
    /// appends the record, then counts it in RAM with <see cref="AddUnflushed"/>; its log entry is written later by
    /// <see cref="Flush"/> (idle time, or the start of the next approval: at most one approval is ever unflushed).
    /// At boot, <see cref="Load"/> (PeriodLedger.Recovery.cs) counts the log, then replays the approved journal
    /// records of the period after the last sequence the log covers, so the counters and the journal agree
    /// exactly: a journaled approval is always counted, once; an unjournaled one never.
    /// Files of the previous format ("LCCT": entry written before its record) are still read and upgraded.
    /// A new period truncates the file then writes a new header (a cut between leaves an empty file: no period).
    ///
    /// RAM: open addressing (linear probing) over holder keys, power-of-two slots, 10 bytes per slot, filled to ¾ at
    /// most. Holders beyond that stay in flash only (<see cref="Overflowed"/>): a 1 KB bit filter tells which holders
    /// may have flash-only entries, and only those lookups scan the log — correct, only slower, never an
    /// under-count. Zero allocation per lookup or add.
    /// </summary>
    public sealed partial class PeriodLedger
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

        /// <summary>Header byte 3 of the previous format: each entry was written before its journal record.</summary>
        private const byte FormatEntryFirst = (byte)'T';

        /// <summary>Header byte 3 of the write-behind format: the journal record first, its entry later.</summary>
        private const byte FormatWriteBehind = (byte)'W';

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

        /// <summary>Low 32 bits of the journal's last sequence when the period began (header bytes 8..11).</summary>
        private uint periodBaseSequence;

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


        /// <summary>
        /// Starts a new period: empties the counters (truncate, then a new header: two storage writes). The header
        /// records <paramref name="journalLastSequence"/>: every approval of the new period gets a later sequence, so
        /// boot replays the journal from there when the log has no entry yet. An unflushed approval of the old period
        /// is dropped, not written: its sequence is at most <paramref name="journalLastSequence"/>, so no boot counts
        /// it in the new period either.
        /// </summary>
        public void BeginPeriod(int periodKey, long journalLastSequence)
        {
            ClearTable();
            unflushed = false;
            PeriodKey = NoPeriod;
            if (store.Length(fileName) > 0)
            {
                store.Truncate(fileName, 0);
            }

            periodBaseSequence = (uint)journalLastSequence;
            WriteHeader(periodKey);
            PeriodKey = periodKey;
            appendPosition = HeaderSize;
        }

        /// <summary>
        /// Gives the counters of the current period a new key without emptying them: used when the clock becomes
        /// synced during the period that was started on an unsynced clock, so meals served before the sync still
        /// count. Flushes the unflushed approval first (its record carries the old key, which a boot replay under the
        /// new key would not count), then rewrites the header keeping its base sequence: one or two storage writes.
        /// </summary>
        public void AdoptPeriod(int periodKey)
        {
            Flush();
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

            if (unflushed && unflushedHolder == holder)
            {
                // Counted in RAM as flash-only (overflow) but its entry is not in the log yet.
                count++;
                amount += unflushedAmount;
            }
        }

        /// <summary>Adds to the RAM counters; returns the table slot, or -2 when the holder stays in flash only (overflow).</summary>
        private int Count(int holder, int amountCents)
        {
            Entries++;
            TotalAmount += amountCents;
            int slot = FindSlot(holder);
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

        /// <summary>Writes the header of the write-behind format ("LCCW") with <see cref="periodBaseSequence"/>.</summary>
        private void WriteHeader(int periodKey)
        {
            Array.Clear(entry, 0, EntrySize);
            entry[0] = (byte)'L';
            entry[1] = (byte)'C';
            entry[2] = (byte)'C';
            entry[3] = FormatWriteBehind;
            LittleEndian.WriteInt32(entry, 4, periodKey);
            LittleEndian.WriteUInt32(entry, 8, periodBaseSequence);
            LittleEndian.WriteUInt32(entry, 12, Crc32.Compute(entry, 0, 12));
            store.Write(fileName, 0, entry, 0, HeaderSize);
        }

        /// <summary>The header's format byte (<see cref="FormatEntryFirst"/> or <see cref="FormatWriteBehind"/>), or 0 when the header is not valid.</summary>
        private static byte HeaderFormat(byte[] bytes)
        {
            byte format = bytes[3];
            bool valid = bytes[0] == (byte)'L' && bytes[1] == (byte)'C' && bytes[2] == (byte)'C'
                && (format == FormatEntryFirst || format == FormatWriteBehind)
                && LittleEndian.ReadUInt32(bytes, 12) == Crc32.Compute(bytes, 0, 12)
                && LittleEndian.ReadInt32(bytes, 4) != NoPeriod;
            return valid ? format : (byte)0;
        }

        private static bool EntryValid(byte[] bytes, int at)
        {
            return LittleEndian.ReadUInt32(bytes, at + 12) == Crc32.Compute(bytes, at, 12);
        }
    }
}
