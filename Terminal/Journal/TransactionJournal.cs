using System;
using LeoCarte.Terminal.Storage;

namespace LeoCarte.Terminal.Journal
{
    /// <summary>
    /// The decision journal: fixed-size CRC'd records (<see cref="JournalRecord"/>) in a ring file of
    /// <see cref="Capacity"/> slots, plus an acknowledged-up-to sequence in a two-slot file (<see cref="DualSlotValue"/>).
    /// A slot is reused only when the platform has acknowledged the record in it, so a record is never overwritten
    /// before the platform has it; when every slot is unacknowledged, <see cref="Append"/> answers
    /// <see cref="JournalResult.Full"/> and the terminal denies.
    ///
    /// Crash safety (FORMAT.md): an append is one storage write of 64 bytes at its slot; a power cut tears at most
    /// that record, whose CRC then fails, and <see cref="Open"/> (boot recovery) takes the last sequence from the
    /// highest valid record, so only the torn record is dropped and its sequence number is reused by the next
    /// append. An acknowledgement is one write of one 16-byte slot. No rename is relied on.
    ///
    /// Threads: the tap loop appends; the sync client reads batches and acknowledges; every public member locks.
    /// RAM: three small buffers (≈ 0.7 KB) whatever the capacity; the ring is never held in RAM.
    /// </summary>
    public sealed partial class TransactionJournal
    {
        public const int HeaderSize = 32;
        public const int RecordSize = JournalRecord.Size;
        private const int HeaderFormatVersion = 1;
        private const int ScanRecords = 8;

        private readonly object sync = new object();
        private readonly IFileStore store;
        private readonly string fileName;
        private readonly int configuredCapacity;
        private readonly DualSlotValue acknowledged;
        private readonly byte[] header = new byte[HeaderSize];
        private readonly byte[] recordBuffer = new byte[RecordSize];
        private readonly byte[] scanBuffer = new byte[ScanRecords * RecordSize];

        private bool open;
        private int capacity;
        private long baseSequence;
        private long lastSequence;
        private long acknowledgedSequence;
        private int journalId;

        /// <summary>Journal file length as this instance last wrote it; -1 when unknown (after a failed write).</summary>
        private int fileLength = -1;

        public TransactionJournal(IFileStore store, JournalSettings settings)
        {
            this.store = store;
            fileName = settings.FileName;
            configuredCapacity = settings.Capacity < 1 ? 1 : (settings.Capacity > JournalSettings.MaxCapacity ? JournalSettings.MaxCapacity : settings.Capacity);
            acknowledged = new DualSlotValue(store, settings.AcknowledgedFileName);
        }

        /// <summary>True once <see cref="Open"/> succeeded.</summary>
        public bool IsOpen
        {
            get { lock (sync) { return open; } }
        }

        /// <summary>Slots in the ring: the most unacknowledged records the journal holds.</summary>
        public int Capacity
        {
            get { lock (sync) { return capacity; } }
        }

        /// <summary>Sequence of the last committed record (0 before the first).</summary>
        public long LastSequence
        {
            get { lock (sync) { return lastSequence; } }
        }

        /// <summary>Sequence the next <see cref="Append"/> assigns.</summary>
        public long NextSequence
        {
            get { lock (sync) { return lastSequence + 1; } }
        }

        /// <summary>Highest sequence the platform acknowledged; records up to it may be overwritten.</summary>
        public long AcknowledgedSequence
        {
            get { lock (sync) { return acknowledgedSequence; } }
        }

        /// <summary>
        /// Random non-zero identity of this journal, written in its header and in every record: a journal created
        /// afresh (wiped flash) gets a new one while its sequences restart, so the platform can tell them apart.
        /// </summary>
        public int JournalId
        {
            get { lock (sync) { return journalId; } }
        }

        /// <summary>Records waiting for acknowledgement.</summary>
        public int Depth
        {
            get { lock (sync) { return (int)(lastSequence - acknowledgedSequence); } }
        }

        /// <summary>
        /// <see cref="IsOpen"/>, with <see cref="Depth"/> and <see cref="Capacity"/> read under the same lock: the tap
        /// loop's "journal nearly full" check after each decision, one call where three locked getters were (nanoCLR
        /// interprets each lock and call).
        /// </summary>
        public bool ReadOccupancy(out int depth, out int slots)
        {
            lock (sync)
            {
                depth = (int)(lastSequence - acknowledgedSequence);
                slots = capacity;
                return open;
            }
        }

        /// <summary>True when no record can be appended until the platform acknowledges some.</summary>
        public bool IsFull
        {
            get { lock (sync) { return !open || lastSequence - acknowledgedSequence >= capacity; } }
        }

        /// <summary>Valid records found by the last <see cref="Open"/> (acknowledged or not).</summary>
        public int RecoveredRecords { get; private set; }

        /// <summary>Complete slots that failed their CRC or sequence check at the last <see cref="Open"/> (a torn record, or flash damage).</summary>
        public int InvalidSlotsAtOpen { get; private set; }

        /// <summary>Bytes of a partial record at the end of the file at the last <see cref="Open"/> (a torn append).</summary>
        public int TornTailBytesAtOpen { get; private set; }

        /// <summary>True when the last <see cref="Open"/> had to rebuild a missing or damaged header.</summary>
        public bool HeaderRebuiltAtOpen { get; private set; }

        /// <summary>Unacknowledged sequences that <see cref="ReadBatch(long, byte[], int, int, out long)"/> could not read back intact (flash damage), since construction.</summary>
        public int UnreadableRecordsSkipped { get; private set; }

        /// <summary>
        /// Boot recovery: reads the acknowledged pointer and the header, scans every slot and takes the highest valid
        /// record as the last sequence. Creates the journal when absent; rebuilds a damaged header from the records;
        /// adopts a new configured capacity only when nothing is waiting for acknowledgement. Never throws: a storage
        /// failure returns <see cref="JournalResult.StorageError"/> and leaves the journal closed (the terminal then denies
        /// with "journal full" until a later Open succeeds).
        /// </summary>
        public JournalResult Open()
        {
            lock (sync)
            {
                open = false;
                try
                {
                    OpenCore();
                    open = true;
                    return JournalResult.Ok;
                }
                catch (Exception)
                {
                    fileLength = -1;
                    return JournalResult.StorageError;
                }
            }
        }

        /// <summary>
        /// Appends <paramref name="record"/> as sequence <see cref="NextSequence"/> (written into record.Sequence) with
        /// one storage write. Ok means the record is durable. Full, NotOpen or StorageError mean it is not committed
        /// and the sequence number was not consumed.
        /// </summary>
        public JournalResult Append(JournalRecord record)
        {
            lock (sync)
            {
                if (!open)
                {
                    return JournalResult.NotOpen;
                }

                if (lastSequence - acknowledgedSequence >= capacity)
                {
                    return JournalResult.Full;
                }

                long sequence = lastSequence + 1;
                record.Sequence = sequence;
                record.JournalId = journalId;
                record.Encode(recordBuffer, 0);
                int position = SlotPosition(sequence);
                try
                {
                    if (fileLength < 0)
                    {
                        fileLength = store.Length(fileName);
                    }

                    if (position > fileLength)
                    {
                        PadTo(position);
                    }

                    store.Write(fileName, position, recordBuffer, 0, RecordSize);
                    if (position + RecordSize > fileLength)
                    {
                        fileLength = position + RecordSize;
                    }
                }
                catch (Exception)
                {
                    fileLength = -1;
                    return JournalResult.StorageError;
                }

                lastSequence = sequence;
                return JournalResult.Ok;
            }
        }

        /// <summary>
        /// Copies unacknowledged records, oldest first, from sequence max(<paramref name="fromSequence"/>,
        /// AcknowledgedSequence + 1) into buffer[offset..offset+maxBytes), as wire records of 64 bytes (FORMAT.md).
        /// Returns the number of bytes written (a multiple of 64; 0 when nothing is pending).
        /// <paramref name="coveredThroughSequence"/> is the last sequence the batch accounts for: acknowledge it after
        /// the platform has stored the batch. It can exceed the last record in the buffer when a record was unreadable
        /// (flash damage; counted in <see cref="UnreadableRecordsSkipped"/>), so such a record never blocks the upload.
        /// Never throws; a storage failure ends the batch early.
        /// </summary>
        public int ReadBatch(long fromSequence, byte[] buffer, int offset, int maxBytes, out long coveredThroughSequence)
        {
            lock (sync)
            {
                coveredThroughSequence = acknowledgedSequence;
                if (!open || buffer == null || offset < 0 || maxBytes < RecordSize || offset > buffer.Length - RecordSize)
                {
                    return 0;
                }

                if (maxBytes > buffer.Length - offset)
                {
                    maxBytes = buffer.Length - offset;
                }

                long sequence = fromSequence > acknowledgedSequence ? fromSequence : acknowledgedSequence + 1;
                coveredThroughSequence = sequence - 1;
                int maxRecords = maxBytes / RecordSize;
                int written = 0;

                // Bound the work of one call when many slots are unreadable; the caller continues from coveredThrough.
                long scanLimit = sequence + (maxRecords < 64 ? 256 : 4L * maxRecords);
                try
                {
                    while (written < maxRecords && sequence <= lastSequence && sequence < scanLimit)
                    {
                        int slot = SlotIndex(sequence);
                        long run = capacity - slot;
                        if (run > lastSequence - sequence + 1)
                        {
                            run = lastSequence - sequence + 1;
                        }

                        if (run > maxRecords - written)
                        {
                            run = maxRecords - written;
                        }

                        int destination = offset + written * RecordSize;
                        int got = store.Read(fileName, HeaderSize + slot * RecordSize, buffer, destination, (int)run * RecordSize) / RecordSize;
                        for (int i = 0; i < run; i++)
                        {
                            int at = destination + i * RecordSize;
                            if (i < got && JournalRecord.IsValid(buffer, at, RecordSize) && JournalRecord.ReadSequence(buffer, at) == sequence + i)
                            {
                                int target = offset + written * RecordSize;
                                if (target != at)
                                {
                                    Array.Copy(buffer, at, buffer, target, RecordSize);
                                }

                                written++;
                            }
                            else
                            {
                                UnreadableRecordsSkipped++;
                            }
                        }

                        sequence += run;
                        coveredThroughSequence = sequence - 1;
                    }
                }
                catch (Exception)
                {
                    // Keep what was read intact; the caller acknowledges only what it covered.
                    coveredThroughSequence = written == 0 ? coveredThroughSequence : JournalRecord.ReadSequence(buffer, offset + (written - 1) * RecordSize);
                }

                return written * RecordSize;
            }
        }

        /// <summary>Reads one record by sequence (diagnostics, tests, the virtual terminal); false when not held or unreadable.</summary>
        public bool TryRead(long sequence, JournalRecord into)
        {
            lock (sync)
            {
                if (!open || sequence <= lastSequence - capacity || sequence > lastSequence || sequence < baseSequence)
                {
                    return false;
                }

                try
                {
                    int got = store.Read(fileName, SlotPosition(sequence), recordBuffer, 0, RecordSize);
                    return got == RecordSize && JournalRecord.ReadSequence(recordBuffer, 0) == sequence && into.Decode(recordBuffer, 0, RecordSize);
                }
                catch (Exception)
                {
                    return false;
                }
            }
        }

        /// <summary>
        /// The platform has stored every record up to <paramref name="upToSequence"/>: their slots may be reused.
        /// Idempotent (an older or repeated acknowledgement changes nothing and writes nothing); clamped to
        /// <see cref="LastSequence"/>. One storage write when it advances.
        /// </summary>
        public JournalResult Acknowledge(long upToSequence)
        {
            lock (sync)
            {
                if (!open)
                {
                    return JournalResult.NotOpen;
                }

                if (upToSequence > lastSequence)
                {
                    upToSequence = lastSequence;
                }

                if (upToSequence <= acknowledgedSequence)
                {
                    return JournalResult.Ok;
                }

                try
                {
                    acknowledged.Store(upToSequence);
                }
                catch (Exception)
                {
                    return JournalResult.StorageError;
                }

                acknowledgedSequence = upToSequence;
                return JournalResult.Ok;
            }
        }
    }
}
