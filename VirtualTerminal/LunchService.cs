using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LeoCarte.Simulator;
using LeoCarte.Terminal.Decisions;

namespace LeoCarte.VirtualTerminal;

/// <summary>The numbers a lunch service ends with (printed, and asserted by the tests).</summary>
public sealed class LunchServiceResult
{
    public int Decisions;
    public int Approved;
    public int ApprovedOffline;
    public int Denied;
    public Dictionary<ReasonCode, int> DeniedByReason = new();
    public int ReaderErrors;
    public long RestingPolls;
    public long JournalRecords;
    public long JournalAcknowledged;
    public long JournalPending;
    public long GatewayRecords;
    public long RecordsAcknowledgedBySync;
    public bool DeactivatedCardRefused;
    public bool DoubleTapNotCharged;
    public bool RestingCardDecidedOnce;
    public bool SeveralCardsRefusedThenDecided;
    public int RefusedNotDecided;
    public int ReaderRecoveries;
    public int WatchdogStalls;
    public int LoopExceptions;
    public List<TapRecord> Records;
}

/// <summary>
/// A realistic lunch service at a university restaurant till, in modeled time (≈ 2 h of service in seconds of
/// wall time), deterministic for a seed: the crowd of enabled cards, never-activated, lost, stolen, renewed
/// (old and new card of one holder) and expired cards, unknown cards, a card left resting on the reader, a double
/// tap, two cards at once, a Wi-Fi outage and its recovery, a card deactivated at the card office mid-service,
/// a second-meal attempt, a noisy read, a reader brown-out.
/// </summary>
public static class LunchService
{
    public static LunchServiceResult Run(VirtualTerminalHost host, TextWriter output, int seed, int crowd = int.MaxValue)
    {
        var taps = new TapDriver(host, output, seed);
        host.Options.SyncEcho = output;
        Population people = host.Population;
        Random random = taps.Random;
        var events = new List<(TimeSpan At, string Title, Action Act)>();
        void At(int h, int m, int s, string title, Action act) => events.Add((new TimeSpan(h, m, s), title, act));
        void AtOffset(int secondsAfterOpening, Action act) => events.Add((new TimeSpan(11, 30, 0) + TimeSpan.FromSeconds(secondsAfterOpening), null, act));

        CampusCard alice = people.ByHolder("alice.martin");
        CampusCard bruno = people.ByHolder("bruno.leroy");
        CampusCard lea = people.ByHolder("lea.dubois");
        CampusCard marc = people.ByHolder("marc.simon");
        CampusCard emmaOld = people.ByHolder("emma.garnier", "DISABLED");
        CampusCard emmaNew = people.ByHolder("emma.garnier", "ENABLED");
        CampusCard karim = people.ByHolder("karim.haddad");
        CampusCard bank = people.Unknown.First();
        bool deactivatedRefused = false;
        int doubleTapStart = 0;
        int restingStart = 0;
        int severalStart = 0;

        At(11, 31, 0, "double tap: alice taps, lifts her card and taps again 2 s later", () =>
        {
            doubleTapStart = taps.Records.Count;
            taps.Tap(alice);
            host.Idle(TimeSpan.FromSeconds(2));
            taps.Tap(alice);
        });
        At(11, 38, 0, "card left resting: bruno leaves his card on the reader for 45 s", () =>
        {
            restingStart = taps.Records.Count;
            taps.Present(TimeSpan.FromSeconds(45), bruno);
        });
        At(11, 47, 0, "two cards at once: lea holds her wallet (LéoCarte + bank card) to the reader, then her LéoCarte alone", () =>
        {
            severalStart = taps.Records.Count;
            taps.Present(TimeSpan.FromSeconds(1.5), lea, bank);
            host.Idle(TimeSpan.FromSeconds(3));
            taps.Tap(lea);
        });
        At(11, 52, 0, "an old MIFARE Classic campus card (4-byte UID)", () => taps.Tap(karim));
        At(11, 58, 0, "a noisy read: the first answers arrive with a bad CRC", () =>
        {
            host.Sim.Faults.CorruptCrcOfNextAnswers(2);
            taps.Tap(people.Crowd[^1]);
        });
        At(12, 5, 0, "Wi-Fi OUTAGE begins (access point down)", () => host.Wifi.Available = false);
        At(12, 15, 0, "renewal: emma first tries her old card, then her new one", () =>
        {
            taps.Tap(emmaOld);
            host.Idle(TimeSpan.FromSeconds(3));
            taps.Tap(emmaNew);
        });
        At(12, 30, 0, "Wi-Fi back: the backlog is uploaded at the next sync", () => host.Wifi.Available = true);
        At(12, 40, 0, "card office: marc.simon reports his card LOST in ESUP-SGC; the gateway imports the export", () =>
        {
            var outcome = host.CardOfficeSetsState(marc.Csn, "DISABLED", "LOST");
            output?.WriteLine($"             gateway: list version {outcome.Version} published ({outcome.Changes} change)");
        });
        At(12, 43, 0, "marc (or whoever found his card) taps it", () =>
        {
            int before = taps.Records.Count;
            taps.Tap(marc);
            deactivatedRefused = taps.Records.Skip(before).Any(r => r.Csn == marc.Csn && !r.Approved && r.Reason == ReasonCode.Lost);
        });
        At(12, 50, 0, "reader brown-out: the MFRC522 resets behind the driver's back", () => host.Sim.Faults.BrownOut());

        foreach (CampusCard special in people.Cards.Where(c => c.Csn.Length > 0 && c.Card != null
                     && c != alice && c != bruno && c != lea && c != marc && c != emmaOld && c != emmaNew && c != karim && c != bank
                     && !people.Crowd.Contains(c)))
        {
            AtOffset(random.Next(115 * 60), () => taps.Tap(special));
        }

        List<CampusCard> lunchCrowd = people.Crowd.Take(Math.Min(crowd, people.Crowd.Count - 1)).ToList();
        foreach (CampusCard student in lunchCrowd)
        {
            AtOffset(random.Next(115 * 60), () => taps.Tap(student));
        }

        foreach (CampusCard hungry in lunchCrowd.Take(lunchCrowd.Count / 20))
        {
            At(13, 26 + random.Next(3), random.Next(60), null, () => taps.Tap(hungry));
        }

        output?.WriteLine($"LéoCarte virtual terminal — lunch service, seed {seed}, {events.Count} scheduled events, terminal {VirtualTerminalHost.TerminalId}, gateway {host.GatewayUrl}");
        output?.WriteLine("time (Paris)  CSN             decision                   message FR | EN  [holder: card]");
        foreach (var e in events.OrderBy(e => e.At))
        {
            host.IdleUntil(e.At);
            if (e.Title != null)
            {
                output?.WriteLine($"{host.LocalNow:HH:mm:ss}     --- {e.Title}");
            }

            e.Act();
        }

        host.IdleUntil(new TimeSpan(13, 35, 0));
        output?.WriteLine($"{host.LocalNow:HH:mm:ss}     --- service over: syncing until the journal is empty");
        host.DrainJournal(TimeSpan.FromMinutes(10));

        var app = host.App;
        var result = new LunchServiceResult
        {
            Records = taps.Records,
            Decisions = taps.Records.Count(r => r.Kind == Terminal.App.TapKind.Decided),
            Approved = app.Statistics.Approved,
            ApprovedOffline = app.Statistics.ApprovedOffline,
            Denied = app.Statistics.Denied,
            ReaderErrors = app.Statistics.ReaderErrors,
            RestingPolls = taps.RestingPolls,
            JournalRecords = app.Journal.LastSequence,
            JournalAcknowledged = app.Journal.AcknowledgedSequence,
            JournalPending = app.Journal.Depth,
            GatewayRecords = host.GatewayStore.JournalCount(VirtualTerminalHost.TerminalId),
            RecordsAcknowledgedBySync = app.Sync.Statistics.RecordsAcknowledged,
            DeactivatedCardRefused = deactivatedRefused,
            DoubleTapNotCharged = taps.Records.Skip(doubleTapStart).Take(2).Count(r => r.Csn == alice.Csn && r.Approved) == 1
                && taps.Records.Skip(doubleTapStart).Take(2).Any(r => r.Csn == alice.Csn && r.Reason == ReasonCode.RepeatTap),
            SeveralCardsRefusedThenDecided = taps.Records.Skip(severalStart).Take(2).Select(r => r.Kind).SequenceEqual(new[] { Terminal.App.TapKind.RefusedSeveralCards, Terminal.App.TapKind.Decided })
                && taps.Records[severalStart + 1].Approved,
            RefusedNotDecided = app.Statistics.RefusedSeveralCards + app.Statistics.RefusedNotConfigured + app.Statistics.RefusedVendBusy,
            RestingCardDecidedOnce = taps.Records.Skip(restingStart).Count(r => r.Csn == bruno.Csn) == 1 && taps.RestingPolls > 1000,
            ReaderRecoveries = app.Reader.Chip.Recoveries,
            WatchdogStalls = app.Watchdog.Stalls,
            LoopExceptions = app.Statistics.LoopExceptions,
        };
        for (int i = 0; i < app.Statistics.ByReason.Length; i++)
        {
            if (i != (int)ReasonCode.Approved && app.Statistics.ByReason[i] > 0)
            {
                result.DeniedByReason[(ReasonCode)i] = app.Statistics.ByReason[i];
            }
        }

        if (output != null)
        {
            PrintSummary(host, result, output);
        }

        return result;
    }

    public static void PrintSummary(VirtualTerminalHost host, LunchServiceResult r, TextWriter o)
    {
        var app = host.App;
        o.WriteLine();
        o.WriteLine("==== lunch service summary ====");
        o.WriteLine($"taps decided        {r.Decisions}   approved {r.Approved} (of which offline {r.ApprovedOffline}), denied {r.Denied}; refused before deciding {r.RefusedNotDecided} (several cards at once {app.Statistics.RefusedSeveralCards})");
        foreach (var pair in r.DeniedByReason.OrderByDescending(p => p.Value))
        {
            o.WriteLine($"  denied {pair.Key,-20} {pair.Value,4}  {ReasonText.InFrench(pair.Key)} | {ReasonText.InEnglish(pair.Key)}");
        }

        o.WriteLine($"reader              {r.ReaderErrors} read errors ({app.Statistics.ReaderErrorsJournaled} journaled), {r.RestingPolls} polls of a resting card (never decided twice), recoveries {r.ReaderRecoveries} (soft {app.Reader.Chip.SoftResets}, hard {app.Reader.Chip.HardResets})");
        var outputs = host.Platform.Outputs;
        o.WriteLine($"outputs (GPIO)      green LED lit {outputs.Rises[Terminal.OutputSignal.GreenLed]} times (taps and the idle heartbeat flash), red {outputs.Rises[Terminal.OutputSignal.RedLed]}, buzzer beeps {outputs.Rises[Terminal.OutputSignal.Buzzer]}, vend pulses {outputs.Rises[Terminal.OutputSignal.VendPulse]} (restaurant: none); idle LED code now: {app.ShownLedCode.Describe()}");
        o.WriteLine($"loop                {app.Statistics.Polls} polls, watchdog stalls {r.WatchdogStalls}, loop exceptions {r.LoopExceptions}");
        o.WriteLine($"journal             {r.JournalRecords} records written, acknowledged up to {r.JournalAcknowledged}, pending {r.JournalPending}");
        o.WriteLine($"gateway             {r.GatewayRecords} records stored for {VirtualTerminalHost.TerminalId}; sync acknowledged {r.RecordsAcknowledgedBySync} records in {app.Sync.Statistics.BatchesUploaded} batches"
            + (r.GatewayRecords == r.JournalRecords && r.RecordsAcknowledgedBySync == r.JournalRecords ? " => every record exactly once" : " => MISMATCH"));
        o.WriteLine($"sync                {app.Sync.Statistics.CyclesCompleted} cycles ok, {app.Sync.Statistics.CyclesFailed} failed, lists applied {app.Sync.Statistics.ListsApplied}, list version {app.Allowlist.Version} ({app.Allowlist.Count} cards), Wi-Fi reconnects {app.Wifi.Reconnects}");
        var row = host.GatewayStore.Terminals().FirstOrDefault(t => t.TerminalId == VirtualTerminalHost.TerminalId);
        if (row != null)
        {
            o.WriteLine($"gateway status page {row.TerminalId}: list version {row.ListVersion}, journal depth {row.JournalDepth}, firmware {row.Firmware}, clock {row.ClockState}, reader \"{row.ReaderHealth}\"");
        }

        o.WriteLine($"checks              double tap charged once: {Yes(r.DoubleTapNotCharged)}; resting card decided once: {Yes(r.RestingCardDecidedOnce)}; card deactivated mid-service refused: {Yes(r.DeactivatedCardRefused)}; wallet refused, then the card alone decided: {Yes(r.SeveralCardsRefusedThenDecided)}");
        PrintCostFigure(host, r.Records, o);
    }

    private static string Yes(bool value) => value ? "yes" : "NO";

    /// <summary>
    /// The modeled tap-to-decision time on an ESP32 (shared/design/cost-model.md) for 7-byte-UID cards: the loop
    /// iteration that saw the card (poll, anticollision and select, lookup, counters, journal) measured on the
    /// simulator, plus storage at 1 ms per read and per write (assumption), half the poll interval of wait, and the
    /// interpretation of the tap's IL instructions by nanoFramework's nanoCLR (count measured by
    /// Tools/InterpreterBenchmark, ESP32 time per instruction an assumption with its source: CostModel).
    /// </summary>
    public static void PrintCostFigure(VirtualTerminalHost host, List<TapRecord> records, TextWriter o)
    {
        var model = host.Sim.CostModel;
        var sevenByte = records.Where(r => r.Kind == Terminal.App.TapKind.Decided && r.UidLength == 7 && r.Transfers > 0).ToList();
        var approved = sevenByte.Where(r => r.Approved).ToList();
        if (approved.Count == 0)
        {
            return;
        }

        double pollWaitMs = host.App.PollIntervalMilliseconds / 2.0;
        const double StorageMs = 1.0;
        double interpretationMs = model.InterpretationNs(CostModel.TapIlInstructions) / 1e6;
        double Total(TapRecord r) => pollWaitMs + r.ChipNs / 1e6 + (r.StorageReads + r.StorageWrites) * StorageMs + interpretationMs;
        TapRecord typical = approved.OrderBy(Total).ElementAt(approved.Count / 2);
        double spiOverheadMs = typical.Transfers * model.TransferOverheadNs / 1e6;
        double spiBitsMs = typical.SpiBytes * 8 * 1e3 / model.SpiClockHz;
        double rfMs = typical.RfAirNs / 1e6;
        double chipOtherMs = typical.ChipNs / 1e6 - spiOverheadMs - spiBitsMs - rfMs;
        o.WriteLine();
        o.WriteLine("==== modeled tap-to-decision time on an ESP32, 7-byte-UID card (cost-model.md) ====");
        o.WriteLine(model.ToString() + $"; storage 1 ms per read and per write (assumption); poll interval {host.App.PollIntervalMilliseconds} ms");
        o.WriteLine(model.InterpreterAssumption());
        o.WriteLine($"approved 7-byte taps: {approved.Count}; median tap:");
        o.WriteLine($"  poll wait (half the poll interval)     {pollWaitMs,7:0.00} ms");
        o.WriteLine($"  SPI transfers x overhead               {spiOverheadMs,7:0.00} ms   ({typical.Transfers} transfers x {model.TransferOverheadNs / 1000.0:0} µs)");
        o.WriteLine($"  SPI bits                               {spiBitsMs,7:0.00} ms   ({typical.SpiBytes} bytes at {model.SpiClockHz / 1e6:0} MHz)");
        o.WriteLine($"  RF air time                            {rfMs,7:0.00} ms   (frames at 106 kbit/s)");
        o.WriteLine($"  frame delays, chip timer, IRQ reads    {chipOtherMs,7:0.00} ms");
        o.WriteLine($"  storage reads (list, counters)         {typical.StorageReads * StorageMs,7:0.00} ms   ({typical.StorageReads} reads)");
        o.WriteLine($"  journal + counter writes               {typical.StorageWrites * StorageMs,7:0.00} ms   ({typical.StorageWrites} writes)");
        o.WriteLine($"  without interpretation                 {Total(typical) - interpretationMs,7:0.00} ms");
        o.WriteLine($"  interpretation (nanoCLR)               {interpretationMs,7:0.00} ms   ({CostModel.TapIlInstructions:N0} IL instructions per approved tap, Tools/InterpreterBenchmark, x {model.IlInstructionNs / 1000.0:0.###} µs)");
        o.WriteLine($"  total, card entering field → decision  {Total(typical),7:0.00} ms   (target ≤ 30 ms: {(Total(typical) <= 30 ? "met" : "NOT met")})");
        o.WriteLine($"over all {approved.Count} approved 7-byte taps: min {approved.Min(Total):0.00} ms, max {approved.Max(Total):0.00} ms; " +
            $"SPI per tap: {approved.Average(r => r.Transfers):0.0} transfers, {approved.Average(r => r.SpiBytes):0.0} bytes; over all {sevenByte.Count} decided 7-byte taps: mean {sevenByte.Average(Total):0.00} ms");
    }
}
