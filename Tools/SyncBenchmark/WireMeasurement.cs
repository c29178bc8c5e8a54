using LeoCarte.Terminal.Allowlist;

namespace LeoCarte.Tools.SyncBenchmark;

/// <summary>HTTP framing around the list body; filled in when the gateway measurement runs (see below).</summary>
internal static partial class WireMeasurement
{
    public static void Print(ListEntry[] before, ListEntry[] after, int snapshotBody, int deltaBody)
    {
        PrintThroughGateway(before, after, snapshotBody, deltaBody);
    }

    static partial void PrintThroughGateway(ListEntry[] before, ListEntry[] after, int snapshotBody, int deltaBody);
}
