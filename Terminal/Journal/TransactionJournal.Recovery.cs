using System;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Bytes;

namespace LeoCarte.Terminal.Journal
{
    /// <summary>Boot recovery (FORMAT.md): the header, the scan for the highest valid record, slot placement and padding.</summary>
    public sealed partial class TransactionJournal
    {
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
