using System;
using System.Diagnostics;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Journal;

/// <summary>
/// Fuzzing of everything that reads flash written by an earlier boot: the journal's recovery and batch reader, the
/// acknowledgement slots, the counter log, and the record decoder. Inputs are random bytes and real files with
/// flipped bits, truncations, spliced and duplicated slots. Only clean results are acceptable: no exception, no
/// hang (work bounded by the file size), invariants intact, and the structures keep working afterwards.
/// </summary>
[TestClass]
public class JournalFuzzTests
{
    public TestContext TestContext { get; set; }

    private static JournalRecord Sample(Random random, int n)
    {
        var record = new JournalRecord();
        var uid = new byte[random.Next(2) == 0 ? 4 : 7];
        random.NextBytes(uid);
        record.SetUid(uid, 0, uid.Length);
        record.Approved = random.Next(2) == 0;
        record.AmountCents = random.Next(1000);
        record.HolderKey = random.Next();
        record.ClockSynced = true;
        record.UnixMilliseconds = 1_790_000_000_000L + n * 1000L;
        return record;
    }

    /// <summary>A real journal (and its acknowledgement file) after a random history.</summary>
    private static MemoryFileStore RealJournal(Random random, int capacity)
    {
        var store = new MemoryFileStore();
        var journal = new TransactionJournal(store, new JournalSettings { Capacity = capacity });
        journal.Open();
        int appends = random.Next(3 * capacity);
        for (int n = 0; n < appends; n++)
        {
            if (journal.Append(Sample(random, n)) == JournalResult.Full || random.Next(4) == 0)
            {
                journal.Acknowledge(journal.AcknowledgedSequence + 1 + random.Next(journal.Depth + 1));
            }
        }

        return store;
    }

    private static void Corrupt(Random random, MemoryFileStore store, string name)
    {
        byte[] bytes = store.Snapshot(name) ?? Array.Empty<byte>();
        switch (random.Next(7))
        {
            case 0: // random file of random length
                bytes = new byte[random.Next(3000)];
                random.NextBytes(bytes);
                break;
            case 1: // bit flips
                for (int i = random.Next(1, 8); i > 0 && bytes.Length > 0; i--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 2: // truncation anywhere
                Array.Resize(ref bytes, random.Next(bytes.Length + 1));
                break;
            case 3: // a slot copied over another (a stale duplicate)
                if (bytes.Length >= 32 + 128)
                {
                    int slots = (bytes.Length - 32) / 64;
                    Array.Copy(bytes, 32 + 64 * random.Next(slots), bytes, 32 + 64 * random.Next(slots), 64);
                }

                break;
            case 4: // random garbage appended
                int extra = random.Next(1, 200);
                Array.Resize(ref bytes, bytes.Length + extra);
                random.NextBytes(bytes.AsSpan(bytes.Length - extra));
                break;
            case 5: // a region zeroed (erased block)
                if (bytes.Length > 0)
                {
                    int start = random.Next(bytes.Length);
                    Array.Clear(bytes, start, random.Next(bytes.Length - start + 1));
                }

                break;
            default: // deleted
                store.Delete(name);
                return;
        }

        store.Delete(name);
        store.Append(name, bytes, 0, bytes.Length);
    }

    [TestMethod]
    public void JournalRecoveryAndBatchReadingSurviveCorruptFlash()
    {
        var random = new Random(20261126);
        int cases = 0;
        int rebuiltHeaders = 0;
        int skipped = 0;
        long maxReads = 0;
        var stopwatch = Stopwatch.StartNew();
        for (int c = 0; c < 3000; c++)
        {
            int capacity = 1 + random.Next(24);
            MemoryFileStore store = random.Next(10) == 0 ? new MemoryFileStore() : RealJournal(random, capacity);
            if (random.Next(10) < 8)
            {
                Corrupt(random, store, "journal");
            }

            if (random.Next(10) < 3)
            {
                Corrupt(random, store, "journal.ack");
            }

            int configured = random.Next(3) == 0 ? 1 + random.Next(24) : capacity;
            int fileBytes = Math.Max(0, store.Length("journal")) + Math.Max(0, store.Length("journal.ack"));
            store.ResetCounters();
            var journal = new TransactionJournal(store, new JournalSettings { Capacity = configured });
            Assert.AreEqual(JournalResult.Ok, journal.Open(), $"case {c}");
            maxReads = Math.Max(maxReads, store.ReadCount);
            Assert.IsTrue(store.ReadCount <= 4 + fileBytes / 64, $"case {c}: recovery reads bounded by the file size");
            if (journal.HeaderRebuiltAtOpen)
            {
                rebuiltHeaders++;
            }

            Assert.IsTrue(journal.Depth >= 0 && journal.Depth <= journal.Capacity, $"case {c}: depth {journal.Depth} capacity {journal.Capacity}");
            Assert.IsTrue(journal.AcknowledgedSequence <= journal.LastSequence, $"case {c}");

            // Draining the journal the way the sync client does terminates and yields increasing valid records.
            long previous = journal.AcknowledgedSequence;
            var buffer = new byte[5 * JournalRecord.Size];
            for (int round = 0; round < 1000 && journal.Depth > 0; round++)
            {
                int bytes = journal.ReadBatch(0, buffer, 0, buffer.Length, out long covered);
                Assert.IsTrue(bytes % JournalRecord.Size == 0 && covered > journal.AcknowledgedSequence, $"case {c}: progress");
                for (int at = 0; at < bytes; at += JournalRecord.Size)
                {
                    Assert.IsTrue(JournalRecord.IsValid(buffer, at, JournalRecord.Size), $"case {c}");
                    long sequence = JournalRecord.ReadSequence(buffer, at);
                    Assert.IsTrue(sequence > previous && sequence <= covered, $"case {c}: sequence order");
                    previous = sequence;
                }

                Assert.AreEqual(JournalResult.Ok, journal.Acknowledge(covered));
            }

            Assert.AreEqual(0, journal.Depth, $"case {c}: drained");
            skipped += journal.UnreadableRecordsSkipped;

            // It keeps working and remembers across a reboot.
            JournalRecord next = Sample(random, 1);
            Assert.AreEqual(JournalResult.Ok, journal.Append(next), $"case {c}");
            Assert.AreEqual(journal.LastSequence, next.Sequence);
            var again = new TransactionJournal(store, new JournalSettings { Capacity = configured });
            Assert.AreEqual(JournalResult.Ok, again.Open());
            Assert.AreEqual(next.Sequence, again.LastSequence, $"case {c}: after reboot");
            var back = new JournalRecord();
            Assert.IsTrue(again.TryRead(next.Sequence, back), $"case {c}");
            cases++;
        }

        TestContext.WriteLine($"journal fuzz cases: {cases} in {stopwatch.ElapsedMilliseconds} ms; headers rebuilt {rebuiltHeaders}; unreadable records skipped {skipped}; max reads in one recovery {maxReads}");
    }

    [TestMethod]
    public void CounterLogLoadSurvivesCorruptFlash()
    {
        var random = new Random(7);
        int cases = 0;
        int damaged = 0;
        for (int c = 0; c < 3000; c++)
        {
            var store = new MemoryFileStore();
            var ledger = new PeriodLedger(store, "counters", 16 + random.Next(64));
            ledger.BeginPeriod(1 + random.Next(1000), 0);
            int entries = random.Next(80);
            for (int i = 0; i < entries; i++)
            {
                ledger.AddUnflushed(random.Next(40), random.Next(500), i + 1);
                ledger.Flush();
            }

            Corrupt(random, store, "counters");
            int bytes = Math.Max(0, store.Length("counters"));
            store.ResetCounters();
            // An empty journal (its own files): the log alone is loaded, nothing is replayed.
            var journal = new TransactionJournal(store, new JournalSettings { FileName = "j", AcknowledgedFileName = "j.ack", Capacity = 8 });
            Assert.AreEqual(JournalResult.Ok, journal.Open());
            store.ResetCounters();
            var loaded = new PeriodLedger(store, "counters", 16 + random.Next(64));
            loaded.Load(journal, new JournalRecord());
            Assert.IsTrue(store.ReadCount <= 2 + bytes / 16, $"case {c}: bounded reads");
            damaged += loaded.DamagedEntriesAtLoad;
            Assert.IsTrue(loaded.Entries >= 0 && loaded.Entries <= bytes / 16, $"case {c}");

            // Lookups and further counting work; a reload agrees with the RAM view.
            if (loaded.PeriodKey == PeriodLedger.NoPeriod)
            {
                loaded.BeginPeriod(5, journal.LastSequence);
            }

            loaded.AddUnflushed(12345, 77, 200);
            loaded.Flush();
            loaded.Lookup(12345, out int count, out long amount);
            Assert.IsTrue(count >= 1 && amount >= 77, $"case {c}");
            var reloaded = new PeriodLedger(store, "counters", 1024);
            reloaded.Load(journal, new JournalRecord());
            reloaded.Lookup(12345, out int count2, out long amount2);
            Assert.AreEqual(count, count2, $"case {c}");
            Assert.AreEqual(amount, amount2, $"case {c}");
            Assert.AreEqual(loaded.TotalAmount, reloaded.TotalAmount, $"case {c}: totals");
            cases++;
        }

        TestContext.WriteLine($"counter log fuzz cases: {cases}; damaged entries skipped {damaged}");
    }

    [TestMethod]
    public void RecordDecoderRejectsRandomBytesCleanly()
    {
        var random = new Random(3);
        var buffer = new byte[JournalRecord.Size + 8];
        var record = new JournalRecord();
        int accepted = 0;
        int cases = 0;
        for (int c = 0; c < 200_000; c++)
        {
            random.NextBytes(buffer);
            if (c % 2 == 0)
            {
                buffer[0] = JournalRecord.FormatVersion; // get past the cheap checks to the CRC
                buffer[1] &= 0x07;
                buffer[20] %= 11;
            }

            if (record.Decode(buffer, random.Next(9), random.Next(JournalRecord.Size + 9)))
            {
                accepted++;
            }

            cases++;
        }

        Assert.IsFalse(record.Decode(null, 0, 64));
        Assert.IsFalse(record.Decode(buffer, -1, 64));
        TestContext.WriteLine($"record decoder fuzz cases: {cases}; accepted {accepted} (random bytes pass a CRC-32 about once in 4·10^9)");
        Assert.IsTrue(accepted <= 1);
    }
}
