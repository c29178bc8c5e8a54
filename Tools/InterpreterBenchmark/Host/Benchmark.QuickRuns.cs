// Benchmark's desfire-aes tap and originality comparison, and the quick runs (--tap, --desfire, --originality).
using System;
using System.Globalization;
using System.Linq;
using LeoCarte.NanoApp;
using LeoCarte.Simulator;
using LeoCarte.Terminal.App;

namespace LeoCarte.Tools.InterpreterBenchmark;

public static partial class Benchmark
{
    /// <summary>
    /// The whole desfire-aes tap on nanoCLR, driver included (Poll → NewCard, AN10922 diversification, WUPA/SELECT/RATS/PPS,
    /// SelectApplication, EV2First, ReadData with MAC, DESELECT), replayed from the simulator; with the subset AES, and
    /// with the device's native AES (the subset AES's own IL replaced by the native adapter's IL for the same calls).
    /// </summary>
    public static void PrintDesfireTap(HostRuns host, OpCounter counter, AppTap firstTap, AppTap steadyTap, CostModel model)
    {
        var phases = host.DesfirePhases;
        var ci = CultureInfo.InvariantCulture;
        double usPerIl = model.IlInstructionNs / 1000.0;
        long aesBase = counter.Count(NanoOp.AesOps, 0, 0, 0), nativeBase = counter.Count(NanoOp.NativeAesOps, 0, 0, 0);
        Console.WriteLine();
        Console.WriteLine("==== desfire-aes tap on nanoCLR, driver included (Tools/InterpreterBenchmark/Portable/DesfireScenario.cs) ====");
        Console.WriteLine("  per phase: the run stopping after phase p minus the run stopping after p - 1; AES blocks natively on the ESP32 (subset AES IL replaced by the native adapter's)");
        Console.WriteLine($"  {"phase",-52} {"transfers",9} {"bytes",6} {"chip ms",8} {"IL exec.",9} {"fake",7} {"spin",6} {"AES calls",10} {"subset AES",10} {"native IL",10} {"additive",9} {"IL ms",7}");
        long sumTotal = 0, sumFake = 0, sumSpin = 0, sumSubset = 0, sumNative = 0, sumAdditive = 0;
        int sumEnc = 0, sumDec = 0, sumKeys = 0, sumCbc = 0;
        var additiveByPhase = new long[DesfireScenario.PhaseCount + 1];
        string afterDecisionRow = null;
        for (int p = 1; p <= DesfireScenario.PhaseCount; p++)
        {
            var from = phases[p - 1];
            var to = phases[p];
            int transfers = to.Bus.Transfers - from.Bus.Transfers;
            long fake = FakeCost(counter, transfers, to.Bus.Irq - from.Bus.Irq, to.Bus.Clock - from.Bus.Clock);
            long total = counter.Count(NanoOp.DesfireTap, p, 0, 0) - counter.Count(NanoOp.DesfireTap, p - 1, 0, 0);
            var instantFrom = host.Desfire.InstantMark(from.Event);
            var instantTo = host.Desfire.InstantMark(to.Event);
            long instantFake = FakeCost(counter, transfers, instantTo.Irq - instantFrom.Irq, instantTo.Clock - instantFrom.Clock);
            long instantTotal = counter.Count(NanoOp.DesfireTap, p, 1, 0) - counter.Count(NanoOp.DesfireTap, p - 1, 1, 0);
            long device = total - fake;
            long spin = device - (instantTotal - instantFake);
            int enc = to.Encrypts - from.Encrypts, dec = to.Decrypts - from.Decrypts, keys = to.Keys - from.Keys;
            long subsetAes = enc + dec + keys == 0 ? 0 : counter.Count(NanoOp.AesOps, enc, dec, keys) - aesBase;
            long nativeAes = enc + dec + keys == 0 ? 0 : counter.Count(NanoOp.NativeAesOps, enc, dec, keys) - nativeBase;

            // CBC calls: the subset does them block by block in IL; on the device each is one native call.
            var cbc = to.Cbc.Minus(from.Cbc);
            subsetAes += CbcCost(counter, cbc, false);
            nativeAes += CbcCost(counter, cbc, true);
            int cbcCalls = cbc.Encrypts + cbc.Decrypts;
            long additive = device - spin - subsetAes + nativeAes;
            CostSnapshot cost = to.Cost.Minus(from.Cost);
            string aes = enc + dec + keys + cbcCalls == 0 ? "" : $"{enc}e {dec}d {keys}k" + (cbcCalls == 0 ? "" : $" {cbcCalls}cbc");
            string row = $"  {p}. {DesfireScenario.PhaseNames[p - 1],-49} {cost.Transfers,9} {cost.Bytes,6} {cost.ElapsedNs / 1e6,8:0.00} {total,9:N0} {fake,7:N0} {spin,6:N0} {aes,10} {subsetAes,10:N0} {nativeAes,10:N0} {additive,9:N0} {additive * usPerIl / 1000,7:0.00}";
            additiveByPhase[p] = additive;
            if (p > DesfireScenario.PhasesToDecision)
            {
                // After the decision (the card parked once the result is shown): printed apart, not in tap-to-decision.
                afterDecisionRow = row;
                continue;
            }

            Console.WriteLine(row);
            sumTotal += total; sumFake += fake; sumSpin += spin; sumSubset += subsetAes; sumNative += nativeAes; sumAdditive += additive;
            sumEnc += enc; sumDec += dec; sumKeys += keys; sumCbc += cbcCalls;
        }

        CostSnapshot whole = phases[DesfireScenario.PhasesToDecision].Cost.Minus(phases[0].Cost);
        Console.WriteLine($"  {"   tap to decision",-52} {whole.Transfers,9} {whole.Bytes,6} {whole.ElapsedNs / 1e6,8:0.00} {sumTotal,9:N0} {sumFake,7:N0} {sumSpin,6:N0} {$"{sumEnc}e {sumDec}d {sumKeys}k" + (sumCbc == 0 ? "" : $" {sumCbc}cbc"),10} {sumSubset,10:N0} {sumNative,10:N0} {sumAdditive,9:N0} {sumAdditive * usPerIl / 1000,7:0.00}");
        Console.WriteLine("  after the decision (the tap loop parks the card once the result is shown; not part of tap-to-decision):");
        Console.WriteLine(afterDecisionRow);
        long additiveSubset = sumAdditive - sumNative + sumSubset;
        Console.WriteLine($"  IL executed {sumTotal:N0}; replay fake {sumFake:N0}; device {sumTotal - sumFake:N0}; IRQ spinning {sumSpin:N0} (overlaps the modeled wait); additive with the subset AES (host/nanoCLR only) {additiveSubset:N0}, with the ESP32's native AES {sumAdditive:N0}");
        long crypto = additiveByPhase[DesfireScenario.PhaseDiversify];
        Console.WriteLine($"  of the {sumAdditive:N0}: Poll {additiveByPhase[DesfireScenario.PhasePoll]:N0}, diversification {crypto:N0}, session opening {additiveByPhase[DesfireScenario.PhaseOpenSession]:N0}, DESFire commands {additiveByPhase[DesfireScenario.PhaseSelectApplication] + additiveByPhase[DesfireScenario.PhaseAuthenticate] + additiveByPhase[DesfireScenario.PhaseReadData]:N0} (ISO-DEP exchanges and session cryptography); after the decision: close {additiveByPhase[DesfireScenario.PhaseClose]:N0}");

        // The application's own loop IL around the decision (feedback, display, statistics, the policy's type check):
        // the uid tap's loop iteration minus its Poll (the same Poll -> NewCard as phase 1) and the decision engine.
        // Two taps: the steady state (a tap of a running service, its period prepared by the idle housekeeping: counter
        // entry + journal record) is the headline; the first tap of a service period (2 s after boot, before the
        // housekeeping's PreparePeriod: + the period start) is printed beside it.
        double pollWait = LunchScript.PollMilliseconds / 2.0;
        double chip = whole.ElapsedNs / 1e6;
        int nativeCalls = sumEnc + sumDec + sumCbc; // a CBC call over several blocks is one native call
        double nativeMs = nativeCalls * NativeAesCallMicroseconds / 1000.0;
        long pollAdditive = additiveByPhase[DesfireScenario.PhasePoll];
        double Modeled(AppTap app, out long appPart, out double flash)
        {
            long appLoop = Math.Max(0, app.Iteration.Additive - app.DecisionEngine - pollAdditive);
            appPart = Math.Max(0, app.DecisionEngine) + appLoop;
            // The decision takes the same path as the uid tap's (lookup, counters, journal): its flash reads and writes,
            // 1 ms each as in the uid tap's model (cost-model.md gives 1 ms per small read; writes are charged the same).
            flash = (app.Storage.Reads + app.Storage.Writes) * 1.0;
            Console.WriteLine($"  application, {app.Label} (lunch iteration {app.Step}): decision engine {app.DecisionEngine:N0} IL (lookup, counters, journal) + tap loop {appLoop:N0} IL"
                + $" (the uid tap's loop iteration to its decision {app.Iteration.Additive:N0} - its Poll - the decision engine); flash {app.Storage.Reads} reads, {app.Storage.Writes} writes");
            return pollWait + chip + flash + nativeMs + (sumAdditive + appPart) * usPerIl / 1000.0;
        }

        double firstMs = Modeled(firstTap, out long firstApp, out double firstFlash);
        double totalMs = Modeled(steadyTap, out long appPart, out double flash);
        double ilMs = (sumAdditive + appPart) * usPerIl / 1000.0;
        Console.WriteLine($"  modeled tap-to-decision with native AES, STEADY STATE ({steadyTap.Label}): poll wait {pollWait:0.0} ms (half the {LunchScript.PollMilliseconds} ms poll interval) + chip {chip:0.0} ms ({whole.Transfers} transfers, {whole.Bytes} bytes, RF air {whole.RfAirNs / 1e6:0.0} ms)"
            + $" + flash {flash:0.0} ms ({steadyTap.Storage.Reads} reads, {steadyTap.Storage.Writes} writes) + native AES {nativeMs:0.0} ms ({nativeCalls} calls x {NativeAesCallMicroseconds:0} µs, ASSUMPTION) + interpretation {ilMs:0.0} ms ({sumAdditive:N0} tap IL + {appPart:N0} application IL, x {usPerIl:0.###} µs)");
        double fixedMs = pollWait + chip + flash + nativeMs;
        Console.WriteLine($"  = {totalMs:0.0} ms (target <= 60 ms: {(totalMs <= 60 ? "met" : "NOT met")}); {(60 - fixedMs) * 1000 / (sumAdditive + appPart):0.00} µs per IL instruction would meet it; without interpretation {fixedMs:0.0} ms, "
            + $"so at {usPerIl:0.###} µs/IL the tap and the application together may execute at most {(60 - fixedMs) * 1000 / usPerIl:N0} IL instructions");
        Console.WriteLine($"  beside it, FIRST TAP of a service period ({firstTap.Label}): flash {firstFlash:0.0} ms ({firstTap.Storage.Reads} reads, {firstTap.Storage.Writes} writes) + interpretation {(sumAdditive + firstApp) * usPerIl / 1000.0:0.0} ms ({sumAdditive:N0} tap IL + {firstApp:N0} application IL)"
            + $" = {firstMs:0.0} ms (target <= 60 ms: {(firstMs <= 60 ? "met" : "NOT met")})");
    }

    /// <summary>One approved uid tap of the lunch script, the application side the desfire-aes tap is modeled with.</summary>
    public sealed class AppTap
    {
        public string Label { get; init; }
        public int Step { get; init; }
        public IlFigure Iteration { get; init; }
        public long DecisionEngine { get; init; }
        public (int Reads, int Writes) Storage { get; init; }
    }

    /// <summary>The first tap of a service period: alice, 2 s after boot, before the idle housekeeping prepared the period.</summary>
    public static AppTap FirstPeriodTap(HostRuns host, OpCounter counter, IlFigure iteration)
    {
        int tap = FirstApprovedTap(host);
        long decide = counter.Count(NanoOp.ScriptDecide, tap, LunchScript.Alice, 1) - counter.Count(NanoOp.ScriptDecide, tap, LunchScript.Alice, 0);
        return new AppTap { Label = "first tap of the service period: alice 2 s after boot, period not yet prepared", Step = tap, Iteration = iteration, DecisionEngine = decide, Storage = host.StepStorage[tap] };
    }

    /// <summary>A steady-state tap: bruno's first meal, about 20 s into the service (the 5 s housekeeping has prepared the period).</summary>
    public static AppTap SteadyStateTap(HostRuns host, OpCounter counter)
    {
        int entering = Enumerable.Range(0, host.Script.StepCount).First(i => host.Script.CardEnteringAt(i) == LunchScript.Bruno);
        int tap = host.Script.FindStep(TapKind.Decided, entering);
        long decide = counter.Count(NanoOp.ScriptDecide, tap, LunchScript.Bruno, 1) - counter.Count(NanoOp.ScriptDecide, tap, LunchScript.Bruno, 0);
        IlFigure iteration = DecisionFigure(host, counter, "7-byte tap, steady state", tap);
        return new AppTap { Label = "steady state: bruno's approved tap 20 s into the service, period prepared", Step = tap, Iteration = iteration, DecisionEngine = decide, Storage = host.StepStorage[tap] };
    }

    /// <summary>ASSUMPTION (to measure on hardware): one native Aes.Encrypt/Decrypt call of nanoFramework.System.Security.Cryptography
    /// on the ESP32: the managed→native call (12–37 µs, cost-model.md's basis for the SPI overhead), the native array it returns,
    /// mbedTLS cipher set-up, key schedule and one or two blocks; charged like an SPI transfer's overhead.</summary>
    public const double NativeAesCallMicroseconds = 50;

    /// <summary>IL of the CBC calls of a phase: subset (the blocks in IL) or native stand-in (IL around one native call each).</summary>
    private static long CbcCost(OpCounter counter, CbcCalls cbc, bool native)
    {
        int mode = native ? 2 : 0;
        long cost = 0;
        if (cbc.Encrypts > 0)
        {
            cost += counter.Count(NanoOp.CbcOps, cbc.Encrypts, cbc.EncryptBlocks, mode) - counter.Count(NanoOp.CbcOps, 0, 0, mode);
        }

        if (cbc.Decrypts > 0)
        {
            cost += counter.Count(NanoOp.CbcOps, cbc.Decrypts, cbc.DecryptBlocks, mode | 1) - counter.Count(NanoOp.CbcOps, 0, 0, mode | 1);
        }

        return cost;
    }

    /// <summary>While optimising: the loop iterations only (approved tap, empty poll, resting poll), a few runs.</summary>
    public static int QuickTap(HostRuns host, NanoToolchain nano)
    {
        var counter = new OpCounter(nano);
        int tap = FirstApprovedTap(host);
        int resting = host.Script.FindStep(TapKind.Resting, tap);
        int idle = host.Script.FindStep(TapKind.None, tap + 20);
        IlFigure toDecision = DecisionFigure(host, counter, "approved 7-byte tap", tap);
        IlFigure wholeTap = StepFigure(host, counter, "  whole loop iteration", tap);
        IlFigure park = AfterDecision(wholeTap, toDecision, host, tap);
        park.Name = "  after the decision";
        foreach (IlFigure f in new[] { toDecision, park, wholeTap, StepFigure(host, counter, "resting poll", resting), StepFigure(host, counter, "empty poll", idle) })
        {
            Console.WriteLine($"{f.Name,-24} {f.Instructions,8:N0} IL, fake {f.FakeInstructions,7:N0}, device {f.Device,8:N0}, IRQ spinning {f.SpinInstructions,6:N0}, additive {f.Additive,8:N0}   {f.Note}");
        }

        Console.WriteLine($"approved 7-byte tap to its decision: {toDecision.Additive:N0} IL (CostModel.TapIlInstructions = {CostModel.TapIlInstructions:N0}); the parking after it {park.Additive:N0} IL");

        long decide = counter.Count(NanoOp.ScriptDecide, tap, LunchScript.Alice, 1) - counter.Count(NanoOp.ScriptDecide, tap, LunchScript.Alice, 0);
        Console.WriteLine($"{"decision engine alone",-24} {decide,8:N0} IL (DecideMeal of the same card at the same point: lookup, counters, journal)");
        long lookup = (counter.Count(NanoOp.Lookup, 200, 300, 0) - counter.Count(NanoOp.Lookup, 0, 300, 0)) / 200;
        long append = (counter.Count(NanoOp.JournalAppend, 100, 0, 0) - counter.Count(NanoOp.JournalAppend, 0, 0, 0)) / 100;
        Console.WriteLine($"{"lookup (310 cards)",-24} {lookup,8:N0} IL; journal append {append:N0} IL");

        return 0;
    }

    /// <summary>Only the desfire-aes tap (with the decision engine's figure it adds to), for quick runs while optimising.</summary>
    public static int QuickDesfire(HostRuns host, NanoToolchain nano)
    {
        var counter = new OpCounter(nano);
        int tap = FirstApprovedTap(host);
        IlFigure uidTap = DecisionFigure(host, counter, "7-byte tap, card in field -> decision (approved, journaled)", tap);
        AppTap first = FirstPeriodTap(host, counter, uidTap);
        AppTap steady = SteadyStateTap(host, counter);
        foreach (AppTap t in new[] { first, steady })
        {
            Console.WriteLine($"uid tap, {t.Label} (loop iteration {t.Step}, to its decision): additive {t.Iteration.Additive:N0} IL, of which decision engine {t.DecisionEngine:N0}; flash {t.Storage.Reads} reads, {t.Storage.Writes} writes; {t.Iteration.Note}");
        }

        PrintDesfireTap(host, counter, first, steady, host.CostModel);
        return 0;
    }

    /// <summary>
    /// What the originality comparison adds to a uid tap's wait (an entry with a digest): the session (RATS and PPS on the card
    /// the Poll kept ACTIVE) and Read_Sig on nanoCLR, driver included, replayed from the simulator — the tap to its decision
    /// (a = 1; the DESELECT after the decision replaces the HLTA a tap without a digest gets) minus its Poll alone (a = 2), each without
    /// the replay fake's IL and the IRQ spinning; plus the IL around the native HMAC of the digest (Tools/EcdsaOpCount).
    /// </summary>
    public static int QuickOriginality(HostRuns host, NanoToolchain nano)
    {
        var counter = new OpCounter(nano);
        long Additive(int run, (int Transfers, int Irq, int Clock) to, int toEvent)
        {
            var from = host.OriginalityStartMark;
            long fake = FakeCost(counter, to.Transfers - from.Transfers, to.Irq - from.Irq, to.Clock - from.Clock);
            long total = counter.Count(NanoOp.OriginalityTap, run, 0, 0) - counter.Count(NanoOp.OriginalityTap, 0, 0, 0);
            var instantFrom = host.Originality.InstantMark(host.OriginalityStartEvent);
            var instantTo = host.Originality.InstantMark(toEvent);
            long instantFake = FakeCost(counter, to.Transfers - from.Transfers, instantTo.Irq - instantFrom.Irq, instantTo.Clock - instantFrom.Clock);
            long instantTotal = counter.Count(NanoOp.OriginalityTap, run, 1, 0) - counter.Count(NanoOp.OriginalityTap, 0, 1, 0);
            long device = total - fake;
            long spin = device - (instantTotal - instantFake);
            Console.WriteLine($"  run {run}: IL executed {total:N0}; replay fake {fake:N0}; device {device:N0}; IRQ spinning {spin:N0}; additive {device - spin:N0}");
            return device - spin;
        }

        Console.WriteLine();
        Console.WriteLine("==== originality comparison on nanoCLR (policy uid, entry with a digest; Tools/InterpreterBenchmark/Portable/DesfireScenario.cs OriginalityScenario) ====");
        long withSignature = Additive(1, host.OriginalityEndMark, host.OriginalityEndEvent);
        long pollOnly = Additive(2, host.OriginalityPollMark, host.OriginalityPollEvent);
        const long DigestAroundNativeHmac = 82; // Tools/EcdsaOpCount: OriginalityCheck.Digest around the native HMAC call
        long added = withSignature - pollOnly + DigestAroundNativeHmac;
        CostSnapshot cost = host.OriginalityCost;
        double usPerIl = host.CostModel.IlInstructionNs / 1000.0;
        int transfers = host.OriginalityEndMark.Transfers - host.OriginalityPollMark.Transfers;
        Console.WriteLine($"  added to the tap: {transfers} SPI transfers, {cost.Bytes} bytes, chip {cost.ElapsedNs / 1e6:0.0} ms modeled (RF air {cost.RfAirNs / 1e6:0.0} ms)"
            + $"; {withSignature - pollOnly:N0} IL (session, Read_Sig; the DESELECT comes after the decision) + {DigestAroundNativeHmac} IL around the native HMAC = {added:N0} IL = {added * usPerIl / 1000.0:0.0} ms at {usPerIl:0.###} µs/IL");
        Console.WriteLine($"  modeled time added: {cost.ElapsedNs / 1e6 + added * usPerIl / 1000.0:0.0} ms (+ the native HMAC-SHA256 of 56 bytes, not modeled)");
        return 0;
    }
}
