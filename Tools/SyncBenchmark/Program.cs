using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Sync;
using LeoCarte.Tools.SyncBenchmark;

// Sync figures for issue 5. Deterministic (fixed seeds); run:
//   dotnet run -c Release --project Tools/SyncBenchmark
const uint SiteId = 14;
// The gateway's list key, made for the run (ECDSA P-256, as in production); terminals verify with .NET's ECDsa here.
var gatewayKey = new LeoCarte.Gateway.Lists.PemListSigner(1, WireMeasurement.BenchmarkKeyPem);
var siteKey = new ListSigning(gatewayKey, 0x0DB0_0001);
var trust = new ListTrust(new[] { new ListSigningKey(1, gatewayKey.PublicKey) }, new EcdsaListSignatureVerifier(), new LeoCarte.Terminal.Crypto.PortableMac());
var issued = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

Console.WriteLine("LéoCarte sync benchmark (issue 5)");
Console.WriteLine("population: 90 % 7-byte DESFire UIDs, 9.5 % 4-byte Classic, 0.5 % 10-byte; 95 % active; one holder per card; seed 2026");
Console.WriteLine();

ListEntry[] cards100k = Population(100_000, 2026);
byte[] snapshot100k = ListBuilder.BuildSnapshot(SiteId, 41, issued, cards100k, siteKey);
Console.WriteLine("== Bytes on the wire (list body; the signed format of Terminal/Allowlist: header, chunk manifest, ECDSA signature included)");
Console.WriteLine($"snapshot, 100,000 cards : {snapshot100k.Length,9:N0} bytes = {snapshot100k.Length / 100_000.0:F2} bytes/card   (target <= 10)   {(snapshot100k.Length <= 1_000_000 ? "MET" : "MISSED")}");

ListEntry[] changed = Mutate(cards100k, 100, 7, out int states, out int adds, out int removes);
ListEntry[] deltaEntries = ListBuilder.ComputeDelta(cards100k, changed);
byte[] delta = ListBuilder.BuildDelta(SiteId, 42, 41, issued + 60, deltaEntries, siteKey);
Console.WriteLine($"delta, 100 changes      : {delta.Length,9:N0} bytes = {delta.Length / 100.0:F2} bytes/change (target <= 16)   {(delta.Length <= 1600 ? "MET" : "MISSED")}   ({states} state changes, {adds} new cards, {removes} removals; {deltaEntries.Length} entries)");
Console.WriteLine($"fixed per list          : {WireFormat.HeaderSize} header + {WireFormat.SignatureSize} signature bytes, + {WireFormat.ChunkDigestSize} per {WireFormat.DefaultChunkSize}-byte chunk");
WireMeasurement.Print(cards100k, changed, snapshot100k.Length, delta.Length);
Console.WriteLine();

Console.WriteLine("== Terminal memory during a snapshot download (sync core + ListUpdate into flash; GC.GetAllocatedBytesForCurrentThread)");
// Warm-up: the first run pays one-time costs (JIT, static constructors) that the device pays at boot.
Measure(1_000, ListBuilder.BuildSnapshot(SiteId, 1, issued, Population(1_000, 1), siteKey), trust, quiet: true);
foreach (int count in new[] { 10_000, 100_000 })
{
    ListEntry[] cards = count == 100_000 ? cards100k : Population(count, 2026 + count);
    byte[] list = ListBuilder.BuildSnapshot(SiteId, 1, issued, cards, siteKey);
    Measure(count, list, trust);
}

Console.WriteLine();
Console.WriteLine("The sync core allocates the same for 10k and 100k cards (request strings, signature hex); the list goes socket → 1 KB chunk →");
Console.WriteLine("ListUpdate's fixed block buffers → flash. The only size-dependent part is the allowlist's RAM block index (8 B per 2 KB flash block).");
return 0;

static void Measure(int count, byte[] list, ListTrust key, bool quiet = false)
{
    var flash = new PreallocatedFlash(2 * 1024 * 1024, "allow-a.idx", "allow-a.dat", "allow-b.idx", "allow-b.dat");
    var hardware = new BenchmarkClockHardware();
    var clock = new SyncedClock(hardware);
    clock.ReportSntpTime();
    var transport = new MemoryTransport { List = list };
    var options = new SyncOptions { ChunkSize = 1024, ChunksPerStep = 8 };

    long beforeSetup = GC.GetAllocatedBytesForCurrentThread();
    var store = new AllowlistStore(flash);
    store.Open();
    var sink = new AllowlistListSink(store, SiteId, key);
    var engine = new SyncEngine(transport, new RequestSigner("BENCH-1", new byte[32], new PortableMessageHasher()), clock, sink, store, null, null, options, null, 1);
    long setup = GC.GetAllocatedBytesForCurrentThread() - beforeSetup;

    long before = GC.GetAllocatedBytesForCurrentThread();
    int steps = 0;
    SyncStepResult result;
    do
    {
        result = engine.Step();
        steps++;
    }
    while (result == SyncStepResult.Working && steps < 1_000_000);

    long during = GC.GetAllocatedBytesForCurrentThread() - before;
    bool applied = result == SyncStepResult.CycleCompleted && store.Version == 1 && store.Count == count;
    if (quiet)
    {
        return;
    }

    // The sync core alone, into a sink that drops the bytes: what the client itself costs per download.
    var coreOnly = new SyncEngine(new MemoryTransport { List = list }, new RequestSigner("BENCH-1", new byte[32], new PortableMessageHasher()), clock, new DiscardSink(), null, null, null, options, null, 1);
    long coreBefore = GC.GetAllocatedBytesForCurrentThread();
    for (int i = 0; i < 1_000_000 && coreOnly.Step() == SyncStepResult.Working; i++)
    {
    }

    long core = GC.GetAllocatedBytesForCurrentThread() - coreBefore;
    Console.WriteLine($"{count,7:N0} cards: list {list.Length,9:N0} bytes in {steps,4} steps, largest chunk {engine.Statistics.LargestChunk} B, applied: {(applied ? "yes" : "NO " + sink.LastError)}");
    Console.WriteLine($"        allocated during the download: sync core alone {core,6:N0} B; core + ListUpdate {during,6:N0} B, of which the new list's RAM block index {store.IndexBytes,5:N0} B (issue 4: <= 8 KB)");
    Console.WriteLine($"        fixed buffers allocated once at boot (engine 1 KB chunk + 2 KB upload + 640 B, ListUpdate blocks, store): {setup,6:N0} B; upper bound on the peak (everything allocated, none freed) = {setup + during,6:N0} B");
}

static ListEntry[] Population(int count, int seed)
{
    var random = new Random(seed);
    var seen = new HashSet<string>(StringComparer.Ordinal);
    var entries = new List<ListEntry>(count);
    int holder = 1;
    while (entries.Count < count)
    {
        int roll = random.Next(1000);
        byte[] uid = new byte[roll < 900 ? 7 : roll < 995 ? 4 : 10];
        random.NextBytes(uid);
        if (uid.Length != 4)
        {
            uid[0] = 0x04; // NXP manufacturer code (ISO/IEC 7816-6)
        }

        if (!seen.Add(Convert.ToHexString(uid)))
        {
            continue;
        }

        CardState state = random.Next(100) < 95 ? CardState.Active : (CardState)(2 + random.Next(5));
        entries.Add(new ListEntry(uid, state, holder++, 0));
    }

    return entries.ToArray();
}

static ListEntry[] Mutate(ListEntry[] before, int changes, int seed, out int states, out int adds, out int removes)
{
    var random = new Random(seed);
    var after = before.Select(e => new ListEntry(e.Uid, e.State, e.HolderKey, e.Category)).ToList();
    states = changes * 70 / 100;
    adds = changes * 15 / 100;
    removes = changes - states - adds;
    var touched = new HashSet<int>();
    for (int i = 0; i < states; i++)
    {
        int index;
        do
        {
            index = random.Next(after.Count);
        }
        while (!touched.Add(index));

        // The card office's daily work: lost, stolen, renewed.
        after[index].State = after[index].State == CardState.Active ? (CardState)(2 + random.Next(3)) : CardState.Active;
    }

    var removeIndexes = new SortedSet<int>();
    while (removeIndexes.Count < removes)
    {
        int index = random.Next(after.Count);
        if (!touched.Contains(index))
        {
            removeIndexes.Add(index);
        }
    }

    foreach (int index in removeIndexes.Reverse())
    {
        after.RemoveAt(index);
    }

    for (int i = 0; i < adds; i++)
    {
        byte[] uid = new byte[7];
        random.NextBytes(uid);
        uid[0] = 0x04;
        after.Add(new ListEntry(uid, CardState.Active, 200_000 + i, 0));
    }

    return after.ToArray();
}
