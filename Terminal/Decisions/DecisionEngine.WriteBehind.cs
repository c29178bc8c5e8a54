using System;

namespace LeoCarte.Terminal.Decisions
{
    /// <summary>
    /// Write-behind of the counter log (PeriodLedger.WriteBehind.cs): an approval's one durable write in the tap path is
    /// its journal record; its counter entry is written by <see cref="FlushCounters"/> when the tap loop is idle, or at
    /// the start of the next approval at the latest.
    ///
    /// Why an acknowledged record overwritten in the ring can never be the only copy of an uncounted approval:
    /// 1. At most one approval is unflushed: <see cref="Approve"/> flushes the previous one before appending its
    ///    record, and denies with StorageError when that flush fails (the previous one stays unflushed, never two).
    /// 2. Its record, sequence s, sits in ring slot (s − B) mod C; only the record of sequence s + C reuses that slot
    ///    (TransactionJournal, Journal/FORMAT.md), and <see cref="TransactionJournal.TryRead"/> holds every sequence
    ///    after LastSequence − C. Every append of the engine (approval, denial, vend pending) first calls
    ///    <see cref="KeepUnflushedInRing"/>, which flushes when the next sequence would be s + C or later — and, should
    ///    that flush fail, refuses the append. So while s is unflushed, LastSequence ≤ s + C − 1: the record is still
    ///    in the ring and readable, and the boot replay (PeriodLedger.Load) finds it.
    /// 3. Acknowledgement does not change this: it only allows slots to be reused, and reuse is what 2 bounds.
    /// Test: CounterWriteBehindTests.RingNeverOverwritesTheUnflushedApproval (journal of 4 slots, all acknowledged).
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
        /// Before any journal append: false when the append would overwrite the ring slot of the unflushed approval's
        /// record and its entry cannot be flushed first (the caller then does not append). See the proof above.
        /// </summary>
        private bool KeepUnflushedInRing()
        {
            return !ledger.HasUnflushed || journal.NextSequence < ledger.UnflushedSequence + journal.Capacity || FlushLedger();
        }
    }
}
