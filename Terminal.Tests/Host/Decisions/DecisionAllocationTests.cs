using System;
using System.Linq;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Tests.Decisions;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Decisions;

/// <summary>The tap path allocates nothing: measured with GC.GetAllocatedBytesForCurrentThread over many decisions.</summary>
[TestClass]
public class DecisionAllocationTests
{
    public TestContext TestContext { get; set; }

    [TestMethod]
    [DataRow(TerminalMode.Restaurant)]
    [DataRow(TerminalMode.Vending)]
    public void DecisionsAllocateNothing(TerminalMode mode)
    {
        var store = new FixedFileStore();
        store.PreCreate("journal", "journal.ack", "counters", "list.seen");
        var terminal = new TestTerminal(mode, 8192);
        var journal = new TransactionJournal(store, new JournalSettings { Capacity = 8192 });
        var engine = new DecisionEngine(terminal.List, terminal.Clock, journal, store, terminal.Settings);
        Assert.AreEqual(JournalResult.Ok, journal.Open());
        Assert.IsTrue(engine.Start());
        terminal.Journal = journal;
        terminal.Engine = engine;
        terminal.Settings.RepeatTapSeconds = 2;
        terminal.Settings.Vending.CardDailyCapCents = 0;
        terminal.Settings.Vending.TerminalDailyCapCents = 0;
        var uids = new byte[600][];
        for (int i = 0; i < uids.Length; i++)
        {
            uids[i] = TestTerminal.Uid7(i);
            terminal.List.Add(uids[i], i % 10 == 9 ? CardState.Lost : CardState.Active, 10000 + i);
        }

        byte[] unknown = TestTerminal.Uid4(0x7E7E7E7E);

        void Round(int from, int count)
        {
            for (int i = from; i < from + count; i++)
            {
                byte[] uid = uids[i % uids.Length];
                terminal.Engine.Decide(uid, 0, uid.Length, 120, 4); // approval, or lost, or (second lap) meal already served
                terminal.Engine.Decide(uid, 0, uid.Length, 120, 4); // repeat tap
                terminal.Engine.Decide(unknown, 0, unknown.Length, 120, 4);
                terminal.Clock.Advance(3);
            }

            terminal.Engine.DecideReaderError();
            terminal.Journal.Acknowledge(terminal.Journal.LastSequence);
        }

        // Warm-up over two laps of the cards, so every path (approval, lost, already served, repeat, unknown,
        // reader error) has run and been jitted before measuring.
        Round(0, 1300);

        // Three measured windows: a per-decision allocation would show in every one; the minimum discards
        // one-off runtime work (tiered JIT, a background thread's side effects) that can land in a window.
        long[] windows = new long[3];
        for (int w = 0; w < windows.Length; w++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Round(1300 + w * 1000, 1000);
            windows[w] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        int decisions = 1000 * 3 + 1;
        long allocated = windows.Min();
        TestContext.WriteLine($"{mode}: {allocated} bytes allocated per window of {decisions} decisions ({(double)allocated / decisions:0.###} per decision; windows {string.Join(", ", windows)}); journal last sequence {terminal.Journal.LastSequence}, counters {terminal.Engine.Counters.Entries}");
        Assert.AreEqual(0L, allocated);
    }
}
