using System;
using System.Linq;

namespace LeoCarte.Tools.InterpreterBenchmark;

public static class Program
{
    public static int Main(string[] args)
    {
        bool appCheck = args.Contains("--app-check");
        NanoToolchain nano = NanoToolchain.Find();
        if (nano == null)
        {
            Console.WriteLine("nano-app: skipped: needs ../shared/nanoframework (nanoFramework's MetadataProcessor and the nanoCLR interpreter built for Linux; see README.md, Device build)");
            return 0;
        }

        try
        {
            if (args.Contains("--exchange"))
            {
                // Micro measurements over their own register fake: no recording needed.
                return ExchangeBenchmark.Run(nano);
            }

            HostRuns host = HostRuns.Record();
            nano.BuildApp(host.TablesSource());
            if (args.Contains("--tap"))
            {
                return Benchmark.QuickTap(host, nano);
            }

            if (args.Contains("--lists"))
            {
                return Benchmark.QuickLists(nano, host.CostModel);
            }

            if (args.Contains("--originality"))
            {
                return Benchmark.QuickOriginality(host, nano);
            }

            if (args.Contains("--engine-profile"))
            {
                return EngineProfileRun.Run(host, nano);
            }

            if (args.Contains("--desfire"))
            {
                return Benchmark.QuickDesfire(host, nano);
            }

            return appCheck ? AppCheck.Run(host, nano, args.Contains("--verbose")) : Benchmark.Run(host, nano);
        }
        finally
        {
            nano.Cleanup();
        }
    }
}
