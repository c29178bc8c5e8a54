using System;
using LeoCarte.Terminal.Bytes;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Tests.Decisions;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Decisions;

/// <summary>
/// Write-behind of the counter log (DecisionEngine.WriteBehind.cs): one flash write per approval in the tap path, the
/// counter entry flushed after it, the journal replayed at boot. Power cuts at every write of the unsynced-clock
/// adoption and of the boot replay itself, the ring rule (an unflushed approval's record is never overwritten), a
/// failing counter file, and terminals upgraded from the previous format ("LCCT", entry written before its record).
/// The lunch and vending workloads with cuts at every write are CounterCrashTests.
/// </summary>
[TestClass]
public class CounterWriteBehindTests
{
    public TestContext TestContext { get; set; }

    private static readonly int[] TornAmounts = { 0, 8, 15, 16, 63 };

    /// <summary>The counter file behind a switch that makes its writes fail (flash error), the journal's untouched.</summary>
    private sealed class FailingCounterStore : IFileStore
    {
        private readonly IFileStore inner;
        public bool FailWrites;

        public FailingCounterStore(IFileStore inner)
        {
            this.inner = inner;
        }

        public int Length(string name) => inner.Length(name);

        public int Read(string name, int position, byte[] buffer, int offset, int count) => inner.Read(name, position, buffer, offset, count);

        public void Append(string name, byte[] data, int offset, int count)
        {
            Fail();
            inner.Append(name, data, offset, count);
        }

        public void Write(string name, int position, byte[] data, int offset, int count)
        {
            Fail();
            inner.Write(name, position, data, offset, count);
        }

        public void Truncate(string name, int length)
        {
            Fail();
            inner.Truncate(name, length);
        }

        public void Replace(string source, string target) => inner.Replace(source, target);

        public void Delete(string name) => inner.Delete(name);

        private void Fail()
        {
            if (FailWrites)
            {
                throw new InvalidOperationException("flash write failed");
            }
        }
    }

    private static TestTerminal Lunch(int journalCapacity, int holders)
    {
        var t = new TestTerminal(TerminalMode.Restaurant, journalCapacity);
        for (int i = 0; i < holders; i++)
        {
            t.List.Add(TestTerminal.Uid7(300 + i), CardState.Active, 3000 + i);
        }

        return t;
    }

    private static int Meals(TestTerminal t, int holder)
    {
        t.Engine.Counters.Lookup(holder, out int count, out _);
        return count;
    }

    [TestMethod]
    public void AnApprovalCostsOneWriteAndItsEntryFollowsWhenIdle()
    {
        TestTerminal t = Lunch(64, 3);
        Assert.IsTrue(t.Tap(TestTerminal.Uid7(300)).Approved); // opens the period
        Assert.IsTrue(t.Engine.FlushCounters());
        int logBefore = t.Store.Length("counters");

        t.Store.ResetCounters();
        Decision d = t.Tap(TestTerminal.Uid7(301));
        Assert.IsTrue(d.Approved);
        Assert.AreEqual(1, t.Store.WriteCount, "tap to decision: the journal record only");
        Assert.AreEqual(logBefore, t.Store.Length("counters"), "the counter entry is not written yet");
        Assert.IsTrue(t.Engine.Counters.HasUnflushed);
        Assert.AreEqual(1, Meals(t, 3001), "counted in RAM at once: a second tap is refused");
        t.Clock.Advance(30);
        Assert.AreEqual(ReasonCode.MealAlreadyServed, t.Tap(TestTerminal.Uid7(301)).Reason);

        t.Store.ResetCounters();
        Assert.IsTrue(t.Engine.FlushCounters());
        Assert.AreEqual(1, t.Store.WriteCount, "the idle flush: one 16-byte write");
        Assert.AreEqual(0, t.Store.ReadCount);
        Assert.AreEqual(logBefore + PeriodLedger.EntrySize, t.Store.Length("counters"));
        Assert.IsFalse(t.Engine.Counters.HasUnflushed);
        t.Store.ResetCounters();
        Assert.IsTrue(t.Engine.FlushCounters());
        Assert.AreEqual(0, t.Store.WriteCount, "nothing left to flush");
        TestContext.WriteLine($"approval: 1 write to decision; idle flush: 1 write of {PeriodLedger.EntrySize} B, 0 reads (moved after the decision)");
    }

    [TestMethod]
    public void BackToBackApprovalsKeepAtMostOneUnflushed()
    {
        TestTerminal t = Lunch(64, 4);
        Assert.IsTrue(t.Tap(TestTerminal.Uid7(300)).Approved);
        t.Store.ResetCounters();
        Assert.IsTrue(t.Tap(TestTerminal.Uid7(301)).Approved);
        Assert.AreEqual(2, t.Store.WriteCount, "no idle iteration between: the previous entry, then this record");
        Assert.IsTrue(t.Engine.Counters.HasUnflushed);
        Assert.AreEqual(t.Journal.LastSequence, t.Engine.Counters.UnflushedSequence);

        // Power cut now: the log has 300, the journal has 301; boot replays it, once, and logs it.
        t.Store.Reboot();
        Assert.IsTrue(t.Boot());
        Assert.AreEqual(1, t.Engine.Counters.ApprovalsReplayedAtLoad);
        Assert.AreEqual(2, t.Engine.Counters.Entries);
        Assert.IsTrue(t.Boot());
        Assert.AreEqual(0, t.Engine.Counters.ApprovalsReplayedAtLoad, "a second boot finds it in the log: never counted twice");
        Assert.AreEqual(2, t.Engine.Counters.Entries);
        Assert.AreEqual(1, Meals(t, 3000));
        Assert.AreEqual(1, Meals(t, 3001));
    }

    [TestMethod]
    public void AFailedFlushDeniesTheNextApprovalAndLosesNothing()
    {
        var t = Lunch(64, 3);
        var counters = new FailingCounterStore(t.Store);
        t.Engine = new DecisionEngine(t.List, t.Clock, t.Journal, counters, t.Settings);
        Assert.IsTrue(t.Engine.Start());
        Assert.IsTrue(t.Tap(TestTerminal.Uid7(300)).Approved);

        counters.FailWrites = true;
        Assert.IsFalse(t.Engine.FlushCounters(), "the idle flush reports the failure");
        Decision d = t.Tap(TestTerminal.Uid7(301));
        Assert.AreEqual(ReasonCode.StorageError, d.Reason, "a second approval would leave two unflushed");
        Assert.IsTrue(d.Journaled, "the denial is journaled (the journal works)");
        Assert.AreEqual(1, t.Engine.Counters.Entries);

        counters.FailWrites = false;
        Assert.IsTrue(t.Engine.FlushCounters(), "retried at the next idle iteration");
        t.Clock.Advance(15);
        Assert.IsTrue(t.Tap(TestTerminal.Uid7(301)).Approved);
        t.Store.Reboot();
        Assert.IsTrue(t.Boot());
        Assert.AreEqual(1, Meals(t, 3000));
        Assert.AreEqual(1, Meals(t, 3001));
        Assert.AreEqual(2, t.Engine.Counters.Entries);
    }

    /// <summary>
    /// The proof in DecisionEngine.WriteBehind.cs, exercised: a journal of 4 slots, every record acknowledged at once
    /// (so any slot may be reused), an unflushed approval then denials only. The append that would reuse the
    /// approval's slot flushes its entry first; when that flush is cut, the denial is not journaled, and the record is
    /// still there for the boot replay.
    /// </summary>
    [TestMethod]
    public void RingNeverOverwritesTheUnflushedApproval()
    {
        const int Capacity = 4;
        int cases = 0;
        for (int cutAt = -1; cutAt < 12; cutAt++)
        {
            TestTerminal t = Lunch(Capacity, 2);
            Assert.IsTrue(t.Tap(TestTerminal.Uid7(300)).Approved);
            t.Engine.FlushCounters();
            Decision approved = t.Tap(TestTerminal.Uid7(301));
            Assert.IsTrue(approved.Approved);
            long s = approved.JournalSequence;
            Assert.AreEqual(JournalResult.Ok, t.Journal.Acknowledge(s));
            t.Store.ResetCounters();
            if (cutAt >= 0)
            {
                t.Store.CutPowerAfterWrites(cutAt);
            }

            for (int i = 0; i < 2 * Capacity && !t.Store.IsPoweredOff; i++)
            {
                t.Clock.Advance(1);
                Decision denial = t.Tap(TestTerminal.Uid4(0x7E570000 + i)); // unknown cards
                if (t.Store.IsPoweredOff)
                {
                    break;
                }

                Assert.AreEqual(ReasonCode.UnknownCard, denial.Reason);
                if (t.Engine.Counters.HasUnflushed)
                {
                    Assert.IsTrue(t.Journal.LastSequence < s + Capacity, $"cut {cutAt}: the unflushed record {s} is still in the ring");
                    Assert.IsTrue(t.Journal.TryRead(s, new JournalRecord()), $"cut {cutAt}: and readable");
                }
                else
                {
                    Assert.IsTrue(t.Journal.LastSequence >= s + Capacity - 1, $"cut {cutAt}: flushed only when its slot was next");
                }

                if (t.Journal.Acknowledge(t.Journal.LastSequence) != JournalResult.Ok)
                {
                    Assert.IsTrue(t.Store.IsPoweredOff, $"cut {cutAt}: only a power cut fails the acknowledgement");
                }
            }

            t.Store.Reboot();
            t.Clock.Advance(60);
            Assert.IsTrue(t.Boot(), $"cut {cutAt}: boot");
            Assert.AreEqual(1, Meals(t, 3001), $"cut {cutAt}: the approval counted exactly once after the reboot");
            Assert.AreEqual(ReasonCode.MealAlreadyServed, t.Tap(TestTerminal.Uid7(301)).Reason, $"cut {cutAt}");
            cases++;
        }

        TestContext.WriteLine($"ring rule cases: {cases} (journal of {Capacity} slots, every record acknowledged, cut at each write of the denials that follow an unflushed approval)");
    }

    /// <summary>
    /// Boot reads at most <see cref="PeriodLedger.ReplayWindow"/> journal records, however many denials followed the
    /// last approval: the 16th record after an unflushed approval flushes it first (when no idle iteration came between).
    /// </summary>
    [TestMethod]
    public void ReplayWindowBoundsTheBootReads()
    {
        TestTerminal t = Lunch(256, 2);
        Decision first = t.Tap(TestTerminal.Uid7(300));
        Assert.IsTrue(first.Approved);
        long firstSequence = first.JournalSequence; // the Decision object is reused by the next decision
        int denials = 0;
        while (t.Engine.Counters.HasUnflushed)
        {
            t.Clock.Advance(1);
            t.Store.ResetCounters();
            Assert.AreEqual(ReasonCode.UnknownCard, t.Tap(TestTerminal.Uid4(0x7E570000 + denials)).Reason);
            denials++;
            Assert.IsTrue(denials < 100);
        }

        Assert.AreEqual(PeriodLedger.ReplayWindow, denials, "flushed by the append that would leave the window: the 16th record after it");
        Assert.AreEqual(2, t.Store.WriteCount, "that denial: the counter entry, then its record");
        Assert.AreEqual(firstSequence + PeriodLedger.ReplayWindow, t.Journal.LastSequence);

        // An unflushed approval followed by many denials would break that rule only by a cut: then boot replays it.
        Decision second = t.Tap(TestTerminal.Uid7(301));
        Assert.IsTrue(second.Approved);
        for (int i = 0; i < 200; i++)
        {
            t.Clock.Advance(1);
            t.Tap(TestTerminal.Uid4(0x7E580000 + i));
        }

        t.Store.Reboot();
        t.Store.ResetCounters();
        Assert.IsTrue(t.Boot());
        int readsAtBoot = t.Engine.Counters.RecordsReadAtLoad;
        Assert.IsTrue(readsAtBoot <= PeriodLedger.ReplayWindow, $"{readsAtBoot} records read at boot");
        Assert.AreEqual(0, t.Engine.Counters.ApprovalsReplayedAtLoad, "both approvals were flushed by the window rule");
        Assert.AreEqual(1, Meals(t, 3000));
        Assert.AreEqual(1, Meals(t, 3001));

        Decision third = t.Tap(TestTerminal.Uid7(300)); // a denial: already served
        Assert.AreEqual(ReasonCode.MealAlreadyServed, third.Reason);
        t.List.Add(TestTerminal.Uid7(302), CardState.Active, 3002);
        Assert.IsTrue(t.Tap(TestTerminal.Uid7(302)).Approved);
        for (int i = 0; i < 10; i++)
        {
            t.Clock.Advance(1);
            t.Tap(TestTerminal.Uid4(0x7E590000 + i));
        }

        t.Store.Reboot();
        Assert.IsTrue(t.Boot());
        Assert.AreEqual(1, t.Engine.Counters.ApprovalsReplayedAtLoad, "the unflushed approval, 10 records back, is replayed");
        Assert.IsTrue(t.Engine.Counters.RecordsReadAtLoad <= PeriodLedger.ReplayWindow);
        Assert.AreEqual(1, Meals(t, 3002));
        TestContext.WriteLine($"boot after 200 denials following the last approval: {readsAtBoot} journal records read (window {PeriodLedger.ReplayWindow}); an approval is flushed by the {PeriodLedger.ReplayWindow}th record after it when no idle iteration came between");
    }

    /// <summary>
    /// Meals served on an unsynced clock (unknown period) are adopted by the first synced service; adoption flushes
    /// the unflushed one first. Power cut at every write of: two unsynced approvals, the sync, a third approval (adopt:
    /// flush + header + record), the idle flush; then at every write of the boot that follows (replay entry, header).
    /// </summary>
    [TestMethod]
    public void PowerCutAtEveryWriteOfAdoptionAndOfTheBootReplay()
    {
        int cases = 0;
        int secondCuts = 0;
        foreach (int torn in TornAmounts)
        {
            for (int k = 0; k < 40; k++)
            {
                TestTerminal t = Lunch(16, 3);
                t.Store.TornBytesKept = torn;
                t.Clock.Synced = false;
                t.Store.CutPowerAfterWrites(k);
                var returned = new bool[3];
                long inFlight = 0;
                for (int i = 0; i < 3 && !t.Store.IsPoweredOff; i++)
                {
                    if (i == 2)
                    {
                        t.Clock.Synced = true;
                    }

                    t.Clock.Advance(20);
                    inFlight = t.Journal.NextSequence;
                    Decision d = t.Tap(TestTerminal.Uid7(300 + i));
                    if (t.Store.IsPoweredOff)
                    {
                        Assert.IsFalse(d.Approved, $"k={k}: nothing approved whose record was cut");
                        break;
                    }

                    inFlight = 0;
                    Assert.IsTrue(d.Approved, $"k={k} tap {i}");
                    returned[i] = true;
                }

                if (!t.Store.IsPoweredOff)
                {
                    t.Engine.FlushCounters();
                }

                bool completed = !t.Store.IsPoweredOff;

                // Reboot on a synced clock, with a second cut at each write of that boot's recovery.
                for (int second = 0; ; second++)
                {
                    t.Store.Reboot();
                    t.Clock.Synced = true;
                    t.Store.CutPowerAfterWrites(second);
                    bool booted = t.Boot();
                    bool cutInBoot = t.Store.IsPoweredOff;
                    t.Store.Reboot();
                    if (!cutInBoot)
                    {
                        Assert.IsTrue(booted, $"k={k} second={second}");
                        break;
                    }

                    secondCuts++;
                }

                Assert.IsTrue(t.Boot());
                for (int i = 0; i < 3; i++)
                {
                    bool inJournal = returned[i];
                    if (!returned[i] && inFlight != 0)
                    {
                        var record = new JournalRecord();
                        inJournal = t.Journal.TryRead(inFlight, record) && record.Approved && record.HolderKey == 3000 + i;
                    }

                    // The synced lunch adopted the unknown period, or will at the next tap: its counters are the lunch's.
                    Assert.AreEqual(inJournal ? 1 : 0, Meals(t, 3000 + i), $"k={k} torn={torn} holder {i} (completed {completed})");
                }

                t.Clock.Advance(60);
                for (int i = 0; i < 3; i++)
                {
                    ReasonCode expected = Meals(t, 3000 + i) == 1 ? ReasonCode.MealAlreadyServed : ReasonCode.Approved;
                    Decision again = t.Tap(TestTerminal.Uid7(300 + i));
                    Assert.AreEqual(expected, again.Reason, $"k={k} holder {i}: served once, never twice, never refused unserved");
                    t.Clock.Advance(1);
                }

                Assert.IsTrue(t.Engine.Counters.PeriodKey > 0, $"k={k}: in the synced lunch period");
                cases++;
                if (completed)
                {
                    break;
                }
            }
        }

        TestContext.WriteLine($"adoption crash cases: {cases} ({TornAmounts.Length} torn sizes), with {secondCuts} further cuts during the boot recovery");
    }

    /// <summary>
    /// A terminal upgraded in the field: its counter file is in the previous format ("LCCT", reserved 0, each entry
    /// written BEFORE its journal record), possibly with the newest entry uncommitted (its record never written). The
    /// first boot counts exactly the journaled meals, rewrites the header ("LCCW", base = last journal sequence);
    /// later boots and the write-behind that follows neither lose nor double a count — with a cut at every write.
    /// </summary>
    [TestMethod]
    public void UpgradeFromTheEntryFirstFormatKeepsEveryCountOnce()
    {
        int cases = 0;
        foreach (bool uncommittedNewest in new[] { false, true })
        {
            foreach (int torn in TornAmounts)
            {
                for (int k = 0; ; k++)
                {
                    TestTerminal t = Lunch(16, 4);
                    for (int i = 0; i < 3; i++)
                    {
                        Assert.IsTrue(t.Tap(TestTerminal.Uid7(300 + i)).Approved);
                        Assert.IsTrue(t.Engine.FlushCounters());
                    }

                    MakeEntryFirstFormat(t.Store, uncommittedNewest ? t.Journal.NextSequence : 0, 3003);
                    t.Store.TornBytesKept = torn;
                    t.Store.CutPowerAfterWrites(k);
                    bool booted = t.Boot();
                    bool cut = t.Store.IsPoweredOff;
                    if (!cut)
                    {
                        Assert.IsTrue(booted);
                        Assert.AreEqual(uncommittedNewest ? 1 : 0, t.Engine.Counters.UncommittedEntriesDropped);
                        Assert.IsTrue(t.Engine.Counters.HeaderRewrittenAtLoad, "upgraded");
                        t.Clock.Advance(20);
                        Decision fourth = t.Tap(TestTerminal.Uid7(303));
                        cut = t.Store.IsPoweredOff;
                        if (!cut)
                        {
                            Assert.AreEqual(ReasonCode.Approved, fourth.Reason, $"k={k}: the uncommitted meal was never served: approved now");
                        }
                    }

                    t.Store.Reboot();
                    Assert.IsTrue(t.Boot(), $"k={k}");
                    Assert.IsFalse(t.Engine.Counters.HeaderRewrittenAtLoad && !cut, "upgraded once");
                    for (int i = 0; i < 3; i++)
                    {
                        Assert.AreEqual(1, Meals(t, 3000 + i), $"k={k} torn={torn}: journaled meal {i} counted once");
                    }

                    var last = new JournalRecord();
                    bool fourthJournaled = t.Journal.TryRead(t.Journal.LastSequence, last) && last.Approved && last.HolderKey == 3003;
                    Assert.AreEqual(fourthJournaled ? 1 : 0, Meals(t, 3003), $"k={k} torn={torn}: the fourth meal counted iff journaled");
                    cases++;
                    if (!cut)
                    {
                        break;
                    }
                }
            }
        }

        TestContext.WriteLine($"format upgrade cases: {cases}");
    }

    /// <summary>Rewrites the counter file as the previous format wrote it, optionally with an uncommitted newest entry.</summary>
    private static void MakeEntryFirstFormat(MemoryFileStore store, long uncommittedSequence, int uncommittedHolder)
    {
        byte[] header = new byte[PeriodLedger.HeaderSize];
        Assert.AreEqual(PeriodLedger.HeaderSize, store.Read("counters", 0, header, 0, header.Length));
        Assert.AreEqual((byte)'W', header[3]);
        header[3] = (byte)'T';
        LittleEndian.WriteInt32(header, 8, 0);
        LittleEndian.WriteUInt32(header, 12, Crc32.Compute(header, 0, 12));
        store.Write("counters", 0, header, 0, header.Length);
        if (uncommittedSequence != 0)
        {
            byte[] entry = new byte[PeriodLedger.EntrySize];
            LittleEndian.WriteInt32(entry, 0, uncommittedHolder);
            LittleEndian.WriteInt32(entry, 4, 100);
            LittleEndian.WriteUInt32(entry, 8, (uint)uncommittedSequence);
            LittleEndian.WriteUInt32(entry, 12, Crc32.Compute(entry, 0, 12));
            store.Write("counters", store.Length("counters"), entry, 0, entry.Length);
        }
    }

    /// <summary>A new service while an approval is unflushed: its entry is dropped with the old period, never replayed into the new one.</summary>
    [TestMethod]
    public void ANewPeriodDropsTheUnflushedApprovalOfTheOldOne()
    {
        TestTerminal t = Lunch(64, 2);
        Assert.IsTrue(t.Tap(TestTerminal.Uid7(300)).Approved);
        Assert.IsTrue(t.Engine.Counters.HasUnflushed);
        t.Clock.Advance(7 * 3600); // 19:30 Paris: dinner
        t.Engine.PreparePeriod();
        Assert.IsFalse(t.Engine.Counters.HasUnflushed);
        Assert.AreEqual(0, t.Engine.Counters.Entries);
        t.Store.Reboot();
        Assert.IsTrue(t.Boot());
        Assert.AreEqual(0, t.Engine.Counters.ApprovalsReplayedAtLoad, "the lunch record is not counted in the dinner");
        Assert.AreEqual(0, t.Engine.Counters.Entries);
        Assert.IsTrue(t.Tap(TestTerminal.Uid7(300)).Approved, "dinner is a new meal");
    }
}
