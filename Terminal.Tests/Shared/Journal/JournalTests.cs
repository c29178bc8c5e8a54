#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Tests.Support;

namespace LeoCarte.Terminal.Tests.Journal
{
    /// <summary>The journal's contract: sequences, capacity, acknowledgement, recovery (Terminal/Journal/FORMAT.md).</summary>
    [TestClass]
    public class JournalTests
    {
        private static TransactionJournal OpenJournal(MemoryFileStore store, int capacity)
        {
            JournalSettings settings = new JournalSettings();
            settings.Capacity = capacity;
            TransactionJournal journal = new TransactionJournal(store, settings);
            ExpectEnum.Equal(JournalResult.Ok, journal.Open());
            return journal;
        }

        private static JournalRecord Sample(int n)
        {
            JournalRecord record = new JournalRecord();
            record.SetUid(new byte[] { 0x04, 0x11, 0x22, 0x33, 0x44, 0x55, (byte)n }, 0, 7);
            record.Approved = (n & 1) == 0;
            record.Reason = (byte)(record.Approved ? 0 : 1);
            record.AmountCents = 100 + n;
            record.ItemCode = n;
            record.HolderKey = 5000 + n;
            record.ListVersion = 42;
            record.ClockSynced = true;
            record.TimeUtc = new DateTime(2026, 11, 26, 11, 30, 0).AddSeconds(n);
            return record;
        }

        [TestMethod]
        public void Crc32CheckValueOf123456789IsCBF43926()
        {
            byte[] data = new byte[] { 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39 };
            Assert.AreEqual(0xCBF43926u, Crc32.Compute(data, 0, data.Length));
            Assert.AreEqual(0u, Crc32.Compute(data, 0, 0));
        }

        [TestMethod]
        public void RecordRoundTripsThroughItsWireBytes()
        {
            JournalRecord record = Sample(3);
            record.Sequence = 0x0102030405L;
            record.Category = 7;
            record.PeriodKey = 5918321;
            byte[] wire = new byte[JournalRecord.Size + 5];
            record.Encode(wire, 5);
            Assert.IsTrue(JournalRecord.IsValid(wire, 5, JournalRecord.Size));
            Assert.AreEqual(1, (int)wire[5], "format version in byte 0");
            Assert.AreEqual(0x05, (int)wire[5 + 4], "sequence little-endian at offset 4");
            Assert.AreEqual(7, (int)wire[5 + 20], "UID length at offset 20");

            JournalRecord back = new JournalRecord();
            Assert.IsTrue(back.Decode(wire, 5, JournalRecord.Size));
            Assert.AreEqual(record.Sequence, back.Sequence);
            Assert.AreEqual(record.UnixMilliseconds, back.UnixMilliseconds);
            Assert.AreEqual(record.TimeUtc, back.TimeUtc);
            Assert.IsTrue(back.ClockSynced);
            Assert.IsFalse(back.Approved);
            Assert.AreEqual(7, back.UidLength);
            Assert.AreEqual(3, (int)back.Uid[6]);
            Assert.AreEqual(0, (int)back.Uid[7]);
            Assert.AreEqual(103, back.AmountCents);
            Assert.AreEqual(5003, back.HolderKey);
            Assert.AreEqual(42L, back.ListVersion);
            Assert.AreEqual(7, (int)back.Category);
            Assert.AreEqual(5918321, back.PeriodKey);
        }

        [TestMethod]
        public void AnyFlippedBitMakesTheRecordInvalid()
        {
            byte[] wire = new byte[JournalRecord.Size];
            Sample(1).Encode(wire, 0);
            for (int bit = 0; bit < JournalRecord.Size * 8; bit++)
            {
                wire[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.IsFalse(JournalRecord.IsValid(wire, 0, JournalRecord.Size), "bit " + bit);
                wire[bit / 8] ^= (byte)(1 << (bit % 8));
            }

            Assert.IsFalse(JournalRecord.IsValid(wire, 0, JournalRecord.Size - 1), "short buffer");
            Assert.IsFalse(JournalRecord.IsValid(wire, 1, JournalRecord.Size), "past the end");
            Assert.IsFalse(JournalRecord.IsValid(new byte[JournalRecord.Size], 0, JournalRecord.Size), "erased bytes");
        }

        [TestMethod]
        public void AppendsGetIncreasingSequencesWithOneWriteEach()
        {
            MemoryFileStore store = new MemoryFileStore();
            TransactionJournal journal = OpenJournal(store, 16);
            store.ResetCounters();
            for (int i = 1; i <= 5; i++)
            {
                JournalRecord record = Sample(i);
                ExpectEnum.Equal(JournalResult.Ok, journal.Append(record));
                Assert.AreEqual((long)i, record.Sequence);
            }

            Assert.AreEqual(5, store.WriteCount, "one storage write per record");
            Assert.AreEqual(0, store.ReadCount, "appending reads nothing");
            Assert.AreEqual(5L, journal.LastSequence);
            Assert.AreEqual(5, journal.Depth);
            Assert.AreEqual(TransactionJournal.HeaderSize + 5 * JournalRecord.Size, store.Length("journal"));
        }

        [TestMethod]
        public void ReadBatchReturnsUnacknowledgedRecordsInOrderAndAcknowledgeTrims()
        {
            MemoryFileStore store = new MemoryFileStore();
            TransactionJournal journal = OpenJournal(store, 16);
            for (int i = 1; i <= 6; i++)
            {
                journal.Append(Sample(i));
            }

            byte[] buffer = new byte[4 * JournalRecord.Size];
            long covered;
            int bytes = journal.ReadBatch(1, buffer, 0, buffer.Length, out covered);
            Assert.AreEqual(4 * JournalRecord.Size, bytes);
            Assert.AreEqual(4L, covered);
            JournalRecord record = new JournalRecord();
            for (int i = 0; i < 4; i++)
            {
                Assert.IsTrue(record.Decode(buffer, i * JournalRecord.Size, JournalRecord.Size));
                Assert.AreEqual((long)(i + 1), record.Sequence);
                Assert.AreEqual(5001 + i, record.HolderKey);
            }

            ExpectEnum.Equal(JournalResult.Ok, journal.Acknowledge(covered));
            Assert.AreEqual(2, journal.Depth);
            bytes = journal.ReadBatch(1, buffer, 0, buffer.Length, out covered);
            Assert.AreEqual(2 * JournalRecord.Size, bytes, "acknowledged records are not sent again");
            Assert.AreEqual(5L, JournalRecord.ReadSequence(buffer, 0));
            Assert.AreEqual(6L, covered);
            Assert.AreEqual(0, journal.ReadBatch(7, buffer, 0, buffer.Length, out covered));
        }

        [TestMethod]
        public void AcknowledgeIsIdempotentAndClampedAndWritesOnlyWhenItAdvances()
        {
            MemoryFileStore store = new MemoryFileStore();
            TransactionJournal journal = OpenJournal(store, 16);
            for (int i = 1; i <= 3; i++)
            {
                journal.Append(Sample(i));
            }

            store.ResetCounters();
            ExpectEnum.Equal(JournalResult.Ok, journal.Acknowledge(2));
            ExpectEnum.Equal(JournalResult.Ok, journal.Acknowledge(2));
            ExpectEnum.Equal(JournalResult.Ok, journal.Acknowledge(1));
            Assert.AreEqual(1, store.WriteCount, "a repeated or older acknowledgement writes nothing");
            Assert.AreEqual(2L, journal.AcknowledgedSequence);
            ExpectEnum.Equal(JournalResult.Ok, journal.Acknowledge(99));
            Assert.AreEqual(3L, journal.AcknowledgedSequence, "clamped to the last sequence");
            Assert.AreEqual(0, journal.Depth);
        }

        [TestMethod]
        public void FullJournalRefusesUntilAcknowledgedThenReusesSlots()
        {
            MemoryFileStore store = new MemoryFileStore();
            TransactionJournal journal = OpenJournal(store, 4);
            for (int i = 1; i <= 4; i++)
            {
                ExpectEnum.Equal(JournalResult.Ok, journal.Append(Sample(i)));
            }

            Assert.IsTrue(journal.IsFull);
            int lengthWhenFull = store.Length("journal");
            ExpectEnum.Equal(JournalResult.Full, journal.Append(Sample(5)));
            Assert.AreEqual(4L, journal.LastSequence, "a refused record consumes no sequence");

            journal.Acknowledge(2);
            ExpectEnum.Equal(JournalResult.Ok, journal.Append(Sample(5)));
            ExpectEnum.Equal(JournalResult.Ok, journal.Append(Sample(6)));
            ExpectEnum.Equal(JournalResult.Full, journal.Append(Sample(7)));
            Assert.AreEqual(lengthWhenFull, store.Length("journal"), "the ring does not grow");

            byte[] buffer = new byte[8 * JournalRecord.Size];
            long covered;
            int bytes = journal.ReadBatch(0, buffer, 0, buffer.Length, out covered);
            Assert.AreEqual(4 * JournalRecord.Size, bytes);
            for (int i = 0; i < 4; i++)
            {
                Assert.AreEqual((long)(3 + i), JournalRecord.ReadSequence(buffer, i * JournalRecord.Size), "wrapped order");
            }
        }

        [TestMethod]
        public void RebootKeepsSequencesAcknowledgementAndRecords()
        {
            MemoryFileStore store = new MemoryFileStore();
            TransactionJournal journal = OpenJournal(store, 4);
            for (int i = 1; i <= 6; i++)
            {
                if (i == 4)
                {
                    journal.Acknowledge(3);
                }

                journal.Append(Sample(i));
            }

            TransactionJournal again = OpenJournal(store, 4);
            Assert.AreEqual(6L, again.LastSequence);
            Assert.AreEqual(3L, again.AcknowledgedSequence);
            Assert.AreEqual(3, again.Depth);
            Assert.AreEqual(4, again.RecoveredRecords);
            JournalRecord record = new JournalRecord();
            Assert.IsTrue(again.TryRead(5, record));
            Assert.AreEqual(5005, record.HolderKey);
            JournalRecord next = Sample(7);
            ExpectEnum.Equal(JournalResult.Ok, again.Append(next));
            Assert.AreEqual(7L, next.Sequence);
        }

        [TestMethod]
        public void TornLastRecordIsDroppedAndItsSequenceReused()
        {
            MemoryFileStore store = new MemoryFileStore();
            TransactionJournal journal = OpenJournal(store, 8);
            journal.Append(Sample(1));
            journal.Append(Sample(2));
            store.CutPowerAfterWrites(0);
            ExpectEnum.Equal(JournalResult.StorageError, journal.Append(Sample(3)));
            store.Reboot();

            TransactionJournal again = OpenJournal(store, 8);
            Assert.AreEqual(2L, again.LastSequence);
            Assert.AreEqual(32, again.TornTailBytesAtOpen, "half of the 64-byte record reached flash");
            JournalRecord next = Sample(4);
            ExpectEnum.Equal(JournalResult.Ok, again.Append(next));
            Assert.AreEqual(3L, next.Sequence);
            Assert.AreEqual(TransactionJournal.HeaderSize + 3 * JournalRecord.Size, store.Length("journal"), "the torn bytes were overwritten");
        }

        [TestMethod]
        public void NewCapacityIsAdoptedOnlyWhenNothingIsPending()
        {
            MemoryFileStore store = new MemoryFileStore();
            TransactionJournal journal = OpenJournal(store, 4);
            journal.Append(Sample(1));
            journal.Append(Sample(2));

            TransactionJournal bigger = OpenJournal(store, 10);
            Assert.AreEqual(4, bigger.Capacity, "records pending: the ring keeps its layout");
            bigger.Acknowledge(2);

            TransactionJournal adopted = OpenJournal(store, 10);
            Assert.AreEqual(10, adopted.Capacity);
            Assert.AreEqual(2L, adopted.LastSequence, "sequences continue");
            JournalRecord next = Sample(3);
            adopted.Append(next);
            Assert.AreEqual(3L, next.Sequence);
            Assert.AreEqual(1, adopted.Depth);
        }

        [TestMethod]
        public void LostAcknowledgementFileNeverExposesOverwrittenSlots()
        {
            MemoryFileStore store = new MemoryFileStore();
            TransactionJournal journal = OpenJournal(store, 4);
            for (int i = 1; i <= 10; i++)
            {
                journal.Acknowledge(journal.LastSequence);
                journal.Append(Sample(i));
            }

            store.Delete("journal.ack");
            TransactionJournal again = OpenJournal(store, 4);
            Assert.AreEqual(10L, again.LastSequence);
            Assert.AreEqual(4, again.Depth, "at most the ring's records are pending again (re-sent, deduplicated by the platform)");
        }

        [TestMethod]
        public void JournalIdIsStampedOnRecordsAndSurvivesReopenCapacityChangeAndHeaderLoss()
        {
            MemoryFileStore store = new MemoryFileStore();
            TransactionJournal journal = OpenJournal(store, 4);
            int id = journal.JournalId;
            Assert.AreNotEqual(0, id);
            JournalRecord record = Sample(1);
            journal.Append(record);
            Assert.AreEqual(id, record.JournalId);
            JournalRecord back = new JournalRecord();
            Assert.IsTrue(journal.TryRead(1, back));
            Assert.AreEqual(id, back.JournalId);

            Assert.AreEqual(id, OpenJournal(store, 4).JournalId, "reopen");
            byte[] zeros = new byte[TransactionJournal.HeaderSize];
            store.Write("journal", 0, zeros, 0, zeros.Length);
            TransactionJournal rebuilt = OpenJournal(store, 4);
            Assert.IsTrue(rebuilt.HeaderRebuiltAtOpen);
            Assert.AreEqual(id, rebuilt.JournalId, "header rebuilt from the records");
            rebuilt.Acknowledge(1);
            Assert.AreEqual(id, OpenJournal(store, 9).JournalId, "capacity change keeps the id");

            MemoryFileStore wiped = new MemoryFileStore();
            TransactionJournal fresh = OpenJournal(wiped, 4);
            Assert.AreNotEqual(id, fresh.JournalId, "a wiped terminal gets a new journal id (1 in 2^32 chance of a clash)");
        }

        [TestMethod]
        public void DualSlotValueSurvivesATornUpdate()
        {
            MemoryFileStore store = new MemoryFileStore();
            DualSlotValue value = new DualSlotValue(store, "v");
            Assert.AreEqual(-5L, value.Load(-5));
            Assert.IsFalse(value.Found);
            value.Store(100);
            value.Store(200);
            store.CutPowerAfterWrites(0);
            Expect(() => value.Store(300));
            store.Reboot();
            DualSlotValue again = new DualSlotValue(store, "v");
            Assert.AreEqual(200L, again.Load(0));
            Assert.IsTrue(again.Found);
            again.Store(400);
            Assert.AreEqual(400L, new DualSlotValue(store, "v").Load(0));
        }

        private static void Expect(Action action)
        {
            LeoCarte.Terminal.Tests.Support.Expect.Throws(typeof(PowerCutException), action);
        }
    }
}
