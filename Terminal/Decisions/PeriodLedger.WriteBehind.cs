using LeoCarte.Terminal.Bytes;
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Decisions
{
    /// <summary>
    /// Write-behind of counter entries: the journal record is the commit point of an approval, its log entry follows
    /// outside tap-to-decision.
    ///
    /// Why this is as safe as writing the entry first: an approval is reported only once its journal record is durable,
    /// and at boot <see cref="Load"/> counts every approved record of the period after the last sequence the log covers
    /// (the newest entry's, or the header's base when there is none). An approval whose entry never reached flash is
    /// thus counted from its record; one whose entry did is in the log and not replayed. Exactly once either way.
    /// The engine keeps at most ONE approval unflushed (it flushes before the next approval, and before an append that
    /// would move the unflushed record out of the journal's last <see cref="ReplayWindow"/> records), so the replay
    /// reads at most that many records and the unflushed one is always among them, still in the ring
    /// (DecisionEngine.WriteBehind.cs, the proof).
    /// </summary>
    public sealed partial class PeriodLedger
    {
        /// <summary>
        /// The unflushed approval is always among the journal's last <see cref="ReplayWindow"/> records (or its whole
        /// ring, when smaller): the engine flushes before an append that would push it out (DecisionEngine.WriteBehind.cs).
        /// So the boot replay reads at most that many records, whatever came after the newest counted approval.
        /// </summary>
        public const int ReplayWindow = 16;

        /// <summary>The replay window for a journal of <paramref name="journalCapacity"/> slots.</summary>
        public static int ReplayWindowFor(int journalCapacity)
        {
            return journalCapacity < ReplayWindow ? journalCapacity : ReplayWindow;
        }

        private bool unflushed;
        private int unflushedHolder;
        private int unflushedAmount;
        private long unflushedSequence;

        /// <summary>True while the newest approval is counted in RAM but its log entry is not written yet.</summary>
        public bool HasUnflushed
        {
            get { return unflushed; }
        }

        /// <summary>Journal sequence of the unflushed approval (meaningful while <see cref="HasUnflushed"/>).</summary>
        public long UnflushedSequence
        {
            get { return unflushedSequence; }
        }

        /// <summary>Log entries written by <see cref="Flush"/> since construction (idle work, after the decisions).</summary>
        public int EntriesFlushed { get; private set; }

        /// <summary>
        /// Counts an approval whose journal record (sequence <paramref name="journalSequence"/>) is durable: RAM only,
        /// never fails, no storage access; the entry is written by the next <see cref="Flush"/>. The caller flushes the
        /// previous one first (<see cref="HasUnflushed"/> false): one unflushed approval at most.
        /// </summary>
        public void AddUnflushed(int holder, int amountCents, long journalSequence)
        {
            Count(holder, amountCents);
            unflushed = true;
            unflushedHolder = holder;
            unflushedAmount = amountCents;
            unflushedSequence = journalSequence;
        }

        /// <summary>
        /// Writes the unflushed approval's entry (one storage write of 16 bytes); nothing when there is none. Storage
        /// exceptions propagate and leave it unflushed (a torn entry is overwritten by the retry: the append position
        /// does not move).
        /// </summary>
        public void Flush()
        {
            if (!unflushed)
            {
                return;
            }

            AppendEntry(unflushedHolder, unflushedAmount, unflushedSequence);
            unflushed = false;
            EntriesFlushed++;
        }

        /// <summary>Appends one entry to the log (one storage write); RAM counters unchanged.</summary>
        private void AppendEntry(int holder, int amountCents, long journalSequence)
        {
            LittleEndian.WriteInt32(entry, 0, holder);
            LittleEndian.WriteInt32(entry, 4, amountCents);
            LittleEndian.WriteUInt32(entry, 8, (uint)journalSequence);
            LittleEndian.WriteUInt32(entry, 12, Crc32.Compute(entry, 0, 12));

            // appendPosition never exceeds the file length: Load and BeginPeriod set it within the file, and each
            // write (even a failed one, which leaves a prefix at least as long as the old length) keeps it so.
            store.Write(fileName, appendPosition, entry, 0, EntrySize);
            appendPosition += EntrySize;
        }
    }
}
