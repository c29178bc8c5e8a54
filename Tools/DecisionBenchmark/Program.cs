using System;
using System.Diagnostics;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Tests.Decisions;
using LeoCarte.Terminal.Tests.Host.Decisions;

namespace LeoCarte.Tools.DecisionBenchmark;

/// <summary>
/// Decision engine and journal figures, printed (never asserted on time): allocation per decision, storage calls
/// per tap, flash bytes per record, boot recovery reads, and modeled device time per shared/design/cost-model.md.
/// The allowlist lookup is excluded (an in-RAM test allowlist stands behind IAllowlist here); the allowlist store's
/// own benchmark prints its reads per lookup (target ≤ 2), added below as a parameter.
/// </summary>
public static class Program
{
    // shared/design/cost-model.md: "flash storage read (small record, nanoFramework file API) 1 ms (assumption)".
    private const double FlashReadMs = 1.0;

    // Not in the cost model: a small write (append/overwrite ≤ 64 B + flush) on the ESP32's internal flash through
    // nanoFramework's file API. Assumed 2× a read until a device measurement exists.
    private const double FlashWriteMs = 2.0;

    // The allowlist store's target (issue 4): at most two storage reads per lookup.
    private const int AllowlistReadsPerLookup = 2;

    public static int Main()
    {
        Console.WriteLine("LéoCarte decision engine + journal benchmark");
        Console.WriteLine($"cost parameters: flash read {FlashReadMs} ms (cost-model.md, assumption), flash write {FlashWriteMs} ms (assumption, not in cost-model.md), allowlist lookup {AllowlistReadsPerLookup} reads (allowlist target)");
        Console.WriteLine();

        Allocation(TerminalMode.Restaurant);
        Allocation(TerminalMode.Vending);
        Console.WriteLine();
        StorageCallsPerTap();
        Console.WriteLine();
        FlashAllowlistTaps(100_000, 600);
        FlashAllowlistTaps(100_000, 100_000);
        Console.WriteLine();
        Recovery(4096);
        Upload(4096);
        return 0;
    }

    private static (TestTerminal Terminal, FixedFileStore Store) Make(TerminalMode mode, int capacity)
    {
        var store = new FixedFileStore();
        store.PreCreate("journal", "journal.ack", "counters", "list.seen");
        var terminal = new TestTerminal(mode, capacity);
        terminal.Settings.Vending.CardDailyCapCents = 0;
        terminal.Settings.Vending.TerminalDailyCapCents = 0;
        terminal.Journal = new TransactionJournal(store, new JournalSettings { Capacity = capacity });
        terminal.Engine = new DecisionEngine(terminal.List, terminal.Clock, terminal.Journal, store, terminal.Settings);
        terminal.Journal.Open();
        terminal.Engine.Start();
        return (terminal, store);
    }

    private static void Allocation(TerminalMode mode)
    {
        var (t, _) = Make(mode, 16384);
        var uids = new byte[700][];
        for (int i = 0; i < uids.Length; i++)
        {
            uids[i] = TestTerminal.Uid7(i);
            t.List.Add(uids[i], i % 10 == 9 ? CardState.Stolen : CardState.Active, 20000 + i);
        }

        byte[] unknown = TestTerminal.Uid4(0x7F7F7F7F);
        int decisions = 0;
        int approvals = 0;
        void Run(int count)
        {
            for (int i = 0; i < count; i++)
            {
                byte[] uid = uids[i % uids.Length];
                if (t.Engine.Decide(uid, 0, uid.Length, 150, 7).Approved)
                {
                    approvals++;
                }

                t.Engine.Decide(uid, 0, uid.Length, 150, 7);
                t.Engine.Decide(unknown, 0, unknown.Length, 150, 7);
                decisions += 3;
                t.Clock.Advance(4);
                if (i % 50 == 49)
                {
                    t.Journal.Acknowledge(t.Journal.LastSequence);
                }
            }
        }

        Run(100);
        decisions = 0;
        approvals = 0;
        var stopwatch = Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(3000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        stopwatch.Stop();
        Console.WriteLine($"{mode,-10} allocated bytes per decision: {(double)allocated / decisions:0.###} ({allocated} B over {decisions} decisions, {approvals} approvals; host time {stopwatch.Elapsed.TotalMilliseconds * 1000 / decisions:0.0} µs per decision, informational)");
    }

    private static void StorageCallsPerTap()
    {
        var (t, store) = Make(TerminalMode.Restaurant, 4096);
        byte[] a = TestTerminal.Uid7(1);
        byte[] b = TestTerminal.Uid7(2);
        byte[] stolen = TestTerminal.Uid7(3);
        t.List.Add(a, CardState.Active, 1);
        t.List.Add(b, CardState.Active, 2);
        t.List.Add(stolen, CardState.Stolen, 3);

        Console.WriteLine("storage calls per tap (decision + counters + journal; allowlist lookup excluded):");
        Console.WriteLine($"  {"case",-62} {"reads",5} {"writes",6} {"length",6} {"bytes written",13} {"modeled ms",10}");
        Measure(store, "first approval of a service (new period)", () => t.Tap(a));
        Measure(store, "idle flush after it (counter entry, after the decision)", () => t.Engine.FlushCounters());
        t.Clock.Advance(30);
        Measure(store, "approved meal", () => t.Tap(b));
        Measure(store, "idle flush after it (counter entry, after the decision)", () => t.Engine.FlushCounters());
        t.Clock.Advance(30);
        Measure(store, "denied (stolen), journaled", () => t.Tap(stolen));
        t.Clock.Advance(30);
        Measure(store, "denied (meal already served), journaled", () => t.Tap(a));
        Measure(store, "sync: acknowledge a batch", () => t.Journal.Acknowledge(t.Journal.LastSequence));

        var (v, vstore) = Make(TerminalMode.Vending, 4096);
        v.List.Add(a, CardState.Active, 1);
        v.Sell(a, 100, 1);
        v.Engine.FlushCounters();
        v.Clock.Advance(30);
        Measure(vstore, "vending sale approved (caps checked in RAM)", () => v.Sell(a, 120, 2));

        // Overflowed counters: more holders than the RAM table keeps (¾ of 16 slots = 12): lookups scan flash.
        var (o, ostore) = Make(TerminalMode.Restaurant, 4096);
        o.Settings.RepeatTapSeconds = 0;
        var small = new DecisionEngine(o.List, o.Clock, o.Journal, ostore, new DecisionSettings { CounterTableSlots = 16, CounterFileName = "counters2" });
        small.Start();
        for (int i = 0; i < 40; i++)
        {
            byte[] uid = TestTerminal.Uid7(100 + i);
            o.List.Add(uid, CardState.Active, 100 + i);
            small.Decide(uid, 0, uid.Length, 0, 0);
            small.FlushCounters(); // the tap loop's idle iteration
        }

        byte[] late = TestTerminal.Uid7(999);
        o.List.Add(late, CardState.Active, 999);
        Measure(ostore, "new holder, RAM table overflowed (40 holders, 16 slots)", () => small.Decide(late, 0, late.Length, 0, 0));
        byte[] flashOnly = TestTerminal.Uid7(139);
        o.Clock.Advance(30);
        Measure(ostore, "flash-only holder again (log scan of 41 entries)", () => small.Decide(flashOnly, 0, flashOnly.Length, 0, 0));

        Console.WriteLine($"  journal bytes per record: {JournalRecord.Size} (flash and wire); counter bytes per approval: {PeriodLedger.EntrySize}; flash per approved meal: {JournalRecord.Size + PeriodLedger.EntrySize} B, per denial: {JournalRecord.Size} B");
        Console.WriteLine($"  modeled tap storage time incl. allowlist ({AllowlistReadsPerLookup} reads): approved {AllowlistReadsPerLookup * FlashReadMs + FlashWriteMs:0.0} ms (+{FlashWriteMs:0.0} ms for its counter entry at the next idle iteration, or at the next approval when none came between), denied {AllowlistReadsPerLookup * FlashReadMs + FlashWriteMs:0.0} ms");
    }

    private static void Measure(FixedFileStore store, string label, Func<object> action)
    {
        store.ResetCounters();
        object result = action();
        string outcome = result is Decision d ? $" [{d.Reason}]" : string.Empty;
        double modeled = store.ReadCount * FlashReadMs + store.WriteCount * FlashWriteMs;
        Console.WriteLine($"  {label + outcome,-62} {store.ReadCount,5} {store.WriteCount,6} {store.LengthCount,6} {store.BytesWritten,13} {modeled,10:0.0}");
    }

    private static void Measure(FixedFileStore store, string label, Func<JournalResult> action) => Measure(store, label, () => (object)action());

    /// <summary>Whole taps over the real flash allowlist (AllowlistStore) on the same store as journal and counters.</summary>
    private static void FlashAllowlistTaps(int cards, int customers)
    {
        var store = new FixedFileStore();
        store.PreCreate("journal", "journal.ack", "counters", "list.seen");
        var clock = new TestClock(TestTerminal.LunchUtc);
        var list = new AllowlistStore(store);
        list.Open();
        var entries = new ListEntry[cards];
        for (int i = 0; i < cards; i++)
        {
            entries[i] = new ListEntry(TestTerminal.Uid7(i), i % 50 == 0 ? CardState.Lost : CardState.Active, 1_000_000 + i, 0);
        }

        var keys = new StandInListKeys(1, 0x42); // the decision benchmark is about taps: the list's signature is not measured here
        long issued = (TestTerminal.LunchUtc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;
        byte[] snapshot = ListBuilder.BuildSnapshot(1, 1, issued, entries, keys.Signing(1));
        var update = new ListUpdate(list, 1, keys.Trust());
        update.Begin();
        update.Write(snapshot, 0, snapshot.Length);
        ListUpdateResult applied = update.Commit();
        var journal = new TransactionJournal(store, new JournalSettings { Capacity = 16384 });
        journal.Open();
        var settings = new DecisionSettings { Mode = TerminalMode.Vending };
        settings.Vending.CardDailyCapCents = 0;
        settings.Vending.TerminalDailyCapCents = 0;
        var engine = new DecisionEngine(list, clock, journal, store, settings);
        engine.Start();
        var random = new Random(1);
        var uid = new byte[7];
        int maxReads = 0, reads = 0, writes = 0, lengths = 0, approvals = 0, taps = 0;
        void Run(int count, bool measure)
        {
            for (int i = 0; i < count; i++)
            {
                int pick = random.Next(customers + customers / 20); // 1 in 21 unknown
                int n = pick < customers ? pick * (cards / customers) : cards + pick;
                uid[0] = 0x04; // same bytes as TestTerminal.Uid7(n), written in place: the loop itself allocates nothing
                uid[1] = (byte)(n >> 16);
                uid[2] = (byte)(n >> 8);
                uid[3] = (byte)n;
                uid[4] = 0x5A;
                uid[5] = 0x6B;
                uid[6] = 0x80;
                store.ResetCounters();
                Decision d = engine.DecideSale(uid, 0, 7, 130, 4);
                clock.Advance(3);
                if (measure)
                {
                    taps++;
                    reads += store.ReadCount;
                    writes += store.WriteCount;
                    lengths += store.LengthCount;
                    maxReads = Math.Max(maxReads, store.ReadCount);
                    approvals += d.Approved ? 1 : 0;
                }

                if (journal.Depth > 8000)
                {
                    journal.Acknowledge(journal.LastSequence);
                }
            }
        }

        Run(200, false);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(5000, true);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        double readsPerTap = (double)reads / taps;
        double writesPerTap = (double)writes / taps;
        Console.WriteLine($"whole taps over the flash allowlist ({cards} cards, snapshot {snapshot.Length} B, {applied}): {taps} vending taps by {customers} different card holders in one day, {approvals} approved; counters: {engine.Counters.HoldersInTable} holders in RAM, overflowed {engine.Counters.Overflowed}, flash scans {engine.Counters.FlashScans}");
        Console.WriteLine($"  allocated bytes per tap (lookup + decision + counters + journal): {(double)allocated / taps:0.###}");
        Console.WriteLine($"  storage per tap: {readsPerTap:0.###} reads (max {maxReads}), {writesPerTap:0.###} writes, {(double)lengths / taps:0.###} length queries; modeled storage time per tap {readsPerTap * FlashReadMs + writesPerTap * FlashWriteMs:0.00} ms (approved: {maxReads * FlashReadMs + 2 * FlashWriteMs:0.0} ms worst case)");
        Console.WriteLine("  (add the reader's modeled time from the virtual terminal / reader benchmark for tap-to-decision)");
    }

    private static void Recovery(int capacity)
    {
        var (t, store) = Make(TerminalMode.Restaurant, capacity);
        t.Settings.RepeatTapSeconds = 0;
        for (int i = 0; i < 3 * capacity; i++)
        {
            byte[] uid = TestTerminal.Uid7(i % 500);
            t.List.Add(uid, CardState.Active, i % 500);
            t.Tap(uid);
            if (t.Journal.Depth > capacity - 10)
            {
                t.Journal.Acknowledge(t.Journal.LastSequence - capacity / 2);
            }
        }

        store.ResetCounters();
        var journal = new TransactionJournal(store, new JournalSettings { Capacity = capacity });
        journal.Open();
        int journalReads = store.ReadCount;
        var engine = new DecisionEngine(t.List, t.Clock, journal, store, t.Settings);
        store.ResetCounters();
        engine.Start();
        Console.WriteLine($"boot recovery, journal of {capacity} slots ({TransactionJournal.HeaderSize + capacity * JournalRecord.Size} B flash, {journal.RecoveredRecords} records, {journal.Depth} pending): {journalReads} reads, modeled {journalReads * FlashReadMs:0} ms; counters ({engine.Counters.Entries} entries): {store.ReadCount} reads, modeled {store.ReadCount * FlashReadMs:0} ms");
        Console.WriteLine($"journal RAM: 3 buffers, {TransactionJournal.HeaderSize + JournalRecord.Size + 8 * JournalRecord.Size} B, whatever the capacity; counters RAM: {new DecisionSettings().CounterTableSlots} slots × 10 B = {new DecisionSettings().CounterTableSlots * 10} B + 272 B buffers");
    }

    private static void Upload(int capacity)
    {
        var (t, store) = Make(TerminalMode.Vending, capacity);
        t.Settings.RepeatTapSeconds = 0;
        byte[] uid = TestTerminal.Uid7(5);
        t.List.Add(uid, CardState.Active, 5);
        for (int i = 0; i < 1000; i++)
        {
            t.Sell(uid, 100, i);
        }

        var buffer = new byte[32 * JournalRecord.Size];
        store.ResetCounters();
        int batches = 0;
        long records = 0;
        while (t.Journal.Depth > 0)
        {
            int bytes = t.Journal.ReadBatch(0, buffer, 0, buffer.Length, out long covered);
            records += bytes / JournalRecord.Size;
            t.Journal.Acknowledge(covered);
            batches++;
        }

        Console.WriteLine($"upload of {records} records in batches of 32 ({buffer.Length} B buffer): {batches} batches, {store.ReadCount} reads, {store.WriteCount} writes (one acknowledgement per batch), {records * JournalRecord.Size} B on the wire before HTTP framing");
    }
}
