using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Storage;
using LeoCarte.HostAdapters;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;
using LeoCarte.Tools.GatewayLoad;
using LeoCarte.Tools.Shared;

// Gateway load benchmark (issue 15). N simulated terminals — each the real terminal core (allowlist, journal,
// decision engine, sync engine) with its real request signing, through HostAdapters/HostTerminal — against a
// real gateway PROCESS on loopback (SQLite file or a throwaway PostgreSQL cluster). Open loop: terminal i syncs
// at t0 + i·interval/N + k·interval, real time, whatever the gateway's latency (5,000 terminals at 60 s = 83
// cycles/s). Closed loop: every terminal syncs again as soon as its cycle ends (the maximum rate). A changed
// export is imported mid-run; optionally the gateway is killed (SIGKILL) and restarted. Printed: req/s and
// p50/p95/p99 per endpoint, gateway CPU per sync cycle, memory, and an exactly-once count at the end.
//   dotnet run -c Release --project Tools/GatewayLoad -- [--terminals 200] [--backend sqlite|postgres]
//       [--mode open|closed] [--seconds 60] [--interval 60] [--cards 2000] [--workers 32] [--taps 2]
//       [--import-at 30] [--kill-at -1]
var settings = new Dictionary<string, string>
{
    ["terminals"] = "200", ["backend"] = "sqlite", ["mode"] = "open", ["seconds"] = "60", ["interval"] = "60", ["cards"] = "2000",
    ["workers"] = "32", ["taps"] = "2", ["import-at"] = "-1", ["kill-at"] = "-1",
};
for (int i = 0; i + 1 < args.Length; i += 2)
{
    string key = args[i].TrimStart('-');
    if (!settings.ContainsKey(key))
    {
        Console.Error.WriteLine($"unknown option {args[i]}; options: {string.Join(", ", settings.Keys.Select(k => "--" + k))}");
        return 2;
    }

    settings[key] = args[i + 1];
}

int terminalCount = int.Parse(settings["terminals"]);
string backend = settings["backend"];
bool closedLoop = settings["mode"] == "closed";
double seconds = double.Parse(settings["seconds"], System.Globalization.CultureInfo.InvariantCulture);
double interval = double.Parse(settings["interval"], System.Globalization.CultureInfo.InvariantCulture);
int cards = int.Parse(settings["cards"]);
int workers = int.Parse(settings["workers"]);
int tapsPerCycle = int.Parse(settings["taps"]);
double importAt = double.Parse(settings["import-at"], System.Globalization.CultureInfo.InvariantCulture);
double killAt = double.Parse(settings["kill-at"], System.Globalization.CultureInfo.InvariantCulture);
if (importAt < 0)
{
    importAt = seconds / 2;
}

string folder = Path.Combine(Path.GetTempPath(), "leocarte-load-" + Guid.NewGuid().ToString("N")[..12]);
Directory.CreateDirectory(folder);
ThrowawayPostgres cluster = null;
GatewayProcess gateway = null;
try
{
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {LoadAverage()} at start");
    byte[] siteKey = System.Security.Cryptography.SHA256.HashData("gateway load site key"u8); // derives the terminals' request secrets
    // The list signing key of the run (ECDSA P-256, never written outside the run's folder); the terminals hold its public key.
    string listKeyPem;
    using (var listKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
    {
        listKeyPem = listKey.ExportPkcs8PrivateKeyPem();
    }

    byte[] listPublicKey;
    using (var signer = new LeoCarte.Gateway.Lists.PemListSigner(1, listKeyPem))
    {
        listPublicKey = signer.PublicKey;
    }

    string exportPath = Path.Combine(folder, "export.csv");
    var text = new StringWriter();
    EsupSgcCsvWriter.WriteCampus(text, cards, 2026);
    string export = text.ToString();
    File.WriteAllText(exportPath, export);

    string connection;
    if (backend == "postgres")
    {
        string why = ThrowawayPostgres.Unavailable();
        if (why != null)
        {
            Console.WriteLine("postgres: " + why);
            return 1;
        }

        cluster = ThrowawayPostgres.Start();
        connection = cluster.CreateDatabase("gateway");
    }
    else
    {
        connection = "Data Source=" + Path.Combine(folder, "gateway.db");
    }

    var ids = Enumerable.Range(1, terminalCount).Select(i => $"LOAD-{i:00000}").ToArray();
    byte[] Secret(string id) => System.Security.Cryptography.HMACSHA256.HashData(siteKey, System.Text.Encoding.UTF8.GetBytes(id));
    string config = Path.Combine(folder, "gateway.json");
    File.WriteAllText(config, JsonSerializer.Serialize(new
    {
        Database = backend,
        ConnectionString = connection,
        SiteId = 14,
        ListSigningKeyPem = listKeyPem,
        ListSigningKeyId = 1,
        Terminals = ids.ToDictionary(id => id, id => Convert.ToHexString(Secret(id))),
        ImportSource = exportPath,
        ImportIntervalSeconds = 5, // the changed export is picked up within 5 s; unchanged re-reads are a hash check
        // Every simulated terminal comes from 127.0.0.1, as behind a reverse proxy: the per-address bucket (1,200
        // requests/min by default) would refuse most of 5,000 terminals' requests with 429. The per-terminal
        // buckets stay on (their cost is part of what is measured); in the closed loop a terminal syncs about
        // once a second instead of once a minute, so its bucket is made wide enough never to refuse (with the
        // default 120/min, 152,137 of 185,820 cycles of a 1,000-terminal closed loop failed on 429).
        RateLimits = closedLoop
            ? new { PerAddressPerMinute = 0, PerTerminalPerMinute = 6_000_000, PerTerminalBurst = 100_000 }
            : new { PerAddressPerMinute = 0, PerTerminalPerMinute = 120, PerTerminalBurst = 60 },
    }));
    gateway = new GatewayProcess(config);
    gateway.Start();
    var store = new SqlGatewayStore(backend == "postgres" ? new PostgresDialect() : new SqliteDialect(), connection);
    var waitList = Stopwatch.StartNew();
    while (store.CurrentVersionNumber() == 0 && waitList.Elapsed < TimeSpan.FromSeconds(120))
    {
        Thread.Sleep(200);
    }

    Console.WriteLine($"gateway ({backend}) up, version {store.CurrentVersionNumber()} of {cards:N0} export rows published after {waitList.Elapsed.TotalSeconds:N1} s");

    // One connection pool and one latency recorder for all terminals (a real fleet has one TCP connection per
    // terminal; loopback sockets are not what is measured here).
    var recorder = new LatencyRecorder(new SocketsHttpHandler { MaxConnectionsPerServer = workers * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
    var clocks = new ManualClockHardware[terminalCount];
    var terminals = new HostTerminal[terminalCount];
    for (int i = 0; i < terminalCount; i++)
    {
        clocks[i] = new ManualClockHardware(DateTime.UtcNow);
        terminals[i] = new HostTerminal(new HostTerminalOptions
        {
            TerminalId = ids[i],
            TerminalSecret = Secret(ids[i]),
            GatewayUri = gateway.BaseUri,
            SiteId = 14,
            ListPublicKeys = new Dictionary<uint, byte[]> { [1] = listPublicKey },
            ListSignatureVerifier = new LeoCarte.Terminal.Tests.Support.DotNetListSignatureVerifier(),
            Mode = TerminalMode.Vending,
            // The driver decides when a cycle runs (open or closed loop): the engine finds one due at every call.
            Sync = new SyncOptions { IntervalSeconds = 1, RetryBaseMilliseconds = 1000, RetryMaxMilliseconds = 4000 },
            HttpTimeout = TimeSpan.FromSeconds(30),
            JournalCapacity = 256, // 5,000 terminals in one process: 16 KB of journal each
            Seed = (uint)(i + 1),
            Handler = recorder, // shared: the terminals are never disposed (that would dispose the pool)
        }, new MemoryFileStore(), clocks[i]);
    }

    var runClock = Stopwatch.StartNew();
    var cycleResults = new long[4]; // completed, failed, idle, skipped (still running)
    var failureReasons = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(); // the sync engine's LastError of failed cycles
    var running = new int[terminalCount];
    var tapRandom = new ThreadLocal<Random>(() => new Random(Environment.CurrentManagedThreadId));

    void Cycle(int i)
    {
        // Real time on the terminal's clock (requests are signed with it; the gateway checks the skew).
        ManualClockHardware clock = clocks[i];
        clock.SetUtc(DateTime.UtcNow);
        // The engine's interval (1 s) runs on the monotonic clock: moved on by more than that at every call, so
        // the cycle the driver asks for is always due (and a failed cycle's backoff, ≤ 4 s, ends within 4 calls).
        clock.Monotonic = Math.Max(clock.Monotonic + 1_100, runClock.ElapsedMilliseconds + 10_000);
        Random random = tapRandom.Value;
        for (int t = 0; t < tapsPerCycle; t++)
        {
            byte[] uid = new byte[7];
            random.NextBytes(uid);
            uid[0] = 0x04;
            terminals[i].Tap(uid);
        }

        SyncStepResult result = terminals[i].StepUntilCycleEnds();
        Interlocked.Increment(ref cycleResults[result == SyncStepResult.CycleCompleted ? 0 : result == SyncStepResult.Idle ? 2 : 1]);
        if (result != SyncStepResult.CycleCompleted && result != SyncStepResult.Idle)
        {
            failureReasons.AddOrUpdate(terminals[i].Sync.Statistics.LastError ?? "(no reason)", 1, (_, n) => n + 1);
        }
    }

    var queue = Channel.CreateUnbounded<int>();
    using var stop = new CancellationTokenSource();
    var workerTasks = Enumerable.Range(0, workers).Select(_ => Task.Factory.StartNew(() =>
    {
        while (queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (queue.Reader.TryRead(out int i))
            {
                try
                {
                    Cycle(i);
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine($"{ids[i]}: {e.GetType().Name} {e.Message}");
                    Interlocked.Increment(ref cycleResults[1]);
                }
                finally
                {
                    Volatile.Write(ref running[i], 0);
                }

                if (closedLoop && !stop.IsCancellationRequested && Interlocked.CompareExchange(ref running[i], 1, 0) == 0)
                {
                    queue.Writer.TryWrite(i);
                }
            }
        }
    }, TaskCreationOptions.LongRunning)).ToArray();

    double cpuGatewayStart = 0, cpuDatabaseStart = 0, cpuClientStart = 0, measuredFrom = 0;
    long cyclesAtStart = 0;
    bool warm = false, imported = false, killed = false;
    Task restart = Task.CompletedTask;
    double lastDatabaseSample = 0;
    void StartMeasuring(double at)
    {
        recorder.Reset();
        cpuGatewayStart = gateway.CpuSeconds();
        cpuDatabaseStart = DatabaseCpuSeconds(cluster);
        cpuClientStart = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        cyclesAtStart = Interlocked.Read(ref cycleResults[0]);
        measuredFrom = at;
    }

    StartMeasuring(0);
    var schedule = new PriorityQueue<int, double>();
    for (int i = 0; i < terminalCount; i++)
    {
        schedule.Enqueue(i, closedLoop ? 0 : i * interval / terminalCount);
    }

    Console.WriteLine(closedLoop
        ? $"closed loop: {terminalCount:N0} terminals, {workers} concurrent, {seconds} s"
        : $"open loop at real time: {terminalCount:N0} terminals every {interval} s = {terminalCount / interval:N1} cycles/s, {seconds} s");
    while (runClock.Elapsed.TotalSeconds < seconds)
    {
        double now = runClock.Elapsed.TotalSeconds;
        if (!warm && (closedLoop ? now >= Math.Min(10, seconds / 4) : now >= interval) && seconds > (closedLoop ? 20 : 2 * interval))
        {
            // The first cycle of every terminal downloads a snapshot: measured apart from the steady state.
            Console.WriteLine($"first {now:N0} s (every terminal's first sync = snapshot download):");
            foreach (string line in recorder.Report())
            {
                Console.WriteLine(line);
            }

            StartMeasuring(now);
            warm = true;
        }

        if (!imported && now >= importAt)
        {
            File.WriteAllText(exportPath, ChangeSome(export, cards / 200));
            Console.WriteLine($"t={now:N0} s: changed export written ({cards / 200} cards lost/stolen); the gateway imports it within 5 s");
            imported = true;
        }

        if (!killed && killAt >= 0 && now >= killAt)
        {
            gateway.Kill();
            Console.WriteLine($"t={now:N0} s: gateway killed (SIGKILL); restarting");
            killed = true;
            // Restarted beside the schedule: the terminals keep their times and fail (then back off) meanwhile.
            restart = Task.Run(() =>
            {
                gateway.Start();
                Console.WriteLine($"t={runClock.Elapsed.TotalSeconds:N0} s: gateway restarted (the unchanged export is not re-imported)");
            });
        }

        if (now - lastDatabaseSample >= 1)
        {
            DatabaseCpuSeconds(cluster);
            lastDatabaseSample = now;
        }

        if (closedLoop)
        {
            while (schedule.TryDequeue(out int i, out _))
            {
                Volatile.Write(ref running[i], 1);
                queue.Writer.TryWrite(i);
            }

            Thread.Sleep(100);
            continue;
        }

        while (schedule.TryPeek(out int next, out double due) && due <= now)
        {
            schedule.Dequeue();
            schedule.Enqueue(next, due + interval);
            if (Interlocked.CompareExchange(ref running[next], 1, 0) == 0)
            {
                queue.Writer.TryWrite(next);
            }
            else
            {
                Interlocked.Increment(ref cycleResults[3]);
            }
        }

        Thread.Sleep(5);
    }

    stop.Cancel();
    restart.Wait();
    double measuredSeconds = runClock.Elapsed.TotalSeconds - measuredFrom;
    double gatewayCpu = gateway.CpuSeconds() - cpuGatewayStart;
    double databaseCpu = DatabaseCpuSeconds(cluster) - cpuDatabaseStart;
    double clientCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpuClientStart;
    long cycles = Interlocked.Read(ref cycleResults[0]) - cyclesAtStart;
    string[] report = recorder.Report().ToArray();
    recorder.Recording = false;
    queue.Writer.TryComplete();
    Task.WaitAll(workerTasks);

    Console.WriteLine($"{(warm ? "steady state, last" : "whole run,")} {measuredSeconds:N0} s: {cycles:N0} sync cycles completed = {cycles / measuredSeconds:N1} cycles/s; " +
        $"whole run: {cycleResults[0]:N0} completed, {cycleResults[1]:N0} failed, {cycleResults[2]:N0} idle, {cycleResults[3]:N0} skipped (previous cycle still running)");
    foreach (string line in report)
    {
        Console.WriteLine(line);
    }

    Console.WriteLine($"CPU per sync cycle: gateway {1000 * gatewayCpu / Math.Max(1, cycles):N2} ms" +
        (cluster != null ? $", PostgreSQL server {1000 * databaseCpu / Math.Max(1, cycles):N2} ms" : "") +
        $", simulated terminals {1000 * clientCpu / Math.Max(1, cycles):N2} ms (gateway {100 * gatewayCpu / measuredSeconds:N0} % of one core)");
    Console.WriteLine($"gateway memory: {gateway.Memory()}");
    Console.WriteLine($"machine load average at the end: {LoadAverage()}");

    // Drain: every terminal syncs until its journal is acknowledged, then count what the gateway holds.
    var drain = Stopwatch.StartNew();
    for (int round = 0; round < 20; round++)
    {
        int[] pending = Enumerable.Range(0, terminalCount).Where(i => terminals[i].Journal.AcknowledgedSequence < terminals[i].Journal.LastSequence).ToArray();
        if (pending.Length == 0)
        {
            break;
        }

        Thread.Sleep(200);
        Parallel.ForEach(pending, new ParallelOptions { MaxDegreeOfParallelism = workers }, i =>
        {
            clocks[i].SetUtc(DateTime.UtcNow);
            clocks[i].Monotonic = Math.Max(clocks[i].Monotonic + 1_100, runClock.ElapsedMilliseconds + 10_000);
            terminals[i].StepUntilCycleEnds();
        });
    }

    long produced = terminals.Sum(t => t.Journal.LastSequence);
    long acknowledged = terminals.Sum(t => Math.Min(t.Journal.AcknowledgedSequence, t.Journal.LastSequence));
    long stored = 0, missing = 0, extra = 0;
    for (int i = 0; i < terminalCount; i++)
    {
        long count = store.JournalCount(ids[i]);
        stored += count;
        missing += Math.Max(0, terminals[i].Journal.LastSequence - count);
        extra += Math.Max(0, count - terminals[i].Journal.LastSequence);
    }

    long counters = store.Terminals().Sum(t => t.JournalRecords);
    long version = store.CurrentVersionNumber();
    int onLatest = terminals.Count(t => t.Allowlist.Version == version);
    foreach (var (reason, count) in failureReasons.OrderByDescending(f => f.Value).Take(5))
    {
        Console.WriteLine($"  failed cycles: {count:N0} × {reason}");
    }

    Console.WriteLine($"exactly once (after a {drain.Elapsed.TotalSeconds:N0} s drain): {produced:N0} records written by the terminals, {acknowledged:N0} acknowledged, " +
        $"{stored:N0} stored ({missing:N0} missing, {extra:N0} extra), per-terminal counters {counters:N0}; {onLatest:N0}/{terminalCount:N0} terminals hold version {version}");
    return missing == 0 && extra == 0 && counters == stored ? 0 : 1;
}
finally
{
    gateway?.Kill();
    cluster?.Dispose();
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    try
    {
        Directory.Delete(folder, true);
    }
    catch (IOException)
    {
    }
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

// CPU seconds of the PostgreSQL server and its backends (children of the postmaster), from /proc. A backend
// that exits (its gateway connection closed) takes its CPU with it: each pid's last reading is kept, so the
// caller samples every second.
static double DatabaseCpuSeconds(ThrowawayPostgres cluster)
{
    if (cluster == null || !Directory.Exists("/proc"))
    {
        return 0;
    }

    Dictionary<int, long> seen = BackendTicks.Seen;
    foreach (string dir in Directory.EnumerateDirectories("/proc"))
    {
        if (!int.TryParse(Path.GetFileName(dir), out int pid))
        {
            continue;
        }

        try
        {
            string stat = File.ReadAllText(Path.Combine(dir, "stat"));
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            int ppid = int.Parse(f[1]);
            if (pid == cluster.ServerProcessId || ppid == cluster.ServerProcessId)
            {
                seen[pid] = long.Parse(f[11]) + long.Parse(f[12]); // utime + stime
            }
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
        }
    }

    return seen.Values.Sum() / 100.0; // USER_HZ
}

static string ChangeSome(string export, int count)
{
    string[] lines = export.Split('\n');
    int changed = 0;
    for (int i = 1; i < lines.Length && changed < count; i += 37)
    {
        string[] f = lines[i].Split(';');
        if (f.Length > 5 && f[2] == "ENABLED" && f[1].Length > 0)
        {
            f[2] = "DISABLED";
            f[5] = changed % 3 == 0 ? "THEFT" : "LOST";
            lines[i] = string.Join(";", f);
            changed++;
        }
    }

    return string.Join("\n", lines);
}

internal static class BackendTicks
{
    public static readonly Dictionary<int, long> Seen = new();
}
