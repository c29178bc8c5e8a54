using LeoCarte.Terminal.Bytes;
using LeoCarte.Terminal.Journal;

namespace LeoCarte.Terminal.Decisions
{
    /// <summary>Boot recovery of the counters: the log, then the journal records it does not cover yet.</summary>
    public sealed partial class PeriodLedger
    {
        /// <summary>Damaged entries skipped by the last <see cref="Load"/>.</summary>
        public int DamagedEntriesAtLoad { get; private set; }

        /// <summary>
        /// Entries dropped by the last <see cref="Load"/> because the journal does not hold their decision (files of the
        /// previous "LCCT" format only, where an entry was written before its record).
        /// </summary>
        public int UncommittedEntriesDropped { get; private set; }

        /// <summary>Approved journal records the last <see cref="Load"/> counted and wrote to the log (their entry had not been flushed).</summary>
        public int ApprovalsReplayedAtLoad { get; private set; }

        /// <summary>Journal records the last <see cref="Load"/> read (one storage read each) looking for approvals the log does not cover.</summary>
        public int RecordsReadAtLoad { get; private set; }

        /// <summary>True when the last <see cref="Load"/> upgraded a file of the previous format, or rewrote a damaged header.</summary>
        public bool HeaderRewrittenAtLoad { get; private set; }

        /// <summary>
        /// Boot, after <see cref="TransactionJournal.Open"/>: rebuilds the counters of the period in flash. 1. The log:
        /// every valid entry is counted (a torn last entry is skipped and overwritten by the next one). 2. The journal:
        /// every approved record of this period whose sequence is after the last one the log covers (the newest entry's,
        /// or the header's base sequence when higher) is counted and its entry written: the approval whose entry was
        /// not flushed before a power cut. <paramref name="scratch"/> receives the records read. Storage exceptions
        /// propagate (the caller reports a storage error); nothing of the journal is changed.
        ///
        /// A file of the previous format ("LCCT", each entry written BEFORE its record) is read by its own rule — the
        /// newest entry is dropped when its sequence is the journal's next one (its record never made it), every other
        /// committed approval has its entry — then its header is rewritten in the write-behind format with the journal's
        /// last sequence as base: one write, once, so a terminal upgraded in the field neither loses nor doubles a count.
        /// </summary>
        public void Load(TransactionJournal journal, JournalRecord scratch)
        {
            ClearTable();
            PeriodKey = NoPeriod;
            DamagedEntriesAtLoad = 0;
            UncommittedEntriesDropped = 0;
            ApprovalsReplayedAtLoad = 0;
            RecordsReadAtLoad = 0;
            HeaderRewrittenAtLoad = false;
            unflushed = false;
            appendPosition = HeaderSize;
            long journalLast = journal.LastSequence;
            periodBaseSequence = (uint)journalLast;
            int length = store.Length(fileName);
            if (length < HeaderSize)
            {
                // No period (fresh, or cut between truncate and header): the next BeginPeriod rewrites the file.
                return;
            }

            byte format = 0;
            if (store.Read(fileName, 0, entry, 0, HeaderSize) == HeaderSize)
            {
                format = HeaderFormat(entry);
            }

            if (format != 0)
            {
                PeriodKey = LittleEndian.ReadInt32(entry, 4);
                if (format == FormatWriteBehind)
                {
                    periodBaseSequence = LittleEndian.ReadUInt32(entry, 8);
                }
            }
            else if (length >= HeaderSize + EntrySize)
            {
                // Entries under a damaged header: a cut while a header was rewritten (AdoptPeriod, the upgrade below)
                // or flash damage, since BeginPeriod truncates first. Keep counting them under an unknown period rather
                // than forget meals.
                PeriodKey = UnknownPeriod;
            }
            else
            {
                return;
            }

            bool hasEntry;
            uint newestSequence;
            LoadEntries(format != FormatWriteBehind, (uint)(journalLast + 1), out hasEntry, out newestSequence);

            // The last journal sequence the log accounts for. Write-behind: entries are written in sequence order after
            // their records, and at most one approval (the newest) is unflushed, so every approval up to the newest
            // entry is in the log. Previous format: every committed approval has its entry. Damaged header: the base
            // is lost; the newest entry, or — with no entry left — the whole journal (never replay other periods).
            uint covered;
            if (format == FormatWriteBehind)
            {
                covered = hasEntry && newestSequence > periodBaseSequence ? newestSequence : periodBaseSequence;
            }
            else if (format == FormatEntryFirst || !hasEntry)
            {
                covered = (uint)journalLast;
            }
            else
            {
                covered = newestSequence;
            }

            if (format != FormatWriteBehind)
            {
                periodBaseSequence = covered;
                WriteHeader(PeriodKey);
                HeaderRewrittenAtLoad = true;
            }

            // A damaged header lost the period key: the records after the newest entry were decided in the log's
            // period, whatever it was, so they count whatever key they carry (at most the one unflushed approval).
            ReplayJournal(journal, scratch, covered, format == 0);
        }

        /// <summary>
        /// Counts the valid entries of the log and sets the append position after the last one. With
        /// <paramref name="dropUncommitted"/> (previous format, or a damaged header) the newest entry is cut when its
        /// sequence is <paramref name="journalNext"/>: written before a record that never made it.
        /// </summary>
        private void LoadEntries(bool dropUncommitted, uint journalNext, out bool hasEntry, out uint newestSequence)
        {
            int entriesInFile = (store.Length(fileName) - HeaderSize) / EntrySize;
            int trailingDamagedFrom = -1;
            bool pending = false;
            int pendingHolder = 0;
            int pendingAmount = 0;
            uint pendingSequence = 0;
            int pendingPosition = 0;
            uint previousSequence = 0;
            bool hasPrevious = false;
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
                        previousSequence = pendingSequence;
                        hasPrevious = true;
                    }

                    // One entry behind: the newest valid entry is judged after the scan.
                    pending = true;
                    pendingHolder = LittleEndian.ReadInt32(scan, at);
                    pendingAmount = LittleEndian.ReadInt32(scan, at + 4);
                    pendingSequence = LittleEndian.ReadUInt32(scan, at + 8);
                    pendingPosition = position;
                }
            }

            if (pending && dropUncommitted && pendingSequence == journalNext)
            {
                // Only the newest entry can be uncommitted in the previous format: an approval wrote its entry, then
                // its record, one decision at a time. Any other entry is kept, even one ahead of the journal (a journal
                // lost or reset under the counters): over-counting is safe, forgetting a served meal is not.
                UncommittedEntriesDropped = 1;
                store.Truncate(fileName, pendingPosition);
                appendPosition = pendingPosition;
                hasEntry = hasPrevious;
                newestSequence = previousSequence;
                return;
            }

            if (pending)
            {
                Count(pendingHolder, pendingAmount);
            }

            // Damaged entries at the end (a torn append) are overwritten by the next entry.
            appendPosition = trailingDamagedFrom >= 0 ? trailingDamagedFrom : HeaderSize + entriesInFile * EntrySize;
            hasEntry = pending;
            newestSequence = pendingSequence;
        }

        /// <summary>
        /// Counts and logs the approved records after sequence <paramref name="covered"/> (of this period, or of any with
        /// <paramref name="anyPeriod"/>), among the journal's last <see cref="ReplayWindow"/>: by the engine's rule the
        /// unflushed approval, if any, is one of them (DecisionEngine.WriteBehind.cs), so older records were flushed or
        /// are not approvals. At most <see cref="ReplayWindow"/> reads, however many denials followed the last approval.
        /// </summary>
        private void ReplayJournal(TransactionJournal journal, JournalRecord scratch, uint covered, bool anyPeriod)
        {
            long last = journal.LastSequence;

            // Entries keep the low 32 bits of a sequence (4 billion decisions: beyond the terminal's life).
            long from = (long)covered + 1;
            long oldestInWindow = last - ReplayWindowFor(journal.Capacity) + 1;
            if (from < oldestInWindow)
            {
                from = oldestInWindow;
            }

            for (long sequence = from; sequence <= last; sequence++)
            {
                RecordsReadAtLoad++;
                if (!journal.TryRead(sequence, scratch) || !scratch.Approved)
                {
                    continue;
                }

                if (!anyPeriod && scratch.PeriodKey != PeriodKey)
                {
                    continue;
                }

                AppendEntry(scratch.HolderKey, scratch.AmountCents, sequence);
                Count(scratch.HolderKey, scratch.AmountCents);
                ApprovalsReplayedAtLoad++;
            }
        }
    }
}
