using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Lists;
using LeoCarte.Gateway.Storage;
using LeoCarte.Tools.Shared;

// Import benchmark (issue 11): a campus export of N rows (default 100,000) written exactly as ESUP-SGC's
// csvSearch writes it (label header, uppercase csn, LocalDateTime dates, renewed holders with the old card
// DISABLED without motif), then: read (UTF-8 check + CsvHelper + row checks), plan against an empty list and
// publish version 1 into SQLite and into PostgreSQL (a throwaway cluster), re-import with a day's changes (publish version 2), and check-export's dry run.
// Prints wall time, bytes allocated and the process's peak working set for each step.
//   dotnet run -c Release --project Tools/ImportBenchmark [-- --rows 100000]
int rows = 100_000;
string backends = "sqlite,postgres";
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--rows" && i + 1 < args.Length)
    {
        rows = int.Parse(args[++i]);
    }
    else if (args[i] == "--backend" && i + 1 < args.Length)
    {
        backends = args[++i];
    }
}

string folder = Path.Combine(Path.GetTempPath(), "leocarte-importbench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
try
{
    var text = new StringWriter();
    EsupSgcCsvWriter.WriteCampus(text, rows, 2026);
    byte[] export = EsupSgcCsvWriter.Utf8(text.ToString());
    text = null;
    Console.WriteLine($"export: {rows:N0} rows, {export.Length:N0} bytes ({(double)export.Length / rows:0.0} bytes/row), written as ESUP-SGC csvSearch writes it");

    Measure("read, first call (JIT included)", () => EsupSgcExport.Read(export));
    ExportReadResult read = Measure("read (UTF-8 check, CsvHelper, row checks)", () => EsupSgcExport.Read(export));
    Console.WriteLine($"  {read.Cards.Count:N0} sound rows, {read.SetAside.Count} set aside, looks cut: {read.LooksCut ?? "no"}");

    // A day at the card office: 0.5 % of the cards change state (lost, stolen, re-enabled), 0.2 % new cards.
    string day = ChangeADay(Encoding.UTF8.GetString(export), rows);
    byte[] second = Encoding.UTF8.GetBytes(day);
    foreach (string backend in backends.Split(',', StringSplitOptions.RemoveEmptyEntries))
    {
        ThrowawayPostgres cluster = null;
        SqlGatewayStore store;
        if (backend == "postgres")
        {
            string why = ThrowawayPostgres.Unavailable();
            if (why != null)
            {
                Console.WriteLine("postgres: skipped, " + why);
                continue;
            }

            // A cluster of its own (initdb in a temp folder, fsync on), stopped and deleted at the end.
            cluster = ThrowawayPostgres.Start();
            store = new SqlGatewayStore(new PostgresDialect(), cluster.CreateDatabase("bench"));
        }
        else
        {
            store = new SqlGatewayStore(new SqliteDialect(), "Data Source=" + Path.Combine(folder, "bench.db"));
        }

        using (cluster)
        {
            Console.WriteLine($"--- {backend} ---");
            store.Initialize();
            var lists = new ListService(store, new AllowlistListEncoder(14, new LeoCarte.Terminal.Allowlist.ListSigning(new PemListSigner(1, BenchmarkKey()), store.DatabaseId())));
            ImportOutcome first = Measure($"first import: plan + publish version 1 ({backend})", () => lists.Apply(read, "bench", DateTime.UtcNow));
            Console.WriteLine("  " + first.Message);
            ImportOutcome next = Measure($"daily re-import: read + plan + publish version 2 ({backend})", () => lists.Apply(EsupSgcExport.Read(second), "bench", DateTime.UtcNow));
            Console.WriteLine("  " + next.Message);
            var (status, plan) = Measure("check-export dry run against version 2", () => lists.DryRun(EsupSgcExport.Read(second)));
            Console.WriteLine($"  {status}: {plan.Report.ChangeLine()}");
            Console.WriteLine($"snapshot of version 2: {lists.GetList(0).Bytes.Length:N0} bytes");
        }
    }

    Console.WriteLine($"peak working set of the process: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024):N0} MB");
    Console.WriteLine($"machine load average (1/5/15 min): {LoadAverage()}");
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(folder, true);
}

static T Measure<T>(string what, Func<T> step)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    long heapBefore = GC.GetTotalMemory(true);
    TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    T result = step();
    watch.Stop();
    double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
    long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
    long retained = GC.GetTotalMemory(true) - heapBefore;
    string phases = result is ImportOutcome { Timings: not null } o ? $" [{o.Timings}]" : "";
    Console.WriteLine($"{what}: {watch.Elapsed.TotalMilliseconds:N0} ms wall, {cpuMs:N0} ms CPU (this process){phases}, {allocated / (1024.0 * 1024):N1} MB allocated, {retained / (1024.0 * 1024):N1} MB still held after");
    return result;
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static string ChangeADay(string export, int rows)
{
    string[] lines = export.Split('\n');
    var random = new Random(7);
    int changed = 0;
    for (int i = 1; i < lines.Length - 1 && changed < rows / 200; i += random.Next(100, 300))
    {
        string[] f = lines[i].Split(';');
        if (f[2] == "ENABLED" && f[1].Length > 0)
        {
            f[2] = "DISABLED";
            f[5] = random.Next(3) == 0 ? "THEFT" : "LOST";
            lines[i] = string.Join(";", f);
            changed++;
        }
    }

    var text = new StringBuilder(string.Join("\n", lines.Take(lines.Length - 1))).Append('\n');
    for (int i = 0; i < rows / 500; i++)
    {
        text.Append(EsupSgcCsvWriter.Row(900_000 + i, "04FF" + i.ToString("X10"), "ENABLED", new DateTime(2026, 12, 1, 9, 0, 0).AddSeconds(i), $"new{i}@unicaen.fr", null));
    }

    return text.ToString();
}

// A list signing key made for the run (never written anywhere).
static string BenchmarkKey()
{
    using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
    return key.ExportPkcs8PrivateKeyPem();
}
