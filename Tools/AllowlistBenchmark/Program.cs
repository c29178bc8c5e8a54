using System;

namespace LeoCarte.Tools.AllowlistBenchmark;

public static class Program
{
    public static int Main(string[] args)
    {
        int cards = args.Length > 0 ? int.Parse(args[0]) : 100_000;
        var figures = AllowlistBenchmark.Run(cards, Console.Out);
        return figures.MeetsTargets ? 0 : 1;
    }
}
