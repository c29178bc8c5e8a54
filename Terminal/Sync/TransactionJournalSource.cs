using LeoCarte.Terminal.Journal;

namespace LeoCarte.Terminal.Sync
{
    /// <summary>
    /// The journal (issue 4's TransactionJournal) as the uploader sees it: batches of raw 64-byte wire records
    /// (Terminal/Journal/FORMAT.md) read oldest first after the acknowledged sequence, and trimming through
    /// Acknowledge only, which the journal makes idempotent.
    /// </summary>
    public sealed class TransactionJournalSource : IJournalUploadSource
    {
        private readonly TransactionJournal journal;

        public TransactionJournalSource(TransactionJournal journal)
        {
            this.journal = journal;
        }

        public int PendingCount => journal.Depth;

        public void ReadBatch(byte[] buffer, int offset, int capacity, JournalBatch batch)
        {
            batch.Clear();
            long covered;
            int length = journal.ReadBatch(0, buffer, offset, capacity, out covered);
            batch.CoveredThroughSequence = covered;
            if (length < JournalRecord.Size)
            {
                return;
            }

            batch.Length = length;
            batch.Count = length / JournalRecord.Size;
            batch.FirstSequence = JournalRecord.ReadSequence(buffer, offset);
            batch.LastSequence = JournalRecord.ReadSequence(buffer, offset + length - JournalRecord.Size);
        }

        public void Acknowledge(long upToSequence)
        {
            journal.Acknowledge(upToSequence);
        }
    }
}
