using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using LeoCarte.Gateway;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Lists;
using LeoCarte.HostAdapters;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;
using LeoCarte.Terminal.Tests.Host.Sync;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Npgsql;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

/// <summary>
/// Issue 15: several gateway instances on one PostgreSQL. Instance A runs in the test process; instance B is a
/// real gateway process (LeoCarte.Gateway.dll) so it can be killed with SIGKILL. Both serve the same
/// terminals (a reverse proxy would spread them); imports race on both; one instance dies mid-upload or
/// mid-publication. Afterwards: versions 1..N without a gap or a repeat, the cards table equals the current
/// version, and every journal record of every terminal is stored exactly once.
/// </summary>
[TestClass]
public class MultiInstancePostgresTests
{
    private const int TerminalCount = 6;

    private static string TerminalName(int i) => $"RU-MULTI-{i:00}";

    private static byte[] SecretOf(int i) => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("multi secret " + i));

    private sealed class Rig : IAsyncDisposable
    {
        public string Schema;
        public string Connection;
        public string Folder;
        public string ExportPath;
        public WebApplication A;
        public int PortA;
        public Process B;
        public int PortB;
        public GatewayOptions Options;

        public static Rig Create(string export)
        {
            var rig = new Rig();
            rig.Connection = PostgresForTests.NewSchema(out rig.Schema);
            rig.Folder = Path.Combine(Path.GetTempPath(), "leocarte-multi-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(rig.Folder);
            rig.ExportPath = Path.Combine(rig.Folder, "export.csv");
            File.WriteAllText(rig.ExportPath, export);
            rig.Options = new GatewayOptions
            {
                Database = "postgres",
                ConnectionString = rig.Connection,
                SiteId = GatewayFixture.SiteId,
                ListSigningKeyPem = GatewayFixture.ListKeyPem,
                ListSigningKeyId = global::LeoCarte.Terminal.Tests.Support.HostListKeys.KeyId,
                Terminals = Enumerable.Range(0, TerminalCount).ToDictionary(TerminalName, i => Convert.ToHexString(SecretOf(i))),
                ImportSource = rig.ExportPath,
                ImportIntervalSeconds = 0,
                // The terminals' clock moves 61 s per round (six rounds): not a skew test.
                MaxClockSkewSeconds = 3600,
            };
            return rig;
        }

        public async Task StartAAsync()
        {
            PortA = GatewayApp.FreeLoopbackPort();
            A = GatewayApp.Build(Options, $"http://127.0.0.1:{PortA}", logging => logging.SetMinimumLevel(LogLevel.Warning));
            await A.StartAsync();
        }

        /// <summary>Starts instance B as its own process; it imports the export at start (as every instance does).</summary>
        public void StartB()
        {
            PortB = GatewayApp.FreeLoopbackPort();
            string config = Path.Combine(Folder, "b.json");
            File.WriteAllText(config, JsonSerializer.Serialize(new
            {
                Options.Database,
                Options.ConnectionString,
                Options.SiteId,
                Options.ListSigningKeyPem,
                Options.ListSigningKeyId,
                Options.Terminals,
                Options.ImportSource,
                Options.ImportIntervalSeconds,
                Options.MaxClockSkewSeconds,
            }));
            string dll = Path.Combine(AppContext.BaseDirectory, "LeoCarte.Gateway.dll");
            var info = new ProcessStartInfo("dotnet", $"\"{dll}\" --config \"{config}\" --urls http://127.0.0.1:{PortB}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            B = Process.Start(info);
            B.OutputDataReceived += (_, _) => { };
            B.ErrorDataReceived += (_, _) => { };
            B.BeginOutputReadLine();
            B.BeginErrorReadLine();
        }

        public async Task WaitBReadyAsync()
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(60))
            {
                Assert.IsFalse(B.HasExited, "instance B exited at start");
                try
                {
                    await http.GetAsync($"http://127.0.0.1:{PortB}/openapi.yaml");
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    await Task.Delay(100);
                }
            }

            Assert.Fail("instance B did not start within 60 s");
        }

        /// <summary>SIGKILL: no shutdown code runs, open transactions are abandoned by the server.</summary>
        public void KillB()
        {
            if (B is { HasExited: false })
            {
                B.Kill();
                B.WaitForExit(10_000);
            }
        }

        public ImportService ImportsA => A.Services.GetRequiredService<ImportService>();

        public ListService ListsA => A.Services.GetRequiredService<ListService>();

        public async ValueTask DisposeAsync()
        {
            KillB();
            B?.Dispose();
            if (A != null)
            {
                await A.StopAsync();
                await A.DisposeAsync();
            }

            PostgresForTests.DropSchema(Schema);
            try
            {
                Directory.Delete(Folder, true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static HostTerminal Terminal(int i, Uri gateway, IFileStore files, ManualClockHardware clock) => Tolerant(new(
        new HostTerminalOptions
        {
            TerminalId = TerminalName(i),
            TerminalSecret = SecretOf(i),
            GatewayUri = gateway,
            SiteId = GatewayFixture.SiteId,
            ListPublicKeys = new Dictionary<uint, byte[]> { [global::LeoCarte.Terminal.Tests.Support.HostListKeys.KeyId] = global::LeoCarte.Terminal.Tests.Support.HostListKeys.Gateway.PublicKey },
            Mode = TerminalMode.Vending,
            Sync = new SyncOptions { IntervalSeconds = 60, UploadBufferSize = 8 * 64 },
            HttpTimeout = TimeSpan.FromSeconds(10),
            Seed = (uint)(i + 1),
        },
        files,
        clock));

    /// <summary>
    /// The terminals' time runs 61 s per round while the gateway processes run in real time: each round the
    /// gateway's time is a step back that SyncedClock (issue 13) would refuse as "clock suspect". Not what this
    /// test is about: a tolerance wider than a round lets the gateway's time correct the clock as before.
    /// </summary>
    private static HostTerminal Tolerant(HostTerminal terminal)
    {
        terminal.Clock.MaxSkewSeconds = 3600;
        return terminal;
    }

    private static string Campus(int cards, int seed)
    {
        var text = new StringWriter();
        EsupSgcCsvWriter.WriteCampus(text, cards, seed);
        return text.ToString();
    }

    /// <summary>A card of the campus export disabled (LOST): a change of one card.</summary>
    private static string WithOneLost(string export, int line)
    {
        string[] lines = export.Split('\n');
        for (int i = line; i < lines.Length; i++)
        {
            string[] f = lines[i].Split(';');
            if (f.Length > 5 && f[2] == "ENABLED" && f[1].Length > 0)
            {
                f[2] = "DISABLED";
                f[5] = "LOST";
                lines[i] = string.Join(";", f);
                break;
            }
        }

        return string.Join("\n", lines);
    }

    [TestMethod]
    public async Task TwoInstancesServeTheSameTerminalsAndOneIsKilledWithoutLossOrDuplicate()
    {
        string export = Campus(500, 11);
        await using Rig rig = Rig.Create(export);
        await rig.StartAAsync();

        // Both instances import the same export at once: B at its start, A on demand.
        rig.StartB();
        ImportOutcome byA = await rig.ImportsA.ImportNowAsync();
        await rig.WaitBReadyAsync();
        Assert.IsTrue(byA.Ok, byA.Message);
        await WaitForImportsAsync(rig.Connection, 3);
        CollectionAssert.AreEqual(new long[] { 1 }, Versions(rig.Connection), "the racing imports published one version");
        string[] messages = Messages(rig.Connection);
        Console.WriteLine("imports: " + string.Join(" | ", messages));
        Assert.AreEqual(1, messages.Count(m => m.StartsWith("published version 1", StringComparison.Ordinal)), string.Join(" | ", messages));
        // A imports at its start and on demand, B at its start: three imports of one export, one publication.
        Assert.AreEqual(messages.Length - 1, messages.Count(m => m.StartsWith("unchanged", StringComparison.Ordinal) || m.Contains("not re-imported", StringComparison.Ordinal)), string.Join(" | ", messages));
        CheckConsistent(rig.Connection);

        var clock = new ManualClockHardware(DateTime.UtcNow);
        var files = Enumerable.Range(0, TerminalCount).Select(_ => (IFileStore)new MemoryFileStore()).ToArray();
        Uri uriA = new($"http://127.0.0.1:{rig.PortA}/"), uriB = new($"http://127.0.0.1:{rig.PortB}/");
        var terminals = Enumerable.Range(0, TerminalCount).Select(i => Terminal(i, i % 2 == 0 ? uriA : uriB, files[i], clock)).ToArray();
        var random = new Random(5);
        try
        {
            for (int round = 0; round < 6; round++)
            {
                foreach (HostTerminal terminal in terminals)
                {
                    for (int tap = 0; tap < 3; tap++)
                    {
                        byte[] uid = new byte[7];
                        random.NextBytes(uid);
                        uid[0] = 0x04;
                        terminal.Tap(uid);
                    }
                }

                if (round == 1)
                {
                    // A card reported lost: A imports and publishes version 2; B serves it too, within its
                    // version check interval (one cheap query per second), with no import of its own.
                    File.WriteAllText(rig.ExportPath, WithOneLost(export, 20));
                    ImportOutcome second = await rig.ImportsA.ImportNowAsync();
                    Assert.AreEqual(ImportStatus.Published, second.Status, second.Message);
                    Assert.AreEqual(2L, second.Version);
                    await Task.Delay(rig.ListsA.VersionCheckInterval + TimeSpan.FromMilliseconds(200));
                }

                if (round == 2)
                {
                    // Instance B dies while its terminals are uploading; the proxy then sends them to A.
                    Task<SyncStepResult>[] inFlight = Enumerable.Range(0, TerminalCount).Where(i => i % 2 == 1)
                        .Select(i => Task.Run(() => terminals[i].StepUntilCycleEnds())).ToArray();
                    await Task.Delay(random.Next(5, 40));
                    rig.KillB();
                    await Task.WhenAll(inFlight);
                    for (int i = 1; i < TerminalCount; i += 2)
                    {
                        terminals[i].Dispose();
                        terminals[i] = Terminal(i, uriA, files[i], clock); // same flash: the same terminal, rerouted
                    }
                }

                if (round == 3)
                {
                    File.WriteAllText(rig.ExportPath, WithOneLost(WithOneLost(export, 20), 40));
                    ImportOutcome third = await rig.ImportsA.ImportNowAsync();
                    Assert.AreEqual(3L, third.Version, third.Message);
                }

                clock.Advance(TimeSpan.FromSeconds(61));
                foreach (HostTerminal terminal in terminals)
                {
                    SyncStepResult result = terminal.StepUntilCycleEnds();
                    Assert.AreEqual(SyncStepResult.CycleCompleted, result, $"round {round}, {terminal.Options.TerminalId}: {terminal.Sync.Statistics.LastError}");
                }

                long expected = round >= 3 ? 3 : round >= 1 ? 2 : 1;
                Assert.IsTrue(terminals.All(t => t.Allowlist.Version == expected), $"round {round}: every terminal holds version {expected}, through either instance");
            }

            // Exactly once: every record each terminal wrote is stored once and acknowledged.
            var counters = Counters(rig.Connection);
            foreach (HostTerminal terminal in terminals)
            {
                string id = terminal.Options.TerminalId;
                long written = terminal.Journal.LastSequence;
                Assert.AreEqual(18L, written, id);
                Assert.AreEqual(written, terminal.Journal.AcknowledgedSequence, id + ": everything acknowledged");
                Assert.AreEqual(written, Count(rig.Connection, $"SELECT COUNT(*) FROM journal WHERE terminal_id = '{id}'"), id + ": stored once");
                Assert.AreEqual(written, counters[id], id + ": the page's counter");
            }

            Assert.AreEqual(0L, Count(rig.Connection, "SELECT COUNT(*) FROM journal_conflicts"));
            CollectionAssert.AreEqual(new long[] { 1, 2, 3 }, Versions(rig.Connection));
            CheckConsistent(rig.Connection);
        }
        finally
        {
            foreach (HostTerminal terminal in terminals)
            {
                terminal.Dispose();
            }
        }
    }

    [TestMethod]
    public async Task AnInstanceKilledDuringAnImportLeavesTheOldVersionOrTheNewOneNeverHalf()
    {
        // A large first import (20,000 cards) gives the kill a window inside the holder keys, the COPY and the publication.
        string export = Campus(20_000, 12);
        await using Rig rig = Rig.Create(export);
        await rig.StartAAsync();
        var random = new Random(3);
        var kills = new List<string>();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            File.WriteAllText(rig.ExportPath, attempt == 0 ? export : WithOneLost(export, 100 * attempt));
            rig.StartB();
            await rig.WaitBReadyAsync(); // the import runs in the background after start
            int delay = random.Next(0, 1500);
            await Task.Delay(delay);
            rig.KillB();
            kills.Add($"killed {delay} ms after start: versions {string.Join(",", Versions(rig.Connection))}");
            CheckConsistent(rig.Connection);
        }

        Console.WriteLine(string.Join("\n", kills));

        // A (alive) imports the latest export: one new version at most, consistent, and served.
        ImportOutcome outcome = await rig.ImportsA.ImportNowAsync();
        Assert.IsTrue(outcome.Ok, outcome.Message);
        long[] versions = Versions(rig.Connection);
        CollectionAssert.AreEqual(Enumerable.Range(1, versions.Length).Select(v => (long)v).ToArray(), versions, "versions strictly increasing, no gap");
        CheckConsistent(rig.Connection);
        Assert.AreEqual(versions[^1], rig.ListsA.Current(force: true).Version);
        Assert.AreEqual(ListAnswerKind.Snapshot, rig.ListsA.GetList(0).Kind);
    }

    private static async Task WaitForImportsAsync(string connection, long count)
    {
        var watch = Stopwatch.StartNew();
        while (Count(connection, "SELECT COUNT(*) FROM imports") < count && watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }
    }

    private static long[] Versions(string connection)
    {
        var versions = new List<long>();
        using var c = new NpgsqlConnection(connection);
        c.Open();
        using var command = new NpgsqlCommand("SELECT version FROM list_versions ORDER BY version", c);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            versions.Add(reader.GetInt64(0));
        }

        return versions.ToArray();
    }

    private static string[] Messages(string connection)
    {
        var messages = new List<string>();
        using var c = new NpgsqlConnection(connection);
        c.Open();
        using var command = new NpgsqlCommand("SELECT message FROM imports ORDER BY id", c);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            messages.Add(reader.GetString(0));
        }

        return messages.ToArray();
    }

    private static Dictionary<string, long> Counters(string connection)
    {
        var counters = new Dictionary<string, long>();
        using var c = new NpgsqlConnection(connection);
        c.Open();
        using var command = new NpgsqlCommand("SELECT terminal_id, journal_records FROM terminals", c);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            counters[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counters;
    }

    private static long Count(string connection, string sql)
    {
        using var c = new NpgsqlConnection(connection);
        c.Open();
        using var command = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(command.ExecuteScalar());
    }

    /// <summary>The database after any kill: the current version is the last one, complete, and its cards are the cards table.</summary>
    private static void CheckConsistent(string connection)
    {
        long current = Count(connection, "SELECT value FROM meta WHERE key = 'current_version'");
        long[] versions = Versions(connection);
        Assert.AreEqual(versions.Length == 0 ? 0 : versions[^1], current, "current_version is the last published version");
        if (current == 0)
        {
            Assert.AreEqual(0L, Count(connection, "SELECT COUNT(*) FROM cards"), "nothing half-published");
            Assert.AreEqual(0L, Count(connection, "SELECT COUNT(*) FROM list_changes"));
            return;
        }

        Assert.AreEqual(Count(connection, $"SELECT card_count FROM list_versions WHERE version = {current}"), Count(connection, "SELECT COUNT(*) FROM cards"), "cards = the current version's card count");
        Assert.AreEqual(Count(connection, $"SELECT change_count FROM list_versions WHERE version = {current}"), Count(connection, $"SELECT COUNT(*) FROM list_changes WHERE version = {current}"));
        Assert.AreEqual(0L, Count(connection, $"SELECT COUNT(*) FROM list_changes WHERE version > {current}"), "no changes of an unpublished version");
        Assert.AreEqual(1L, Count(connection, "SELECT COUNT(*) FROM list_versions WHERE snapshot IS NOT NULL"), "one snapshot kept: the current one");
        Assert.AreEqual(0L, Count(connection, "SELECT COUNT(*) FROM (SELECT holder_key FROM holders GROUP BY holder_key HAVING COUNT(*) > 1) d"), "holder keys unique");
    }
}
