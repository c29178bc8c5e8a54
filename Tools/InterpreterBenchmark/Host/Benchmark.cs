namespace LeoCarte.Tools.InterpreterBenchmark;

public static class Benchmark
{
    public static int Run(HostRuns host, NanoToolchain nano) => 0;
}
