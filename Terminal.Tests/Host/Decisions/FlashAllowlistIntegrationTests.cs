using System;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Tests.Decisions;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Decisions;

/// <summary>
/// The decision engine over the real flash allowlist (AllowlistStore fed by signed snapshot and delta through
/// ListUpdate) on the same store as the journal and counters: whole-tap storage figures and a card declared lost
/// through a delta.
/// </summary>
[TestClass]
public class FlashAllowlistIntegrationTests
{
    public TestContext TestContext { get; set; }

    private static readonly ListSigning SiteKey = global::LeoCarte.Terminal.Tests.Support.HostListKeys.Signing();

    internal static ListUpdateResult Apply(AllowlistStore list, byte[] signed)
    {
        var update = new ListUpdate(list, 76, global::LeoCarte.Terminal.Tests.Support.HostListKeys.Trust());
        update.Begin();
        ListUpdateResult result = update.Write(signed, 0, signed.Length);
        return result == ListUpdateResult.Ok ? update.Commit() : result;
    }

    [TestMethod]
    public void TapOverTheFlashAllowlistCostsAtMostTwoListReadsAndTwoWrites()
    {
        var store = new MemoryFileStore();
        var clock = new TestClock(TestTerminal.LunchUtc);
        var list = new AllowlistStore(store);
        list.Open();
        var entries = new ListEntry[5000];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = new ListEntry(TestTerminal.Uid7(i), i % 50 == 0 ? CardState.Stolen : CardState.Active, 100000 + i, 0);
        }

        long issued = (TestTerminal.LunchUtc.AddMinutes(-10).Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;
        Assert.AreEqual(ListUpdateResult.Ok, Apply(list, ListBuilder.BuildSnapshot(76, 1, issued, entries, SiteKey)));

        var journal = new TransactionJournal(store, new JournalSettings());
        Assert.AreEqual(JournalResult.Ok, journal.Open());
        var engine = new DecisionEngine(list, clock, journal, store, new DecisionSettings());
        Assert.IsTrue(engine.Start());
        engine.Decide(TestTerminal.Uid7(1), 0, 7, 0, 0); // first of the service: opens the period
        engine.FlushCounters();

        int maxReads = 0, maxWrites = 0, approvals = 0, denials = 0;
        for (int i = 2; i < 400; i++)
        {
            clock.Advance(11);
            byte[] uid = TestTerminal.Uid7(i * 7 % 6000); // some beyond the list: unknown cards
            store.ResetCounters();
            Decision d = engine.Decide(uid, 0, uid.Length, 0, 0);
            maxReads = Math.Max(maxReads, store.ReadCount);
            maxWrites = Math.Max(maxWrites, store.WriteCount);
            Assert.AreEqual(1, store.WriteCount, "approval or denial: its journal record (an approval's counter entry is written behind it)");
            bool approved = d.Approved;
            store.ResetCounters();
            Assert.IsTrue(engine.FlushCounters(), "the tap loop's idle flush");
            Assert.AreEqual(approved ? 1 : 0, store.WriteCount, "idle: the approval's counter entry, after the decision");
            Assert.AreEqual(0, store.ReadCount, "the flush reads nothing");
            if (d.Approved)
            {
                approvals++;
            }
            else
            {
                denials++;
            }
        }

        TestContext.WriteLine($"flash allowlist of {entries.Length} cards: {approvals} approvals, {denials} denials; at most {maxReads} storage reads and {maxWrites} writes per tap (list lookup + journal record; an approval's counter entry is written by the idle flush after the decision)");
        Assert.IsTrue(maxReads <= 2, "storage reads per tap: the list lookup only (counters and journal are written, not read)");

        // The card office declares card 42 lost: a signed delta, then the next tap is refused.
        byte[] lost = TestTerminal.Uid7(42);
        var delta = ListBuilder.BuildDelta(76, 2, 1, issued + 600, new[] { new ListEntry(lost, CardState.Lost, 100042, 0) }, SiteKey);
        Assert.AreEqual(ListUpdateResult.Ok, Apply(list, delta));
        engine.NoteListConfirmed();
        clock.Advance(11);
        Decision refused = engine.Decide(lost, 0, lost.Length, 0, 0);
        Assert.AreEqual(ReasonCode.Lost, refused.Reason);
        Assert.AreEqual(2L, refused.ListVersion);
        var record = new JournalRecord();
        Assert.IsTrue(journal.TryRead(refused.JournalSequence, record));
        Assert.AreEqual(2L, record.ListVersion);
        Assert.AreEqual((byte)ReasonCode.Lost, record.Reason);
    }
}
