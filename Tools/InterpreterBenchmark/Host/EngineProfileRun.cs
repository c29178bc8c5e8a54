using System;
using System.Linq;
using LeoCarte.NanoApp;
using LeoCarte.Terminal.App;

namespace LeoCarte.Tools.InterpreterBenchmark;

/// <summary>
/// <c>--engine-profile</c>: the application side of the steady-state approved tap (bruno's, the one --desfire adds to the
/// desfire-aes tap) attributed per piece on nanoCLR (<see cref="EngineProfile"/>): each piece repeated N times in the
/// tap's own state minus the same run with 0 repetitions, divided by N. The decision engine's private steps (Decision.Reset,
/// the checks' field reads, ReasonForState, IsRepeatTap, WindowAt, the period checks, Approve's bookkeeping) are what
/// remains of the whole decision once the measured pieces are taken away.
/// </summary>
public static class EngineProfileRun
{
    public static int Run(HostRuns host, NanoToolchain nano)
    {
        var counter = new OpCounter(nano);
        int entering = Enumerable.Range(0, host.Script.StepCount).First(i => host.Script.CardEnteringAt(i) == LunchScript.Bruno);
        int tap = host.Script.FindStep(TapKind.Decided, entering);
        long baseline = counter.Count(NanoOp.EngineProfile, 0, 0, tap);
        long Per(int part, int n) => (long)Math.Round((counter.Count(NanoOp.EngineProfile, part, n, tap) - baseline) / (double)n);

        Console.WriteLine($"==== application side of the steady-state approved uid tap (bruno, loop iteration {tap}), per piece on nanoCLR ====");
        Console.WriteLine("  " + string.Join(" ", nano.Run(NanoOp.EngineProfile, 0, 0, tap, false).Lines.Where(l => l.Contains("lookup of bruno", StringComparison.Ordinal))));
        long whole = Per(EngineProfile.WholeDecision, 1);
        Console.WriteLine($"  {EngineProfile.Name(EngineProfile.WholeDecision),-100} {whole,7:N0} IL");
        int[] inDecision = { EngineProfile.Clock, EngineProfile.ClockNow, EngineProfile.LocalTimeOfTap, EngineProfile.SummerTime, EngineProfile.Lookup,
            EngineProfile.JournalGetters, EngineProfile.Proof, EngineProfile.StaleIssued, EngineProfile.LedgerLookup, EngineProfile.LedgerAdd,
            EngineProfile.RecordFill, EngineProfile.JournalAppend, EngineProfile.RecordEncode, EngineProfile.Crc60 };
        long measured = 0;
        foreach (int part in inDecision)
        {
            int n = part == EngineProfile.LedgerAdd || part == EngineProfile.JournalAppend ? 10 : 20;
            long il = Per(part, n);
            string name = EngineProfile.Name(part);
            if (!name.StartsWith("  ", StringComparison.Ordinal))
            {
                measured += il;
            }

            Console.WriteLine($"  {name,-100} {il,7:N0} IL");
        }

        Console.WriteLine($"  {"rest of the engine: Reset, checks, ReasonForState, IsRepeatTap, WindowAt, periods, Approve's bookkeeping (whole - pieces)",-100} {whole - measured,7:N0} IL");
        foreach (int part in new[] { EngineProfile.WatchdogFeed, EngineProfile.FeedbackStep, EngineProfile.FeedbackPlay, EngineProfile.DisplayShow, EngineProfile.ConcludeJournalCheck })
        {
            Console.WriteLine($"  {EngineProfile.Name(part),-100} {Per(part, 20),7:N0} IL");
        }

        return 0;
    }
}
