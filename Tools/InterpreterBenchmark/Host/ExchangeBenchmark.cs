using System;
using System.IO;
using System.Linq;
using LeoCarte.NanoApp;

namespace LeoCarte.Tools.InterpreterBenchmark;

/// <summary>
/// `-- --exchange`: the IL instructions of one RF exchange of the driver on nanoCLR, per layer (chip Transceive, REQA,
/// one anticollision + select cascade level, one ISO-DEP I-block exchange, HLTA), over the micro register fake of
/// Portable/ExchangeMicro.cs (no recording: the app is built with the empty replay tables). Each figure is
/// (N operations − 0 operations − the fake's own IL for N operations) / N; the fake's IL is its logged calls
/// replayed N times minus the same loops without the calls.
/// </summary>
public static class ExchangeBenchmark
{
    public const int Repetitions = 20;

    public static int Run(NanoToolchain nano)
    {
        nano.BuildApp(File.ReadAllText(Path.Combine(nano.RepoRoot, "Builds", "NanoApp", "ReplayTables.Empty.cs")));
        var counter = new OpCounter(nano);
        Console.WriteLine($"==== one RF exchange on nanoCLR (IL instructions per operation, {Repetitions} repetitions, IRQ line asserted at once, fake excluded) ====");
        int failures = 0;
        for (int which = 1; which <= ExchangeMicro.Count; which++)
        {
            NanoRun probe = nano.Run(NanoOp.ExchangeMicro, which, 0, 0, count: false);
            string line = probe.Lines.FirstOrDefault(l => l.StartsWith("exchange micro", StringComparison.Ordinal)) ?? "(no line)";
            if (!line.Contains(": Ok,", StringComparison.Ordinal))
            {
                failures++;
            }

            long driver = counter.Count(NanoOp.ExchangeMicro, which, Repetitions, 0) - counter.Count(NanoOp.ExchangeMicro, which, 0, 0);
            long fake = counter.Count(NanoOp.ExchangeMicro, which, Repetitions, 1) - counter.Count(NanoOp.ExchangeMicro, which, Repetitions, 2);
            Console.WriteLine($"{ExchangeMicro.Name(which),-44} {(driver - fake) / (double)Repetitions,8:N1} IL   (with fake {driver / (double)Repetitions:N1}; {line})");
        }

        return failures == 0 ? 0 : 1;
    }
}
