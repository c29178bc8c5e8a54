using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LeoCarte.Gateway;
using LeoCarte.Gateway.Import;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Sync;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeoCarte.Tools.SyncBenchmark;

/// <summary>
/// Measures bytes on the wire through the real gateway: the population is written as an ESUP-SGC CSV export,
/// imported, and fetched with a raw HTTP/1.1 request signed exactly as the terminal signs it; every byte sent
/// and received on the TCP connection is counted (HTTP framing included, TLS and TCP/IP excluded).
/// </summary>
internal static partial class WireMeasurement
{
    private const string TerminalId = "BENCH-01";
    private static readonly byte[] Secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32); // the gateway refuses an all-zero secret
    /// <summary>The gateway's list signing key for the run (never written anywhere but the run's temp folder).</summary>
    public static readonly string BenchmarkKeyPem = NewKeyPem();

    private static string NewKeyPem()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    static partial void PrintThroughGateway(ListEntry[] before, ListEntry[] after, int snapshotBody, int deltaBody)
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        int port = LeoCarte.Gateway.GatewayApp.FreeLoopbackPort();
        var options = new GatewayOptions
        {
            ConnectionString = "Data Source=" + Path.Combine(folder, "bench.db"),
            SiteId = 14,
            ListSigningKeyPem = BenchmarkKeyPem,
            Terminals = new Dictionary<string, string> { [TerminalId] = Convert.ToHexString(Secret) },
            ImportSource = Path.Combine(folder, "export.csv"),
            ImportIntervalSeconds = 0,
        };
        try
        {
            File.WriteAllText(options.ImportSource, Csv(before));
            WebApplication app = GatewayApp.Build(options, $"http://127.0.0.1:{port}", logging => logging.SetMinimumLevel(LogLevel.Warning));
            app.StartAsync().GetAwaiter().GetResult();
            var imports = app.Services.GetRequiredService<ImportService>();
            var first = imports.ImportNowAsync().GetAwaiter().GetResult();
            (long sent, long received, int status, long body) snapshot = Fetch(port, 0);
            File.WriteAllText(options.ImportSource, Csv(after));
            var second = imports.ImportNowAsync().GetAwaiter().GetResult();
            (long sent, long received, int status, long body) delta = Fetch(port, first.Version);
            (long sent, long received, int status, long body) upToDate = Fetch(port, second.Version);
            app.StopAsync().GetAwaiter().GetResult();
            app.DisposeAsync().GetAwaiter().GetResult();

            Console.WriteLine($"through the gateway (HTTP/1.1 on loopback, every byte of the TCP stream counted; the 100,000-card export imported as version {first.Version}, the changed one: {second.Message}):");
            Console.WriteLine($"  snapshot GET  : request {snapshot.sent,5} B, response {snapshot.received,9:N0} B (status {snapshot.status}, body {snapshot.body:N0} B) = {(snapshot.sent + snapshot.received) / 100_000.0:F2} bytes/card on the wire");
            Console.WriteLine($"  delta GET     : request {delta.sent,5} B, response {delta.received,9:N0} B (status {delta.status}, body {delta.body:N0} B) = {(delta.sent + delta.received) / 100.0:F2} bytes/changed card on the wire");
            Console.WriteLine($"  up-to-date GET: request {upToDate.sent,5} B, response {upToDate.received,9:N0} B (status {upToDate.status}) — the cost of a sync with nothing new");
        }
        catch (Exception e)
        {
            Console.WriteLine("gateway wire measurement failed: " + e.Message);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static (long Sent, long Received, int Status, long Body) Fetch(int port, long have)
    {
        var request = new HttpRequest();
        request.Reset("GET", $"/api/v1/terminals/{TerminalId}/list?have={have}");
        new RequestSigner(TerminalId, Secret, new PortableMessageHasher()).Sign(request, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var text = new StringBuilder($"GET {request.PathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
        for (int i = 0; i < request.HeaderCount; i++)
        {
            text.Append($"{request.HeaderName(i)}: {request.HeaderValue(i)}\r\n");
        }

        text.Append("Connection: close\r\n\r\n");
        byte[] bytes = Encoding.ASCII.GetBytes(text.ToString());
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
        client.ReceiveTimeout = 30_000;
        using NetworkStream stream = client.GetStream();
        stream.Write(bytes);
        var response = new MemoryStream();
        stream.CopyTo(response);
        byte[] all = response.ToArray();
        string head = Encoding.ASCII.GetString(all, 0, Math.Min(all.Length, 1024));
        int status = int.Parse(head.Substring(9, 3));
        int headerEnd = head.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        return (bytes.Length, all.Length, status, all.Length - headerEnd);
    }

    private static string Csv(ListEntry[] entries)
    {
        var csv = new StringBuilder("id;csn;etat;dateEtat;eppn;motifDisable\n");
        foreach (ListEntry e in entries)
        {
            (string etat, string motif) = e.State switch
            {
                CardState.Active => ("ENABLED", ""),
                CardState.Lost => ("DISABLED", "LOST"),
                CardState.Stolen => ("DISABLED", "THEFT"),
                CardState.Renewed => ("RENEWED", ""),
                CardState.Expired => ("CADUC", ""),
                CardState.NotYetActivated => ("ENCODED", ""),
                _ => ("DESTROYED", ""),
            };
            csv.Append(e.HolderKey).Append(';').Append(Convert.ToHexStringLower(e.Uid)).Append(';').Append(etat)
                .Append(";2026-11-01 10:00:00;h").Append(e.HolderKey).Append("@unicaen.fr;").Append(motif).Append('\n');
        }

        return csv.ToString();
    }

}
