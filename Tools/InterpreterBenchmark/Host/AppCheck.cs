using System;
using System.Collections.Generic;
using System.Linq;

namespace LeoCarte.Tools.InterpreterBenchmark;

/// <summary>
/// Check A: the application core on nanoCLR prints the same lines as on .NET. The .NET run is the script over
/// the live simulator; the nanoCLR run replays the simulator's recorded answers to the same driver and application,
/// verifying every byte the driver sends. One line per check, then "nano-app: N passed, N failed".
/// </summary>
public static class AppCheck
{
    public static int Run(HostRuns host, NanoToolchain nano, bool verbose)
    {
        int passed = 0, failed = 0;
        void Check(bool ok, string what)
        {
            Console.WriteLine((ok ? "ok     " : "FAILED ") + what);
            if (ok)
            {
                passed++;
            }
            else
            {
                failed++;
            }
        }

        NanoRun run = nano.Run(NanoApp.NanoOp.Lunch, 0, 0, 0, count: false);
        List<string> dotnet = host.LunchLines;
        List<string> interpreted = run.Lines.Where(l => l.Length > 0 && !l.StartsWith("replay:", StringComparison.Ordinal)).ToList();
        string replay = run.Lines.FirstOrDefault(l => l.StartsWith("replay:", StringComparison.Ordinal));
        if (verbose)
        {
            foreach (string line in run.Lines)
            {
                Console.WriteLine("nanoCLR| " + line);
            }
        }

        int decisions = dotnet.Count(l => l.Contains("APPROVED") || l.Contains("DENIED") || l.Contains("REFUSED"));
        Check(run.Ended, "nanoCLR ran the scripted lunch to its end (boot, " + host.Script.StepCount + " loop iterations, summary)");
        Check(replay != null && replay.Contains($"replay: {host.Lunch.TransferCount} of {host.Lunch.TransferCount} recorded transfers, first divergence -1, overruns 0")
            && replay.Contains($"IRQ reads {host.Lunch.IrqReads.Count} of") && replay.Contains($"clock reads {host.Lunch.ClockReads.Count} of"),
            "the driver on nanoCLR sent every byte it sent on .NET (" + (replay ?? "no replay line") + ")");
        int firstDifference = -1;
        for (int i = 0; i < Math.Max(dotnet.Count, interpreted.Count); i++)
        {
            if (i >= dotnet.Count || i >= interpreted.Count || dotnet[i] != interpreted[i])
            {
                firstDifference = i;
                break;
            }
        }

        Check(firstDifference < 0 && decisions > 0, $"same {dotnet.Count} lines on nanoCLR and .NET ({decisions} decisions, boot self-test, summary)"
            + (firstDifference < 0 ? "" : $"; first difference at line {firstDifference + 1}:\n    .NET:    {At(dotnet, firstDifference)}\n    nanoCLR: {At(interpreted, firstDifference)}"));
        // The benchmark separates the IRQ-line spinning by replaying a variant where every wait sees the line at once:
        // it must drive the driver through exactly the same transfers and the application to the same lines.
        NanoRun instant = nano.Run(NanoApp.NanoOp.Lunch, 1, 0, 0, count: false);
        List<string> instantLines = instant.Lines.Where(l => l.Length > 0 && !l.StartsWith("replay:", StringComparison.Ordinal)).ToList();
        string instantReplay = instant.Lines.FirstOrDefault(l => l.StartsWith("replay:", StringComparison.Ordinal));
        Check(instant.Ended && instantLines.SequenceEqual(dotnet) && instantReplay != null
            && instantReplay.Contains($"replay: {host.Lunch.TransferCount} of {host.Lunch.TransferCount} recorded transfers, first divergence -1, overruns 0"),
            "IRQ spins collapsed (benchmark variant): same transfers and same lines (" + (instantReplay ?? "no replay line") + ")");

        // The virtual terminal adds CostModel.TapIlInstructions to its modeled tap-to-decision time: keep it true.
        int tap = Benchmark.FirstApprovedTap(host);
        IlFigure figure = Benchmark.DecisionFigure(host, new OpCounter(nano), "tap", tap);
        long expected = LeoCarte.Simulator.CostModel.TapIlInstructions;
        Check(Math.Abs(figure.Additive - expected) <= expected / 20,
            $"approved 7-byte tap on nanoCLR, to its decision: {figure.Additive:N0} IL instructions besides the IRQ spinning (CostModel.TapIlInstructions = {expected:N0}, within 5 %)");
        Console.WriteLine($"nano-app: {passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static string At(List<string> lines, int i) => i < lines.Count ? lines[i] : "(no line)";
}
