using System;
using System.Diagnostics;
using System.Linq;

namespace LeoCarte.VirtualTerminal;

/// <summary>
/// Benchmark, not CI: N simulated taps of random cards with random faults (CRC and bit errors, collisions,
/// silence, card pulled mid-transaction, chip stall, brown-out, antenna drop, Wi-Fi outages). Prints host memory
/// after warm-up and at the end, the stuck-state count (a card present but never decided, or the reader never
/// coming back), and journal completeness (every journaled decision stored by the gateway exactly once).
/// </summary>
public static class Soak
{
    public static int Run(VirtualTerminalOptions options, long taps)
    {
        options.Students = 400;
        options.BootLocalTime = new TimeSpan(11, 30, 0);
        using var host = VirtualTerminalHost.Start(options);
        host.PumpSync();
        var random = new Random(options.Seed);
        var cards = host.Population.Cards.Where(c => c.Card != null).ToArray();
        var faults = host.Sim.Faults;
        long decided = 0, stuck = 0, faultsInjected = 0;
        long warmupBytes = 0;
        long warmup = Math.Min(10_000, taps / 10);
        host.App.DecisionMade = (d, kind) => decided++;
        var wall = Stopwatch.StartNew();
        Console.WriteLine($"soak: {taps} taps, seed {options.Seed}, {cards.Length} cards, gateway {host.GatewayUrl}");
        for (long t = 0; t < taps; t++)
        {
            if (t == warmup)
            {
                warmupBytes = GC.GetTotalMemory(true);
                Console.WriteLine($"after warm-up ({warmup} taps): host memory {warmupBytes / 1024} KB");
            }

            var card = cards[random.Next(cards.Length)];
            int roll = random.Next(100);
            bool faulted = roll < 10;
            if (roll < 3) { faults.CorruptCrcOfNextAnswers(1 + random.Next(2)); faultsInjected++; }
            else if (roll < 5) { faults.BitErrorInNextAnswers(1); faultsInjected++; }
            else if (roll < 6) { faults.SilenceNextFrames(1 + random.Next(3)); faultsInjected++; }
            else if (roll < 7) { faults.RemoveCardAfterFrames(card.Card, 1 + random.Next(4)); faultsInjected++; }
            else if (roll < 8) { faults.BrownOutAfterTransfers(1 + random.Next(30)); faultsInjected++; }
            else if (roll < 9) { faults.StallChipAfterTransfers(1 + random.Next(30)); faultsInjected++; }
            else if (roll < 10) { faults.DropAntennaAfterTransfers(1 + random.Next(30)); faultsInjected++; }
            if (t % 5000 == 2500) { host.Wifi.Available = false; }
            if (t % 5000 == 3500) { host.Wifi.Available = true; }

            long before = decided;
            host.Sim.Field.Add(card.Card);
            for (int i = 0; i < 25 && decided == before; i++)
            {
                host.Step();
            }

            if (host.Sim.Field.Contains(card.Card))
            {
                host.Sim.Field.Remove(card.Card);
            }

            // A fault scheduled for this tap that did not fire (the tap ended first) must not land on the next,
            // clean tap: clear what is left, so "stuck" below only counts taps that really had no fault.
            faults.ClearAll();
            faults.ClearStall();
            for (int i = 0; i < 10 && host.App.Reader.CardPresent; i++)
            {
                host.Step();
            }

            if (decided == before && !faulted)
            {
                // A clean tap (no fault injected for it) that got neither a decision nor a reported read error:
                // the loop or the reader is stuck (an earlier fault left a state nothing recovers from).
                stuck++;
            }

            host.Idle(TimeSpan.FromSeconds(2 + random.Next(20)));
            faults.Log.Clear();
            if (t % 100_000 == 99_999)
            {
                Console.WriteLine($"  {t + 1} taps, {wall.Elapsed.TotalSeconds:0} s, journal {host.App.Journal.LastSequence}, memory {GC.GetTotalMemory(false) / 1024} KB");
            }
        }

        // The last word: after every fault, a clean tap of an enabled card must still be decided.
        long beforeFinal = decided;
        var probe = host.Population.Crowd[0];
        host.Sim.Field.Add(probe.Card);
        for (int i = 0; i < 25 && decided == beforeFinal; i++)
        {
            host.Step();
        }

        host.Sim.Field.Remove(probe.Card);
        bool finalTapDecided = decided > beforeFinal;
        host.Wifi.Available = true;
        bool drained = host.DrainJournal(TimeSpan.FromHours(2));
        long endBytes = GC.GetTotalMemory(true);
        var app = host.App;
        long stored = host.GatewayStore.JournalCount(VirtualTerminalHost.TerminalId);
        Console.WriteLine($"taps {taps}, decisions+read errors reported {decided}, faults injected {faultsInjected}, wall {wall.Elapsed.TotalSeconds:0.0} s");
        Console.WriteLine($"host memory: after warm-up {warmupBytes / 1024} KB, at end {endBytes / 1024} KB (growth {(endBytes - warmupBytes) / 1024} KB)");
        Console.WriteLine($"stuck states (a clean tap with no decision or error within 25 polls): {stuck}; final clean tap decided: {finalTapDecided}; reader recoveries {app.Reader.Chip.Recoveries}; loop exceptions {app.Statistics.LoopExceptions}; watchdog stalls {app.Watchdog.Stalls}");
        Console.WriteLine($"journal: {app.Journal.LastSequence} written, acknowledged {app.Journal.AcknowledgedSequence}, gateway stored {stored}, drained {drained}"
            + (stored == app.Journal.LastSequence && drained ? " => complete, exactly once" : " => INCOMPLETE"));
        return stored == app.Journal.LastSequence && drained && app.Statistics.LoopExceptions == 0 && stuck == 0 && finalTapDecided ? 0 : 1;
    }
}
