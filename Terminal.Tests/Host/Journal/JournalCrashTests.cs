using System;
using System.Collections.Generic;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Journal;

/// <summary>
/// SQLite-style crash testing of the journal: the same workload of appends and acknowledgements is replayed with
/// the power cut at every storage write index k (and with several amounts of the torn write reaching flash);
/// after a reboot and recovery, no committed record is lost, sequences stay unique and increasing, at most the
/// torn record is missing, and the journal keeps working.
/// </summary>
[TestClass]
public class JournalCrashTests
{
    public TestContext TestContext { get; set; }

    private const int Capacity = 8;
    private const int Appends = 40;

    /// <summary>Bytes of the torn write that reach flash: none, one, half, all but one, all of them.</summary>
    private static readonly int[] TornAmounts = { 0, 1, -1, 63, 64 };

    private sealed class Outcome
    {
        public readonly List<(long Sequence, byte[] Bytes)> Committed = new();
        public long AcknowledgedOk;
        public long AcknowledgeAttempted;
        public long InFlightSequence;
        public byte[] InFlightBytes;
    }

    private static JournalRecord RecordFor(int n)
    {
        var record = new JournalRecord();
        record.SetUid(new byte[] { 0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, (byte)n }, 0, 7);
        record.Approved = n % 3 != 0;
        record.ClockSynced = true;
        record.AmountCents = 100 + n;
        record.HolderKey = 9000 + n;
        record.ListVersion = 7;
        record.TimeUtc = new DateTime(2026, 11, 26, 11, 0, 0).AddSeconds(n);
        return record;
    }

    /// <summary>The workload: open, then appends with an acknowledgement (of all but the newest) every third append.</summary>
    private static Outcome Run(MemoryFileStore store)
    {
        var outcome = new Outcome();
        var journal = new TransactionJournal(store, new JournalSettings { Capacity = Capacity });
        if (journal.Open() != JournalResult.Ok)
        {
            return outcome;
        }

        for (int n = 1; n <= Appends; n++)
        {
            JournalRecord record = RecordFor(n);
            outcome.InFlightSequence = journal.NextSequence;
            outcome.InFlightBytes = new byte[JournalRecord.Size];
            record.Sequence = outcome.InFlightSequence;
            record.JournalId = journal.JournalId;
            record.Encode(outcome.InFlightBytes, 0);
            JournalResult result = journal.Append(record);
            if (result == JournalResult.Full)
            {
                Assert.Fail("the workload acknowledges often enough never to fill the ring");
            }

            if (result != JournalResult.Ok)
            {
                return outcome;
            }

            outcome.Committed.Add((record.Sequence, outcome.InFlightBytes));
            outcome.InFlightSequence = 0;
            if (n % 3 == 0)
            {
                outcome.AcknowledgeAttempted = journal.LastSequence - 1;
                if (journal.Acknowledge(journal.LastSequence - 1) != JournalResult.Ok)
                {
                    return outcome;
                }

                outcome.AcknowledgedOk = journal.LastSequence - 1;
            }
        }

        return outcome;
    }

    [TestMethod]
    public void PowerCutAtEveryWriteLosesNoCommittedRecord()
    {
        var reference = new MemoryFileStore();
        Outcome full = Run(reference);
        Assert.AreEqual(Appends, full.Committed.Count);
        int totalWrites = reference.WriteCount;
        int cases = 0;
        int tornRecordsDropped = 0;
        int inFlightSurvived = 0;

        foreach (int torn in TornAmounts)
        {
            for (int k = 0; k <= totalWrites; k++)
            {
                var store = new MemoryFileStore { TornBytesKept = torn };
                store.CutPowerAfterWrites(k);
                Outcome outcome = Run(store);
                Assert.AreEqual(k < totalWrites, store.IsPoweredOff, $"k={k}: the cut happened iff k is within the workload");
                store.Reboot();

                var journal = new TransactionJournal(store, new JournalSettings { Capacity = Capacity });
                Assert.AreEqual(JournalResult.Ok, journal.Open(), $"k={k} torn={torn}");
                long lastCommitted = outcome.Committed.Count == 0 ? 0 : outcome.Committed[^1].Sequence;
                string where = $"k={k} torn={torn}";

                // Nothing committed is lost; at most the in-flight record may additionally have survived whole.
                Assert.IsTrue(journal.LastSequence == lastCommitted || (outcome.InFlightSequence != 0 && journal.LastSequence == outcome.InFlightSequence), where + " last sequence");
                Assert.IsTrue(journal.AcknowledgedSequence >= outcome.AcknowledgedOk && journal.AcknowledgedSequence <= Math.Max(outcome.AcknowledgeAttempted, outcome.AcknowledgedOk), where + " acknowledgement");
                foreach (var (sequence, bytes) in outcome.Committed)
                {
                    if (sequence <= journal.AcknowledgedSequence)
                    {
                        continue;
                    }

                    var back = new JournalRecord();
                    Assert.IsTrue(journal.TryRead(sequence, back), $"{where} committed {sequence} readable");
                    var encoded = new byte[JournalRecord.Size];
                    back.Encode(encoded, 0);
                    CollectionAssert.AreEqual(bytes, encoded, $"{where} committed {sequence} intact");
                }

                if (outcome.InFlightSequence != 0)
                {
                    if (journal.LastSequence == outcome.InFlightSequence)
                    {
                        inFlightSurvived++;
                        var back = new JournalRecord();
                        Assert.IsTrue(journal.TryRead(outcome.InFlightSequence, back), where);
                    }
                    else
                    {
                        tornRecordsDropped++;
                    }
                }

                // The upload sees unique, increasing sequences covering exactly the pending range.
                var buffer = new byte[64 * JournalRecord.Size];
                int bytesRead = journal.ReadBatch(0, buffer, 0, buffer.Length, out long covered);
                Assert.AreEqual(journal.Depth * JournalRecord.Size, bytesRead, where + " every pending record readable");
                Assert.AreEqual(journal.LastSequence, covered, where);
                for (int i = 0; i < bytesRead / JournalRecord.Size; i++)
                {
                    Assert.AreEqual(journal.AcknowledgedSequence + 1 + i, JournalRecord.ReadSequence(buffer, i * JournalRecord.Size), where);
                }

                // And it keeps working: the next record gets the next sequence and survives another reboot.
                JournalRecord next = RecordFor(99);
                Assert.AreEqual(JournalResult.Ok, journal.Append(next), where);
                Assert.AreEqual(journal.LastSequence, next.Sequence);
                var again = new TransactionJournal(store, new JournalSettings { Capacity = Capacity });
                Assert.AreEqual(JournalResult.Ok, again.Open());
                Assert.AreEqual(next.Sequence, again.LastSequence, where + " after a second reboot");
                cases++;
            }
        }

        TestContext.WriteLine($"journal crash cases: {cases} (writes per workload {totalWrites} × {TornAmounts.Length} torn sizes); torn in-flight records dropped {tornRecordsDropped}, whole in-flight records kept {inFlightSurvived}");
        Assert.AreEqual(TornAmounts.Length * (totalWrites + 1), cases);
    }

    [TestMethod]
    public void PowerCutWhileAdoptingANewCapacityKeepsSequencesGoing()
    {
        int cases = 0;
        foreach (int torn in TornAmounts)
        {
            for (int k = 0; k <= 2; k++)
            {
                var store = new MemoryFileStore { TornBytesKept = torn };
                var journal = new TransactionJournal(store, new JournalSettings { Capacity = 4 });
                journal.Open();
                for (int n = 1; n <= 6; n++)
                {
                    journal.Append(RecordFor(n));
                    journal.Acknowledge(journal.LastSequence);
                }

                // Reboot with a bigger configured capacity: header rewrite then truncate (two writes), cut at k.
                store.CutPowerAfterWrites(k);
                new TransactionJournal(store, new JournalSettings { Capacity = 10 }).Open();
                store.Reboot();
                var again = new TransactionJournal(store, new JournalSettings { Capacity = 10 });
                Assert.AreEqual(JournalResult.Ok, again.Open());
                Assert.AreEqual(10, again.Capacity, $"k={k} torn={torn}");
                Assert.AreEqual(6L, again.LastSequence, $"k={k} torn={torn}");
                Assert.AreEqual(0, again.Depth);
                JournalRecord next = RecordFor(7);
                Assert.AreEqual(JournalResult.Ok, again.Append(next));
                Assert.AreEqual(7L, next.Sequence);
                var third = new TransactionJournal(store, new JournalSettings { Capacity = 10 });
                Assert.AreEqual(JournalResult.Ok, third.Open());
                Assert.AreEqual(7L, third.LastSequence, $"k={k} torn={torn}: after a second reboot");
                cases++;
            }
        }

        TestContext.WriteLine($"capacity change crash cases: {cases}");
    }
}

