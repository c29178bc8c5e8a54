using System;

namespace LeoCarte.Terminal.Decisions
{
    /// <summary>
    /// Write-behind of the counter log (PeriodLedger.WriteBehind.cs): an approval's one durable write in the tap path is
    /// its journal record; its counter entry is written by <see cref="FlushCounters"/> when the tap loop is idle, or at
    /// the start of the next approval at the latest.
    ///
    /// Why an acknowledged record overwritten in the ring can never be the only copy of an uncounted approval, and why
    /// the boot replay needs to read only the last W = min(PeriodLedger.ReplayWindow, C) records (C = ring capacity):
    /// 1. At most one approval is unflushed: <see cref="Approve"/> flushes the previous one before appending its
    ///    record, and denies with StorageError when that flush fails (the previous one stays unflushed, never two).
    /// 2. Its record, sequence s, sits in ring slot (s − B) mod C; only the record of sequence s + C reuses that slot
    ///    (TransactionJournal, Journal/FORMAT.md), and <see cref="TransactionJournal.TryRead"/> holds every sequence
    ///    after LastSequence − C. Every append of the engine (approval, denial, vend pending) first calls
    ///    <see cref="KeepUnflushedInRing"/>, which flushes when the next sequence would be s + W or later — and, should
    ///    that flush fail, refuses the append. So while s is unflushed, LastSequence ≤ s + W − 1 ≤ s + C − 1: the
    ///    record is still in the ring, readable, and among the last W, where the boot replay (PeriodLedger.Load) looks.
    ///    Every older approval has its entry in the log (1), so the replay misses none and counts none twice (it reads
    ///    only after the newest entry).
    /// 3. Acknowledgement does not change this: it only allows slots to be reused, and reuse is what 2 bounds.
    /// In the tap loop the idle flush comes long before: W denials in a row with no idle iteration do not happen.
    /// Tests: CounterWriteBehindTests.RingNeverOverwritesTheUnflushedApproval (journal of 4 slots, all acknowledged)
    /// and ReplayWindowBoundsTheBootReads (256 slots: the 16th record after an approval flushes it).
    /// Limit: a journal re-created at boot (flash wiped, or a new configured capacity adopted while nothing is pending)
    /// loses its records, and with them the one approval whose entry had not been flushed before the power cut.
    /// </summary>
    public sealed partial class DecisionEngine
    {
        /// <summary>
        /// Idle-time work for the tap loop, called when no card decision is being made: writes the counter entry of
        /// the last approval (one storage write of 16 bytes), nothing when it is written already. Work moved out of
        /// tap-to-decision, not removed. True when no approval is left unflushed; false on a storage failure (retried
        /// at the next call; the next approval retries too, and is denied with StorageError if it fails again).
        /// Never throws.
        /// </summary>
        public bool FlushCounters()
        {
            lock (sync)
            {
                return !started || FlushLedger();
            }
        }

        /// <summary>True when the counter log holds every approval (flushing the unflushed one now if needed).</summary>
        private bool FlushLedger()
        {
            if (!ledger.HasUnflushed)
            {
                return true;
            }

            try
            {
                ledger.Flush();
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        /// <summary>
        /// Before any journal append: false when the append would move the unflushed approval's record out of the
        /// replay window (or overwrite its ring slot) and its entry cannot be flushed first (the caller then does not
        /// append). See the proof above.
        /// </summary>
        private bool KeepUnflushedInRing()
        {
            return !ledger.HasUnflushed
                || journal.NextSequence < ledger.UnflushedSequence + PeriodLedger.ReplayWindowFor(journal.Capacity)
                || FlushLedger();
        }
    }
}
