using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using LeoCarte.Gateway;
using LeoCarte.Gateway.Api;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Sync;
using LeoCarte.Terminal.Tests.Host.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

/// <summary>
/// Issue 13, gateway side, against a real gateway over HTTP (GatewayFixture): forged journal records are stored
/// and flagged, never billed until an operator decides; a revoked terminal is refused and re-provisioned;
/// authentication before the body, canonical forms, rate limits, failed authentications logged without secrets.
/// </summary>
[TestClass]
public class GatewayTrustTests
{
    private const string CsnStudent = "04a1b2c3d4e580";
    private const string CsnOther = "04c3d4e5f60782";
    private const string CsnLost = "04d5e6f7080910";
    private const int JournalId = 0x1234567;

    private static string Export() => GatewayFixture.Export(3, (CsnStudent, "ENABLED", ""), (CsnOther, "ENABLED", ""), (CsnLost, "DISABLED", "LOST"));

    private static byte[] Record(long sequence, bool approved, ReasonCode reason, string csn, int amountCents, long listVersion, DateTime timeUtc, int holderKey, bool clockSynced = true)
    {
        var record = new JournalRecord
        {
            Sequence = sequence,
            Approved = approved,
            Reason = (byte)reason,
            Mode = (byte)TerminalMode.Vending,
            ClockSynced = clockSynced,
            CardListed = true,
            ListVersion = listVersion,
            AmountCents = amountCents,
            HolderKey = holderKey,
            ItemCode = 12,
            JournalId = JournalId,
        };
        record.TimeUtc = timeUtc;
        byte[] uid = Convert.FromHexString(csn);
        record.SetUid(uid, 0, uid.Length);
        byte[] bytes = new byte[JournalRecord.Size];
        record.Encode(bytes, 0);
        return bytes;
    }

    /// <summary>A request signed as RequestSigner signs it (or with the given overrides).</summary>
    private static HttpRequestMessage Signed(HttpMethod method, string pathAndQuery, byte[] body, byte[] secret, string terminal = GatewayFixture.TerminalId,
        long? timestamp = null, string contentType = "application/vnd.leocarte.journal", string signedPath = null)
    {
        long at = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(method, pathAndQuery);
        if (body != null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        request.Headers.Add(RequestSigner.TerminalHeader, terminal);
        request.Headers.Add(RequestSigner.TimestampHeader, at.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSigner.SignatureHeader, Convert.ToHexStringLower(TerminalAuthenticator.Sign(secret, method.Method, signedPath ?? pathAndQuery, terminal, at, body)));
        return request;
    }

    private const string JournalPath = "/api/v1/terminals/" + GatewayFixture.TerminalId + "/journal";
    private const string HeartbeatPath = "/api/v1/terminals/" + GatewayFixture.TerminalId + "/heartbeat";
    private const string ListPath = "/api/v1/terminals/" + GatewayFixture.TerminalId + "/list?have=0";

    private static TrustStore Trust(GatewayFixture gateway) => gateway.Services.GetRequiredService<TrustStore>();

    private static List<string> CsvLines(string csv) => csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();

    [TestMethod]
    public async Task ForgedRecordsAreStoredFlaggedAndNeverBilledUntilAnOperatorDecides()
    {
        await using var gateway = await GatewayFixture.StartAsync(Export());
        Dictionary<string, ListCard> cards = gateway.Store.CurrentCards();
        int student = cards[CsnStudent].HolderKey, lost = cards[CsnLost].HolderKey;
        DateTime now = DateTime.UtcNow;
        byte[][] batch =
        {
            Record(1, true, ReasonCode.Approved, CsnStudent, 250, 1, now.AddMinutes(-5), student),                 // a sound sale
            Record(2, true, ReasonCode.Approved, CsnStudent, -500, 1, now.AddMinutes(-4), student),                // negative amount
            Record(3, true, ReasonCode.Approved, CsnOther, 99_999, 1, now.AddMinutes(-4), student),                // 999.99 € against another student's UID
            Record(4, true, ReasonCode.Approved, CsnStudent, 250, 1, new DateTime(1970, 1, 1, 0, 0, 5, DateTimeKind.Utc), student), // a 1970 date
            Record(5, true, ReasonCode.Approved, CsnLost, 250, 1, now.AddMinutes(-3), lost),                       // approved for a lost card
            Record(6, true, ReasonCode.Lost, CsnStudent, 250, 1, now.AddMinutes(-2), student),                     // approved with a refusal's reason
            Record(7, false, ReasonCode.Approved, CsnStudent, 250, 1, now.AddMinutes(-2), student),                // denied with reason "approved"
            Record(8, true, ReasonCode.Approved, CsnStudent, 250, 9, now.AddMinutes(-1), student),                 // a list version never published
            Record(9, true, ReasonCode.Approved, CsnStudent, 250, 1, now.AddHours(2), student),                    // from the future
            Record(10, false, ReasonCode.Lost, CsnLost, 250, 1, now.AddMinutes(-1), lost),                         // a sound denial
        };
        byte[] body = batch.SelectMany(r => r).ToArray();
        using var http = new HttpClient { BaseAddress = gateway.BaseUri };

        HttpResponseMessage response = await http.SendAsync(Signed(HttpMethod.Post, JournalPath, body, GatewayFixture.TerminalSecret));
        string answer = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, answer);
        StringAssert.Contains(answer, "\"ackedUpTo\":10");
        StringAssert.Contains(answer, "\"flagged\":8");
        Assert.AreEqual(10L, gateway.Store.JournalCount(GatewayFixture.TerminalId), "nothing dropped: every record stored once");

        var flagged = Trust(gateway).FlaggedRecords(50).ToDictionary(f => f.Sequence, f => f.Anomalies);
        CollectionAssert.AreEquivalent(new long[] { 2, 3, 4, 5, 6, 7, 8, 9 }, flagged.Keys.ToArray(), string.Join(" | ", flagged.Values));
        StringAssert.Contains(flagged[2], "negative amount -5.00 €");
        StringAssert.Contains(flagged[3], "999.99 € above the vending cap 10.00 €");
        StringAssert.Contains(flagged[3], "holder key");
        StringAssert.Contains(flagged[4], "before list version 1");
        StringAssert.Contains(flagged[5], "Lost in version 1");
        StringAssert.Contains(flagged[6], "approved with reason 3");
        StringAssert.Contains(flagged[7], "denied with reason 0");
        StringAssert.Contains(flagged[8], "never published");
        StringAssert.Contains(flagged[9], "after the gateway received it");

        // Exactly once still: the same batch again is acknowledged as duplicates, its verdicts unchanged.
        response = await http.SendAsync(Signed(HttpMethod.Post, JournalPath, body, GatewayFixture.TerminalSecret));
        StringAssert.Contains(await response.Content.ReadAsStringAsync(), "\"duplicates\":10");
        Assert.AreEqual(8, Trust(gateway).FlaggedRecords(50).Count);

        // The card-office page flags them; the billing export takes the sound sale only.
        using HttpClient office = await gateway.SignedInClientAsync();
        string page = await office.GetStringAsync("/");
        StringAssert.Contains(page, "8 flagged");
        StringAssert.Contains(page, "negative amount -5.00 €");
        StringAssert.Contains(page, "Lost in version 1");
        List<string> export = CsvLines(await (await GatewayFixture.PostFormAsync(office, "/admin/billing/export")).Content.ReadAsStringAsync());
        Assert.AreEqual(1, export.Count, string.Join("\n", export));
        StringAssert.StartsWith(export[0], $"{GatewayFixture.TerminalId};{JournalId};1;");
        StringAssert.Contains(export[0], ";student1@unicaen.fr;250;1;clean");
        Assert.AreEqual(0, CsvLines(await (await GatewayFixture.PostFormAsync(office, "/admin/billing/export")).Content.ReadAsStringAsync()).Count, "billed once");

        // The operator bills the 1970 record (the terminal's clock, say) and refuses the lost card's: only the first is exported.
        string key = $"/admin/journal/{GatewayFixture.TerminalId}/{JournalId}/";
        Assert.AreEqual(HttpStatusCode.Redirect, (await GatewayFixture.PostFormAsync(office, key + "4/accept")).StatusCode);
        Assert.AreEqual(HttpStatusCode.Redirect, (await GatewayFixture.PostFormAsync(office, key + "5/reject")).StatusCode);
        Assert.AreEqual(HttpStatusCode.BadRequest, (await office.PostAsync(key.TrimStart('/') + "6/accept", new FormUrlEncodedContent(new Dictionary<string, string>()))).StatusCode, "no antiforgery token");
        export = CsvLines(await (await GatewayFixture.PostFormAsync(office, "/admin/billing/export")).Content.ReadAsStringAsync());
        Assert.AreEqual(1, export.Count);
        StringAssert.Contains(export[0], $";{JournalId};4;1970-01-01T00:00:05Z;");
        StringAssert.Contains(export[0], ";accepted");
        page = await office.GetStringAsync("/");
        StringAssert.Contains(page, "record accepted for billing");
        StringAssert.Contains(page, "record rejected (not billed)");
        StringAssert.Contains(page, "billing export");
        Assert.AreEqual(6L, Trust(gateway).Summary().Flagged);

        // A sound record, then another copy of it with other bytes (which a sound terminal never sends): the stored
        // copy stays authoritative but is flagged, so neither is billed before an operator looks.
        byte[] sound = Record(11, true, ReasonCode.Approved, CsnStudent, 250, 1, now, student);
        Assert.AreEqual(HttpStatusCode.OK, (await http.SendAsync(Signed(HttpMethod.Post, JournalPath, sound, GatewayFixture.TerminalSecret))).StatusCode);
        Assert.AreEqual(1L, Trust(gateway).Summary().BillableRecords);
        byte[] other = Record(11, true, ReasonCode.Approved, CsnStudent, 100, 1, now, student);
        Assert.AreEqual(HttpStatusCode.OK, (await http.SendAsync(Signed(HttpMethod.Post, JournalPath, other, GatewayFixture.TerminalSecret))).StatusCode);
        Assert.AreEqual(0L, Trust(gateway).Summary().BillableRecords);
        StringAssert.Contains(Trust(gateway).FlaggedRecords(50).Single(f => f.Sequence == 11).Anomalies, "journal conflict");
    }

    /// <summary>Prints what the checks add to a 32-record upload (SQLite, loopback); a figure, not an assertion.</summary>
    [TestMethod]
    public async Task JournalCheckCostIsPrinted()
    {
        await using var gateway = await GatewayFixture.StartAsync(Export());
        int student = gateway.Store.CurrentCards()[CsnStudent].HolderKey;
        using var http = new HttpClient { BaseAddress = gateway.BaseUri };
        long sequence = 0;
        async Task<double> UploadMs(int batches)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            for (int b = 0; b < batches; b++)
            {
                byte[] body = Enumerable.Range(0, 32).SelectMany(_ => Record(++sequence, true, ReasonCode.Approved, CsnStudent, 250, 1, DateTime.UtcNow, student)).ToArray();
                Assert.AreEqual(HttpStatusCode.OK, (await http.SendAsync(Signed(HttpMethod.Post, JournalPath, body, GatewayFixture.TerminalSecret))).StatusCode);
            }

            return watch.Elapsed.TotalMilliseconds / batches;
        }

        await UploadMs(3); // warm-up (JIT, pools)
        double withChecks = await UploadMs(20);
        var checker = gateway.Services.GetRequiredService<LeoCarte.Gateway.Journal.JournalChecker>();
        var raws = Enumerable.Range(0, 32).Select(i => Record(1000 + i, true, ReasonCode.Approved, CsnStudent, 250, 1, DateTime.UtcNow, student)).ToList();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 20; i++)
        {
            Assert.IsTrue(checker.Check(GatewayFixture.TerminalId, raws, DateTime.UtcNow).All(v => v.Anomalies == null));
        }

        double checkOnly = watch.Elapsed.TotalMilliseconds / 20;
        Console.WriteLine($"32-record approved batch: upload round trip {withChecks:F1} ms with the checks, of which the checks alone {checkOnly:F1} ms " +
            $"(SQL lookups: 1 current version + 1 max sequence + 1 list issue time per batch, 1-3 per approved record; SQLite, shared 2-core machine)");
        Assert.AreEqual(0L, Trust(gateway).Summary().Flagged);
        Assert.AreEqual(23L * 32, Trust(gateway).Summary().BillableRecords);
    }

    [TestMethod]
    public async Task RevokedTerminalIsRefusedShownAndReprovisionedWithANewSecret()
    {
        await using var gateway = await GatewayFixture.StartAsync(Export());
        using var http = new HttpClient { BaseAddress = gateway.BaseUri };
        Assert.AreEqual(HttpStatusCode.OK, (await http.SendAsync(Signed(HttpMethod.Get, ListPath, null, GatewayFixture.TerminalSecret))).StatusCode);

        using HttpClient office = await gateway.SignedInClientAsync();
        Assert.AreEqual(HttpStatusCode.Redirect, (await GatewayFixture.PostFormAsync(office, $"/admin/terminals/{GatewayFixture.TerminalId}/revoke")).StatusCode);
        HttpResponseMessage refused = await http.SendAsync(Signed(HttpMethod.Get, ListPath, null, GatewayFixture.TerminalSecret));
        Assert.AreEqual(HttpStatusCode.Forbidden, refused.StatusCode);
        StringAssert.Contains(await refused.Content.ReadAsStringAsync(), "revoked");
        string page = await office.GetStringAsync("/");
        StringAssert.Contains(page, $"<tr id=\"credential-{GatewayFixture.TerminalId}\"><td>{GatewayFixture.TerminalId}</td><td class=\"credential-state\"><span class=\"bad\">revoked</span>");
        StringAssert.Contains(page, "terminal secret revoked");

        HttpResponseMessage reprovisioned = await GatewayFixture.PostFormAsync(office, $"/admin/terminals/{GatewayFixture.TerminalId}/reprovision");
        string shown = await reprovisioned.Content.ReadAsStringAsync();
        string secretHex = System.Text.RegularExpressions.Regex.Match(shown, "<code id=\"new-secret\">([0-9a-f]{64})</code>").Groups[1].Value;
        Assert.AreEqual(64, secretHex.Length, shown);
        Assert.IsNull(SecretPolicy.Problem(secretHex, sampleMode: false));
        Assert.AreEqual(HttpStatusCode.Unauthorized, (await http.SendAsync(Signed(HttpMethod.Get, ListPath, null, GatewayFixture.TerminalSecret))).StatusCode, "the old secret is dead");

        // A terminal provisioned with the new secret syncs end to end.
        var clock = new LeoCarte.HostAdapters.ManualClockHardware(DateTime.UtcNow);
        using var terminal = new LeoCarte.HostAdapters.HostTerminal(new LeoCarte.HostAdapters.HostTerminalOptions
        {
            TerminalId = GatewayFixture.TerminalId,
            TerminalSecret = Convert.FromHexString(secretHex),
            GatewayUri = gateway.BaseUri,
            SiteId = GatewayFixture.SiteId,
            ListPublicKeys = new Dictionary<uint, byte[]> { [global::LeoCarte.Terminal.Tests.Support.HostListKeys.KeyId] = global::LeoCarte.Terminal.Tests.Support.HostListKeys.Gateway.PublicKey },
            Mode = TerminalMode.Vending,
        }, new LeoCarte.Terminal.Storage.MemoryFileStore(), clock);
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds(), terminal.Sync.Statistics.LastError);
        StringAssert.Contains(await office.GetStringAsync("/"), "active (re-provisioned)");
    }

    [TestMethod]
    public async Task UnauthenticatedBodiesAreNotReadAndGarbageNeverReachesTheStore()
    {
        await using var gateway = await GatewayFixture.StartAsync(Export());

        // 256 KiB announced, not one byte sent: the answer comes from the headers alone.
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (string headers in new[]
        {
            "",
            $"X-LeoCarte-Terminal: {GatewayFixture.TerminalId}\r\nX-LeoCarte-Timestamp: {now - 3600}\r\nX-LeoCarte-Signature: {new string('a', 64)}\r\n",
            $"X-LeoCarte-Terminal: NOBODY-01\r\nX-LeoCarte-Timestamp: {now}\r\nX-LeoCarte-Signature: {new string('a', 64)}\r\n",
        })
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, gateway.Port);
            NetworkStream stream = client.GetStream();
            byte[] head = Encoding.ASCII.GetBytes($"POST {JournalPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/vnd.leocarte.journal\r\nContent-Length: 262144\r\n{headers}\r\n");
            await stream.WriteAsync(head);
            stream.ReadTimeout = 5000;
            var buffer = new byte[4096];
            var read = stream.ReadAsync(buffer).AsTask();
            Assert.IsTrue(await Task.WhenAny(read, Task.Delay(5000)) == read, "answered without waiting for the body");
            string status = Encoding.ASCII.GetString(buffer, 0, await read);
            StringAssert.StartsWith(status, "HTTP/1.1 401", status);
        }

        using var http = new HttpClient { BaseAddress = gateway.BaseUri };

        // Garbage signed by a thief of the key: refused as a whole, nothing stored.
        byte[] garbage = new byte[3 * JournalRecord.Size];
        new Random(5).NextBytes(garbage);
        Assert.AreEqual(HttpStatusCode.BadRequest, (await http.SendAsync(Signed(HttpMethod.Post, JournalPath, garbage, GatewayFixture.TerminalSecret))).StatusCode);
        Assert.AreEqual(HttpStatusCode.BadRequest, (await http.SendAsync(Signed(HttpMethod.Post, JournalPath, garbage.AsSpan(0, 100).ToArray(), GatewayFixture.TerminalSecret))).StatusCode);
        // A valid record with a wrong signature: 401, not stored.
        byte[] sound = Record(1, true, ReasonCode.Approved, CsnStudent, 250, 1, DateTime.UtcNow, 1);
        HttpRequestMessage forged = Signed(HttpMethod.Post, JournalPath, sound, GatewayFixture.TerminalSecret);
        forged.Content = new ByteArrayContent(Record(1, true, ReasonCode.Approved, CsnStudent, 99_999, 1, DateTime.UtcNow, 1));
        Assert.AreEqual(HttpStatusCode.Unauthorized, (await http.SendAsync(forged)).StatusCode);
        Assert.AreEqual(0L, gateway.Store.JournalCount(GatewayFixture.TerminalId));
        Assert.AreEqual(0L, Trust(gateway).Summary().Flagged);

        // A heartbeat whose JSON root is not an object: 400, not 500.
        foreach (string json in new[] { "[1,2]", "42", "\"ok\"", "null", "{" })
        {
            HttpResponseMessage heartbeat = await http.SendAsync(Signed(HttpMethod.Post, HeartbeatPath, Encoding.UTF8.GetBytes(json), GatewayFixture.TerminalSecret, contentType: "application/json"));
            Assert.AreEqual(HttpStatusCode.BadRequest, heartbeat.StatusCode, json);
        }

        Assert.AreEqual(0, gateway.Store.Terminals().Count(t => t.LastHeartbeatUtc.HasValue));
    }

    [TestMethod]
    public async Task OnlyCanonicalFormsAndTheRawRequestTargetAreAccepted()
    {
        await using var gateway = await GatewayFixture.StartAsync(Export());
        using var http = new HttpClient { BaseAddress = gateway.BaseUri };
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        byte[] secret = GatewayFixture.TerminalSecret;
        Assert.AreEqual(HttpStatusCode.OK, (await http.SendAsync(Signed(HttpMethod.Get, ListPath, null, secret))).StatusCode);

        // Uppercase hex of the right signature.
        HttpRequestMessage upper = Signed(HttpMethod.Get, ListPath, null, secret, timestamp: now);
        string signature = upper.Headers.GetValues(RequestSigner.SignatureHeader).Single();
        upper.Headers.Remove(RequestSigner.SignatureHeader);
        upper.Headers.Add(RequestSigner.SignatureHeader, signature.ToUpperInvariant());
        Assert.AreEqual(HttpStatusCode.Unauthorized, (await http.SendAsync(upper)).StatusCode);

        // A timestamp with a leading zero or a sign, signed as sent.
        foreach (string timestamp in new[] { "0" + now, "+" + now, " " + now, "99999999999999999999" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, ListPath);
            request.Headers.Add(RequestSigner.TerminalHeader, GatewayFixture.TerminalId);
            request.Headers.TryAddWithoutValidation(RequestSigner.TimestampHeader, timestamp);
            request.Headers.Add(RequestSigner.SignatureHeader, new string('0', 64));
            Assert.AreEqual(HttpStatusCode.Unauthorized, (await http.SendAsync(request)).StatusCode, timestamp);
        }

        // ?have= must be plain digits even when correctly signed.
        foreach (string have in new[] { "+1", "01", "-1", "1e3", "1&have=2" })
        {
            string path = "/api/v1/terminals/" + GatewayFixture.TerminalId + "/list?have=" + have;
            Assert.AreEqual(HttpStatusCode.BadRequest, (await http.SendAsync(Signed(HttpMethod.Get, path, null, secret))).StatusCode, have);
        }

        // The signature covers the target as sent: a percent-encoded path signed over its decoded form is refused,
        // signed over what was sent it is accepted (the terminal sends plain ASCII ids, so both are the same for it).
        // (Raw socket: System.Uri would unescape %2D before sending.)
        const string Encoded = "/api/v1/terminals/RU%2DTEST%2D01/list?have=0";
        StringAssert.StartsWith(await RawGet(gateway.Port, Encoded, Signed(HttpMethod.Get, ListPath, null, secret)), "HTTP/1.1 401");
        StringAssert.StartsWith(await RawGet(gateway.Port, Encoded, Signed(HttpMethod.Get, Encoded, null, secret)), "HTTP/1.1 200");

        // An X-LeoCarte-Timestamp far outside any date (a terminal clock gone wrong) is a plain 401 with the gateway time.
        HttpResponseMessage far = await http.SendAsync(Signed(HttpMethod.Get, ListPath, null, secret, timestamp: long.MaxValue));
        Assert.AreEqual(HttpStatusCode.Unauthorized, far.StatusCode);
        Assert.IsTrue(far.Headers.Contains(SyncEngine.TimeHeader));
    }

    /// <summary>Sends a GET with exactly this request target and the authentication headers of <paramref name="signed"/>; returns the status line.</summary>
    private static async Task<string> RawGet(int port, string target, HttpRequestMessage signed)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        NetworkStream stream = client.GetStream();
        var head = new StringBuilder($"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        foreach (string name in new[] { RequestSigner.TerminalHeader, RequestSigner.TimestampHeader, RequestSigner.SignatureHeader })
        {
            head.Append(name).Append(": ").Append(signed.Headers.GetValues(name).Single()).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadLineAsync();
    }

    private sealed class CapturedLog : ILoggerProvider
    {
        public readonly ConcurrentQueue<string> Lines = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLog owner, string category) : ILogger
        {
            public IDisposable BeginScope<TState>(TState state) => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception exception, Func<TState, Exception, string> formatter) =>
                owner.Lines.Enqueue(category + ": " + formatter(state, exception));
        }
    }

    [TestMethod]
    public async Task AFloodOfUnauthenticatedRequestsIsRateLimitedAndFailuresAreLoggedWithoutSecrets()
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-trust-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var log = new CapturedLog();
        int port = GatewayApp.FreeLoopbackPort();
        var options = new GatewayOptions
        {
            ConnectionString = "Data Source=" + Path.Combine(folder, "g.db"),
            SiteId = GatewayFixture.SiteId,
            ListSigningKeyPem = GatewayFixture.ListKeyPem,
            ListSigningKeyId = global::LeoCarte.Terminal.Tests.Support.HostListKeys.KeyId,
            Terminals = new Dictionary<string, string> { [GatewayFixture.TerminalId] = Convert.ToHexString(GatewayFixture.TerminalSecret) },
            ImportSource = Path.Combine(folder, "none.csv"),
            ImportIntervalSeconds = 0,
            RateLimits = new RateLimitOptions { PerAddressPerMinute = 60, PerAddressBurst = 20, PerTerminalPerMinute = 60, PerTerminalBurst = 10 },
        };
        var app = GatewayApp.Build(options, $"http://127.0.0.1:{port}", logging => logging.AddProvider(log));
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            var statuses = new List<HttpStatusCode>();
            for (int i = 0; i < 100; i++)
            {
                var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/terminals/ATTACKER-" + (i % 7) + "/list?have=0");
                request.Headers.Add(RequestSigner.TerminalHeader, "ATTACKER-" + (i % 7));
                request.Headers.Add(RequestSigner.TimestampHeader, DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
                request.Headers.Add(RequestSigner.SignatureHeader, new string('b', 64));
                statuses.Add((await http.SendAsync(request)).StatusCode);
            }

            int limited = statuses.Count(s => s == HttpStatusCode.TooManyRequests);
            int unauthorized = statuses.Count(s => s == HttpStatusCode.Unauthorized);
            Console.WriteLine($"flood of 100 unauthenticated requests from one address: {unauthorized} answered 401, {limited} answered 429");
            Assert.IsTrue(unauthorized is >= 20 and <= 25, unauthorized.ToString());
            Assert.AreEqual(100 - unauthorized, limited);

            // The sign-in form is behind the same per-address bucket.
            Assert.AreEqual(HttpStatusCode.TooManyRequests, (await http.GetAsync("/signin")).StatusCode);

            string[] refusals = log.Lines.Where(l => l.Contains("terminal request refused", StringComparison.Ordinal)).ToArray();
            Assert.IsTrue(refusals.Length >= 20, string.Join("\n", log.Lines));
            StringAssert.Contains(refusals[0], "unknown terminal");
            StringAssert.Contains(refusals[0], "127.0.0.1");
            Assert.IsTrue(log.Lines.Any(l => l.Contains("rate limited: 127.0.0.1", StringComparison.Ordinal)));
            string secretHex = Convert.ToHexString(GatewayFixture.TerminalSecret);
            Assert.IsFalse(log.Lines.Any(l => l.Contains(new string('b', 64), StringComparison.Ordinal) || l.Contains(secretHex, StringComparison.OrdinalIgnoreCase)), "no signature or secret in the log");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }
}
