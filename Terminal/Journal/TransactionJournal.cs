using System;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Bytes;

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
    public sealed class TransactionJournal
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

        private void OpenCore()
        {
            RecoveredRecords = 0;
            InvalidSlotsAtOpen = 0;
            TornTailBytesAtOpen = 0;
            HeaderRebuiltAtOpen = false;
            fileLength = -1;
            journalId = 0;

            acknowledgedSequence = acknowledged.Load(0);
            if (acknowledgedSequence < 0)
            {
                acknowledgedSequence = 0;
            }

            int length = store.Length(fileName);
            bool headerValid = length >= HeaderSize && ReadHeader();
            int slotsInFile = length > HeaderSize ? (length - HeaderSize) / RecordSize : 0;
            TornTailBytesAtOpen = length > HeaderSize ? (length - HeaderSize) % RecordSize : 0;

            if (!headerValid)
            {
                HeaderRebuiltAtOpen = true;

                // Derive the ring's layout from the highest valid record: only (sequence - base) mod capacity
                // matters for placement, so base = sequence - slot places that record and every later one.
                capacity = configuredCapacity > slotsInFile ? configuredCapacity : slotsInFile;
                if (capacity > JournalSettings.MaxCapacity)
                {
                    capacity = JournalSettings.MaxCapacity;
                }

                long maxSequence;
                int maxSlot;
                ScanHighest(slotsInFile, false, out maxSequence, out maxSlot);
                if (maxSequence <= 0)
                {
                    StartFresh(acknowledgedSequence, length);
                    return;
                }

                journalId = highestJournalId;

                // The smallest positive base with the right residue, so no older unacknowledged record falls below it.
                baseSequence = ((maxSequence - maxSlot - 1) % capacity) + 1;
                if (baseSequence < 1)
                {
                    baseSequence += capacity;
                }

                WriteHeader();
            }

            if (slotsInFile > capacity)
            {
                slotsInFile = capacity;
            }

            long highest;
            int highestSlot;
            int valid = ScanHighest(slotsInFile, true, out highest, out highestSlot);
            RecoveredRecords = valid;
            InvalidSlotsAtOpen = slotsInFile - valid;
            // The ring was started after sequence base - 1, every record before it acknowledged (StartFresh).
            if (acknowledgedSequence < baseSequence - 1)
            {
                acknowledgedSequence = baseSequence - 1;
            }

            lastSequence = highest > acknowledgedSequence ? highest : acknowledgedSequence;

            // The ring holds at most `capacity` records, so anything older than that was acknowledged before its
            // slot was reused (covers a lost acknowledgement file).
            if (acknowledgedSequence < lastSequence - capacity)
            {
                acknowledgedSequence = lastSequence - capacity;
            }

            if (capacity != configuredCapacity && lastSequence == acknowledgedSequence)
            {
                capacity = configuredCapacity;
                StartFresh(lastSequence, length);
                return;
            }

            if (lastSequence == acknowledgedSequence && SlotPosition(lastSequence + 1) > length)
            {
                // Nothing pending and the next slot lies past the end of the file (the acknowledged pointer ran
                // ahead of the ring, e.g. an older journal file): restart the ring there rather than pad the gap.
                StartFresh(lastSequence, length);
                return;
            }

            fileLength = length;
        }

        /// <summary>A new empty ring whose first record will be <paramref name="last"/> + 1 (same journal id when one is known).</summary>
        private void StartFresh(long last, int currentLength)
        {
            if (journalId == 0)
            {
                journalId = NewJournalId();
            }

            if (capacity < 1 || capacity > JournalSettings.MaxCapacity)
            {
                capacity = configuredCapacity;
            }

            lastSequence = last;
            if (acknowledgedSequence > last)
            {
                acknowledgedSequence = last;
            }

            baseSequence = last + 1;
            WriteHeader();
            if (currentLength > HeaderSize)
            {
                // Old slots would not map under the new base anyway (their sequences are ≤ last); cutting them
                // keeps the scan short. A cut before this truncate only leaves such unmappable slots behind.
                store.Truncate(fileName, HeaderSize);
            }

            fileLength = HeaderSize;
        }

        /// <summary>Scans the first <paramref name="slots"/> slots; returns the number of valid records and the highest sequence (0 when none) with its slot.</summary>
        private int ScanHighest(int slots, bool checkPlacement, out long highest, out int highestSlot)
        {
            highest = 0;
            highestSlot = 0;
            highestJournalId = 0;
            int valid = 0;
            for (int first = 0; first < slots; first += ScanRecords)
            {
                int count = slots - first < ScanRecords ? slots - first : ScanRecords;
                int got = store.Read(fileName, HeaderSize + first * RecordSize, scanBuffer, 0, count * RecordSize) / RecordSize;
                for (int i = 0; i < got; i++)
                {
                    int at = i * RecordSize;
                    if (!JournalRecord.IsValid(scanBuffer, at, RecordSize))
                    {
                        continue;
                    }

                    long sequence = JournalRecord.ReadSequence(scanBuffer, at);
                    if (sequence <= 0)
                    {
                        continue;
                    }

                    if (checkPlacement && (sequence < baseSequence || SlotIndex(sequence) != first + i))
                    {
                        continue;
                    }

                    valid++;
                    if (sequence > highest)
                    {
                        highest = sequence;
                        highestSlot = first + i;
                        highestJournalId = JournalRecord.ReadJournalId(scanBuffer, at);
                    }
                }
            }

            return valid;
        }

        /// <summary>Journal id of the highest record found by the last <see cref="ScanHighest"/>.</summary>
        private int highestJournalId;

        private static int NewJournalId()
        {
            // Random is seeded from the time on both runtimes; mixing in the tick count separates two journals
            // created in the same second after a wipe. Zero is reserved for "unknown".
            int id = new Random().Next() ^ (int)DateTime.UtcNow.Ticks ^ (int)(DateTime.UtcNow.Ticks >> 32);
            return id == 0 ? 1 : id;
        }

        private int SlotIndex(long sequence)
        {
            long index = (sequence - baseSequence) % capacity;
            return (int)(index < 0 ? index + capacity : index);
        }

        private int SlotPosition(long sequence)
        {
            return HeaderSize + SlotIndex(sequence) * RecordSize;
        }

        /// <summary>Fills the gap up to a slot with zero bytes (never valid records); only after flash damage shortened the file.</summary>
        private void PadTo(int position)
        {
            if (fileLength < 0)
            {
                fileLength = 0;
            }

            Array.Clear(scanBuffer, 0, scanBuffer.Length);
            while (fileLength < position)
            {
                int count = position - fileLength < scanBuffer.Length ? position - fileLength : scanBuffer.Length;
                store.Write(fileName, fileLength, scanBuffer, 0, count);
                fileLength += count;
            }
        }

        private bool ReadHeader()
        {
            if (store.Read(fileName, 0, header, 0, HeaderSize) != HeaderSize)
            {
                return false;
            }

            if (header[0] != (byte)'L' || header[1] != (byte)'C' || header[2] != (byte)'J' || header[3] != (byte)'R')
            {
                return false;
            }

            if (LittleEndian.ReadUInt32(header, 28) != Crc32.Compute(header, 0, 28))
            {
                return false;
            }

            int recordSize = LittleEndian.ReadUInt16(header, 4);
            int version = LittleEndian.ReadUInt16(header, 6);
            int headerCapacity = LittleEndian.ReadInt32(header, 8);
            long headerBase = LittleEndian.ReadInt64(header, 12);
            if (recordSize != RecordSize || version != HeaderFormatVersion || headerCapacity < 1 || headerCapacity > JournalSettings.MaxCapacity || headerBase < 1)
            {
                return false;
            }

            capacity = headerCapacity;
            baseSequence = headerBase;
            journalId = LittleEndian.ReadInt32(header, 20);
            return true;
        }

        private void WriteHeader()
        {
            Array.Clear(header, 0, HeaderSize);
            header[0] = (byte)'L';
            header[1] = (byte)'C';
            header[2] = (byte)'J';
            header[3] = (byte)'R';
            LittleEndian.WriteUInt16(header, 4, RecordSize);
            LittleEndian.WriteUInt16(header, 6, HeaderFormatVersion);
            LittleEndian.WriteInt32(header, 8, capacity);
            LittleEndian.WriteInt64(header, 12, baseSequence);
            LittleEndian.WriteInt32(header, 20, journalId);
            LittleEndian.WriteUInt32(header, 28, Crc32.Compute(header, 0, 28));
            store.Write(fileName, 0, header, 0, HeaderSize);
        }
    }
}
