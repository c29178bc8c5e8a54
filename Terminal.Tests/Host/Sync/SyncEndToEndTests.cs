using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using LeoCarte.Gateway.Api;
using LeoCarte.Gateway.Lists;
using LeoCarte.Gateway.Storage;
using LeoCarte.HostAdapters;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Sync;

/// <summary>
/// Issue 5's end-to-end scenarios: a real gateway on 127.0.0.1 (Kestrel, SQLite) and a host terminal
/// (sync client + allowlist + journal + decision engine) over real HTTP. The terminal's clock is stepped by the
/// test, so "one sync interval" is exact and no test sleeps.
/// </summary>
[TestClass]
public class SyncEndToEndTests
{
    private const string CsnA = "04a1b2c3d4e580";
    private const string CsnB = "04b2c3d4e5f681";
    private static readonly byte[] CardA = Convert.FromHexString(CsnA);
    private static readonly byte[] CardB = Convert.FromHexString(CsnB);

    private static ManualClockHardware NowClock() => new(DateTime.UtcNow);

    private static void Advance(ManualClockHardware clock, long milliseconds) => clock.Advance(TimeSpan.FromMilliseconds(milliseconds));

    [TestMethod]
    public async Task CardDisabledInANewExportIsRefusedWithinOneSyncInterval()
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.Export(300, (CsnA, "ENABLED", ""), (CsnB, "ENABLED", "")));
        var clock = NowClock();
        using var terminal = gateway.NewTerminal(new MemoryFileStore(), clock);

        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds(), terminal.Sync.Statistics.LastError);
        Assert.AreEqual(1L, terminal.Allowlist.Version);
        Assert.AreEqual(302, terminal.Allowlist.Count);
        Assert.IsTrue(terminal.Tap(CardA).Approved);
        Assert.IsTrue(terminal.Tap(CardB).Approved);

        // The card office declares card A lost; the next export reaches the gateway.
        ImportOutcome outcome = await gateway.ImportAsync(GatewayFixture.Export(300, (CsnA, "DISABLED", "LOST"), (CsnB, "ENABLED", "")));
        Assert.IsTrue(outcome.Ok, outcome.Message);
        Assert.AreEqual(2L, outcome.Version);
        Assert.AreEqual(1, outcome.Changes);

        Advance(clock, 59_999);
        Assert.AreEqual(SyncStepResult.Idle, terminal.Sync.Step());
        Advance(clock, 1);
        long bytesBefore = terminal.Sync.Statistics.ListBytesReceived;
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds(), terminal.Sync.Statistics.LastError);

        Assert.AreEqual(2L, terminal.Allowlist.Version);
        Decision refused = terminal.Tap(CardA);
        Assert.IsFalse(refused.Approved);
        Assert.AreEqual(ReasonCode.Lost, refused.Reason);
        Assert.IsTrue(terminal.Tap(CardB).Approved || terminal.Tap(CardB).Reason == ReasonCode.RepeatTap);

        long deltaBytes = terminal.Sync.Statistics.ListBytesReceived - bytesBefore;
        Assert.IsTrue(deltaBytes < 200, $"one change should travel as a small delta, got {deltaBytes} bytes");

        // The two approvals before the change were uploaded during that sync, and the heartbeat was stored.
        Assert.AreEqual(2L, gateway.Store.JournalCount(GatewayFixture.TerminalId));
        TerminalRow row = gateway.Store.Terminals().Single();
        Assert.AreEqual(2L, row.ListVersion);
        Assert.AreEqual("ok", row.ReaderHealth);
        Assert.AreEqual(0, row.JournalDepth);
    }

    [TestMethod]
    public async Task GatewayKilledMidDownloadLosesNothingAndTheNextSyncCompletes()
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.Export(3000, (CsnA, "ENABLED", "")));
        var clock = NowClock();
        var flash = new FileSystemFileStore(System.IO.Path.Combine(gateway.Folder, "terminal-flash"));
        using var terminal = gateway.NewTerminal(flash, clock);

        // 1. The connection dies 4 KB into a ~25 KB snapshot.
        gateway.Options.Faults.AbortListAfterBytes = 4000;
        Assert.AreEqual(SyncStepResult.CycleFailed, terminal.StepUntilCycleEnds());
        StringAssert.StartsWith(terminal.Sync.Statistics.LastError, "list: ");
        Assert.AreEqual(0L, terminal.Allowlist.Version);
        Assert.AreEqual(ReasonCode.NoList, terminal.Tap(CardA).Reason);

        gateway.Options.Faults.AbortListAfterBytes = -1;
        long wait = terminal.Sync.MillisecondsUntilDue();
        Assert.IsTrue(wait > 0 && wait <= 5000, "retry after the first backoff delay, not a full interval: " + wait);
        Advance(clock, wait);
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds(), terminal.Sync.Statistics.LastError);
        Assert.AreEqual(1L, terminal.Allowlist.Version);
        Assert.IsTrue(terminal.Tap(CardA).Approved);

        // 2. The whole gateway process goes away after publishing version 2, and comes back.
        Assert.IsTrue((await gateway.ImportAsync(GatewayFixture.Export(3000, (CsnA, "DISABLED", "THEFT")))).Ok);
        await gateway.StopAsync();
        Advance(clock, 60_000);
        Assert.AreEqual(SyncStepResult.CycleFailed, terminal.StepUntilCycleEnds());
        Assert.AreEqual(1L, terminal.Allowlist.Version);
        Assert.AreEqual(1, terminal.Journal.Depth, "the approval stays in the journal until acknowledged");

        await gateway.StartAsync();
        Advance(clock, terminal.Sync.MillisecondsUntilDue());
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds(), terminal.Sync.Statistics.LastError);
        Assert.AreEqual(2L, terminal.Allowlist.Version);
        // The NoList denial (uploaded by the first good sync) and the approval (held through the outage).
        Assert.AreEqual(2L, gateway.Store.JournalCount(GatewayFixture.TerminalId));
        Assert.AreEqual(0, terminal.Journal.Depth);
        Assert.AreEqual(ReasonCode.Stolen, terminal.Tap(CardA).Reason);

        // The list on flash survives a reboot of the terminal.
        var reopened = new AllowlistStore(flash);
        Assert.IsTrue(reopened.Open());
        Assert.AreEqual(2L, reopened.Version);
    }

    [TestMethod]
    public async Task GatewayKilledMidUploadNeitherLosesNorDuplicatesARecord()
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.Export(50, (CsnA, "ENABLED", "")));
        var clock = NowClock();
        using var terminal = gateway.NewTerminal(new MemoryFileStore(), clock);
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds());

        TapUnknownCards(terminal, 20, 0); // 20 journaled denials; batches of 8 records
        Assert.AreEqual(20, terminal.Journal.Depth);

        // Stored, then the gateway dies before answering: nothing may be trimmed on the terminal.
        gateway.Options.Faults.AbortJournalAfterStore = 1;
        Advance(clock, 60_000);
        Assert.AreEqual(SyncStepResult.CycleFailed, terminal.StepUntilCycleEnds());
        Assert.AreEqual(20, terminal.Journal.Depth);
        Assert.AreEqual(8L, gateway.Store.JournalCount(GatewayFixture.TerminalId));

        // Dies before storing this time.
        gateway.Options.Faults.AbortJournalBeforeStore = 1;
        Advance(clock, terminal.Sync.MillisecondsUntilDue());
        Assert.AreEqual(SyncStepResult.CycleFailed, terminal.StepUntilCycleEnds());
        Assert.AreEqual(20, terminal.Journal.Depth);
        Assert.AreEqual(8L, gateway.Store.JournalCount(GatewayFixture.TerminalId));

        // Healthy again: the first batch is resent (stored once), the rest follows, the journal empties.
        Advance(clock, terminal.Sync.MillisecondsUntilDue());
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds(), terminal.Sync.Statistics.LastError);
        Assert.AreEqual(0, terminal.Journal.Depth);
        Assert.AreEqual(20L, terminal.Journal.AcknowledgedSequence);
        TerminalRow row = gateway.Store.Terminals().Single();
        Assert.AreEqual(20L, row.JournalRecords);
        Assert.AreEqual(20L, row.LastSequence, "sequences 1..20, each stored once");
        Assert.AreEqual(0, row.JournalConflicts);

        // The whole process dies with records pending, then restarts on the same database.
        TapUnknownCards(terminal, 5, 100);
        await gateway.StopAsync();
        Advance(clock, 60_000);
        Assert.AreEqual(SyncStepResult.CycleFailed, terminal.StepUntilCycleEnds());
        Assert.AreEqual(5, terminal.Journal.Depth);
        await gateway.StartAsync();
        Advance(clock, terminal.Sync.MillisecondsUntilDue());
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds(), terminal.Sync.Statistics.LastError);
        Assert.AreEqual(0, terminal.Journal.Depth);
        row = gateway.Store.Terminals().Single();
        Assert.AreEqual(25L, row.JournalRecords);
        Assert.AreEqual(25L, row.LastSequence);
    }

    [TestMethod]
    public async Task TerminalLosingPowerBeforeRecordingTheAcknowledgementResendsAndTheGatewayStoresOnce()
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.Export(20, (CsnA, "ENABLED", "")));
        var clock = NowClock();
        var flash = new MemoryFileStore();
        var terminal = gateway.NewTerminal(flash, clock);
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds());
        TapUnknownCards(terminal, 6, 7);

        // The list is current (204: no flash write), so the first write of the cycle is the journal's
        // acknowledgement: power dies right there, after the gateway stored the batch.
        flash.CutPowerAfterWrites(0);
        Advance(clock, 60_000);
        terminal.StepUntilCycleEnds();
        Assert.IsTrue(flash.IsPoweredOff);
        Assert.AreEqual(6L, gateway.Store.JournalCount(GatewayFixture.TerminalId));
        terminal.Dispose();

        // Reboot on the same flash: the records are still pending, go again, and are acknowledged.
        flash.Reboot();
        using var rebooted = gateway.NewTerminal(flash, clock);
        Assert.AreEqual(6, rebooted.Journal.Depth);
        Assert.AreEqual(SyncStepResult.CycleCompleted, rebooted.StepUntilCycleEnds(), rebooted.Sync.Statistics.LastError);
        Assert.AreEqual(0, rebooted.Journal.Depth);
        TerminalRow row = gateway.Store.Terminals().Single();
        Assert.AreEqual(6L, row.JournalRecords);
        Assert.AreEqual(6L, row.LastSequence);
        Assert.AreEqual(0, row.JournalConflicts);
    }

    [TestMethod]
    [DataRow("corrupt", "BadChunk")]
    [DataRow("truncated", "Truncated")]
    [DataRow("replayed", "VersionNotNewer")]
    [DataRow("forged", "BadSignature")]
    public async Task BadListsAreRejectedAndTheCurrentListKept(string attack, string expectedError)
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.Export(200, (CsnA, "ENABLED", ""), (CsnB, "ENABLED", "")));
        byte[] version1 = gateway.Lists.GetList(0).Bytes;
        var clock = NowClock();
        using var terminal = gateway.NewTerminal(new MemoryFileStore(), clock);
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds());

        Assert.IsTrue((await gateway.ImportAsync(GatewayFixture.Export(200, (CsnA, "DISABLED", "LOST"), (CsnB, "ENABLED", "")))).Ok);
        Advance(clock, 60_000);
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds());
        Assert.AreEqual(2L, terminal.Allowlist.Version);

        // Version 3 exists, but what reaches the terminal is an attack.
        Assert.IsTrue((await gateway.ImportAsync(GatewayFixture.Export(200, (CsnA, "DISABLED", "LOST"), (CsnB, "DISABLED", "THEFT")))).Ok);
        gateway.Options.Faults.TamperList = (have, real) => attack switch
        {
            "corrupt" => Flip(real, real.Length - 2), // in the body: its chunk no longer matches the signed manifest
            "truncated" => real.AsSpan(0, real.Length - 40).ToArray(),
            "replayed" => version1,
            "forged" => ListBuilder.BuildSnapshot(GatewayFixture.SiteId, 99, DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                new[] { new ListEntry(CardA, CardState.Active, 1, 0), new ListEntry(CardB, CardState.Active, 2, 0) },
                new ListSigning(new PemListSigner(global::LeoCarte.Terminal.Tests.Support.HostListKeys.KeyId, global::LeoCarte.Terminal.Tests.Support.HostListKeys.NewPem()), gateway.Store.DatabaseId())),
            _ => throw new ArgumentException(attack),
        };

        Advance(clock, 60_000);
        Assert.AreEqual(SyncStepResult.CycleFailed, terminal.StepUntilCycleEnds());
        Assert.AreEqual(1, terminal.Sync.Statistics.ListsRejected);
        StringAssert.Contains(terminal.Sync.Statistics.LastError, expectedError);
        Assert.AreEqual(2L, terminal.Allowlist.Version, "the list in force is kept");
        Assert.AreEqual(ReasonCode.Lost, terminal.Tap(CardA).Reason);
        Assert.IsTrue(terminal.Tap(CardB).Approved, "version 3 was not applied");
        StringAssert.Contains(gateway.Store.Terminals().Single().LastError, expectedError, "the heartbeat reports the rejection");

        // The real list gets through on the retry.
        gateway.Options.Faults.TamperList = null;
        Advance(clock, terminal.Sync.MillisecondsUntilDue());
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds(), terminal.Sync.Statistics.LastError);
        Assert.AreEqual(3L, terminal.Allowlist.Version);
        Assert.AreEqual(ReasonCode.Stolen, terminal.Tap(CardB).Reason);
    }

    [TestMethod]
    public async Task ABadRowIsSetAsideByLineTheRestIsPublishedAndTheCutExportIsHeld()
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.Export(10, (CsnA, "ENABLED", ""), (CsnB, "ENABLED", "")));
        var clock = NowClock();
        using var terminal = gateway.NewTerminal(new MemoryFileStore(), clock);
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds());

        // Card A is reported lost; card B's row carries a state ESUP-SGC never writes: B is set aside (keeps its
        // state), A's change goes through.
        string bad = GatewayFixture.Export(10, (CsnA, "DISABLED", "LOST"), (CsnB, "ENABELD", ""));
        ImportOutcome outcome = await gateway.ImportAsync(bad);
        Assert.IsTrue(outcome.Ok, outcome.Message);
        Assert.AreEqual(ImportStatus.Published, outcome.Status);
        StringAssert.Contains(outcome.Message, "1 row set aside");
        Assert.AreEqual("line 3, etat: not an ESUP-SGC card state (card id 2)", outcome.Report.SetAside.Single().ToString());
        Assert.AreEqual(2L, gateway.Store.CurrentVersion().Version);
        ImportRecord logged = gateway.Store.RecentImports(1).Single();
        StringAssert.Contains(logged.Report, "\"Line\":3", "the report is kept with the import");
        Assert.IsFalse(logged.Report.Contains("ENABELD", StringComparison.Ordinal) || logged.Message.Contains("student2", StringComparison.Ordinal), "no value quoted");

        Advance(clock, 60_000);
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds());
        Assert.AreEqual(ReasonCode.Lost, terminal.Tap(CardA).Reason);
        Assert.IsTrue(terminal.Tap(CardB).Approved, "the set-aside card keeps its state in force");

        // A cut export (ESUP-SGC answers 200 with a header-only body when the export is interrupted): held, the
        // list in force stays, the terminal keeps deciding from it.
        outcome = await gateway.ImportAsync("id;csn;Etat;Date de modification;Eppn;Motif\n");
        Assert.AreEqual(ImportStatus.Refused, outcome.Status, outcome.Message);
        // (Card A was found again and re-enabled in this export.)
        string full = GatewayFixture.Export(10, (CsnA, "ENABLED", ""), (CsnB, "ENABLED", ""));
        outcome = await gateway.ImportAsync(full.Substring(0, full.Length - 25));
        Assert.AreEqual(ImportStatus.Held, outcome.Status, outcome.Message);
        Assert.AreEqual(2L, gateway.Store.CurrentVersion().Version);

        // The page shows the set-aside line and the held import; it needs a signed-in operator.
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = gateway.BaseUri };
        Assert.AreEqual(HttpStatusCode.Redirect, (await anonymous.GetAsync("/")).StatusCode);
        Assert.AreEqual(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/v1/status")).StatusCode);
        Assert.AreEqual(HttpStatusCode.Redirect, (await anonymous.PostAsync("admin/import", null)).StatusCode, "an admin action without sign-in goes to the sign-in form");
        using HttpClient office = await gateway.SignedInClientAsync();
        string page = await office.GetStringAsync("/");
        StringAssert.Contains(page, "line 3, etat: not an ESUP-SGC card state (card id 2)");
        StringAssert.Contains(page, $"id=\"held-{outcome.HeldId}\"");
        StringAssert.Contains(page, "looks cut");
        Assert.IsFalse(page.Contains("ENABELD", StringComparison.Ordinal));

        // Without the antiforgery token the confirmation is refused (CSRF); with it the held import is published.
        Assert.AreEqual(HttpStatusCode.BadRequest, (await office.PostAsync($"admin/held/{outcome.HeldId}/confirm", new FormUrlEncodedContent(new Dictionary<string, string>()))).StatusCode);
        Assert.AreEqual(2L, gateway.Store.CurrentVersion().Version);
        HttpResponseMessage confirmed = await GatewayFixture.PostFormAsync(office, $"admin/held/{outcome.HeldId}/confirm");
        Assert.AreEqual(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.AreEqual(3L, gateway.Store.CurrentVersion().Version);
        Assert.AreEqual(HeldStatus.Published, gateway.Store.HeldImports(1).Single().Status);
        Assert.AreEqual(GatewayFixture.OperatorName, gateway.Store.HeldImports(1).Single().DecidedBy);
        Advance(clock, 60_000);
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds());
        Assert.IsTrue(terminal.Tap(CardA).Approved, "the confirmed list reached the terminal");

        // Card lookup by eppn (a POST: no eppn in a URL): the state in force and what the terminal applies.
        string lookup = WebUtility.HtmlDecode(await (await GatewayFixture.PostFormAsync(office, "cards", new Dictionary<string, string> { ["q"] = "student1@unicaen.fr" })).Content.ReadAsStringAsync());
        StringAssert.Contains(lookup, CsnA.ToUpperInvariant());
        StringAssert.Contains(lookup, "applies: active — \"Paiement accepté\" (list version 3)");
        string unknown = await (await GatewayFixture.PostFormAsync(office, "cards", new Dictionary<string, string> { ["q"] = "04EEEEEEEEEEEE" })).Content.ReadAsStringAsync();
        StringAssert.Contains(unknown, "No listed card");

        // The JSON status needs the operator too.
        string status = await office.GetStringAsync("api/v1/status");
        StringAssert.Contains(status, "\"listVersion\":3");
    }

    [TestMethod]
    public async Task SignInRefusesWrongPasswordsAndForeignHostsAreRefused()
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.Export(5, (CsnA, "ENABLED", "")));
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = gateway.BaseUri };
        string token = GatewayFixture.CsrfToken(await http.GetStringAsync("signin"));
        HttpResponseMessage wrong = await http.PostAsync("signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = GatewayFixture.OperatorName, ["password"] = "guess", ["__csrf"] = token }));
        Assert.AreEqual(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.AreEqual(HttpStatusCode.BadRequest, (await http.PostAsync("signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = GatewayFixture.OperatorName, ["password"] = GatewayFixture.OperatorPassword }))).StatusCode, "no antiforgery token");
        Assert.AreEqual(HttpStatusCode.Redirect, (await http.GetAsync("/")).StatusCode);

        // DNS rebinding: a page served under another host name gets nothing.
        using var request = new HttpRequestMessage(HttpMethod.Get, "signin");
        request.Headers.Host = "evil.example";
        Assert.AreEqual(HttpStatusCode.BadRequest, (await http.SendAsync(request)).StatusCode);
    }

    [TestMethod]
    public async Task TerminalBootingWithoutTimeTakesTheGatewayClockAndAuthenticates()
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.Export(5, (CsnA, "ENABLED", "")));
        var clock = new ManualClockHardware(new DateTime(1970, 1, 1, 0, 0, 30, DateTimeKind.Utc));
        using var terminal = gateway.NewTerminal(new MemoryFileStore(), clock);
        Assert.IsFalse(terminal.Clock.IsSynced);

        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds(), terminal.Sync.Statistics.LastError);
        Assert.IsTrue(terminal.Clock.IsSynced);
        Assert.AreEqual(ClockSource.Gateway, terminal.Clock.Source);
        Assert.IsTrue(Math.Abs((clock.Utc - DateTime.UtcNow).TotalSeconds) < 5);
        Assert.AreEqual(1, terminal.Sync.Statistics.AuthenticationRetries);
        Assert.AreEqual("gateway", gateway.Store.Terminals().Single().ClockState);
    }

    [TestMethod]
    public async Task GatewayRefusesUnsignedForgedAndStaleRequests()
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.Export(5, (CsnA, "ENABLED", "")));
        using var http = new HttpClient { BaseAddress = gateway.BaseUri };
        const string ListPath = "/api/v1/terminals/" + GatewayFixture.TerminalId + "/list?have=0";
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        async Task<HttpResponseMessage> Get(byte[] secret, long timestamp, string terminal = GatewayFixture.TerminalId)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, ListPath);
            if (secret != null)
            {
                request.Headers.Add(RequestSigner.TerminalHeader, terminal);
                request.Headers.Add(RequestSigner.TimestampHeader, timestamp.ToString());
                request.Headers.Add(RequestSigner.SignatureHeader, Convert.ToHexStringLower(TerminalAuthenticator.Sign(secret, "GET", ListPath, terminal, timestamp, null)));
            }

            return await http.SendAsync(request);
        }

        HttpResponseMessage unsigned = await Get(null, now);
        Assert.AreEqual(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.IsTrue(unsigned.Headers.Contains(SyncEngine.TimeHeader), "even a refusal carries the gateway time");
        Assert.AreEqual(HttpStatusCode.Unauthorized, (await Get(new byte[32], now)).StatusCode);
        Assert.AreEqual(HttpStatusCode.Unauthorized, (await Get(GatewayFixture.TerminalSecret, now - 301)).StatusCode);
        Assert.AreEqual(HttpStatusCode.Unauthorized, (await Get(GatewayFixture.TerminalSecret, now, "SOMEONE-ELSE")).StatusCode);
        HttpResponseMessage ok = await Get(GatewayFixture.TerminalSecret, now);
        Assert.AreEqual(HttpStatusCode.OK, ok.StatusCode);
        Assert.AreEqual("snapshot", ok.Headers.GetValues(TerminalApi.ListKindHeader).Single());
        Assert.AreEqual("1", ok.Headers.GetValues(TerminalApi.ListVersionHeader).Single());
    }

    [TestMethod]
    public async Task StatusPageListsTerminalsWithVersionHeartbeatAndBacklog()
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.Export(5, (CsnA, "ENABLED", "")));
        var clock = NowClock();
        using var terminal = gateway.NewTerminal(new MemoryFileStore(), clock);
        terminal.ReaderHealthText = "degraded: 3 CRC errors";
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds());

        using HttpClient http = await gateway.SignedInClientAsync();
        string page = await http.GetStringAsync("/");
        StringAssert.Contains(page, GatewayFixture.TerminalId);
        StringAssert.Contains(page, "version 1");
        StringAssert.Contains(page, "degraded: 3 CRC errors");
        StringAssert.Contains(page, "journal backlog");
    }

    private static void TapUnknownCards(HostTerminal terminal, int count, int seed)
    {
        for (int i = 0; i < count; i++)
        {
            byte[] uid = { 0x04, 0xEE, (byte)seed, (byte)(i >> 8), (byte)i, 0x55, 0x66 };
            Decision decision = terminal.Tap(uid);
            Assert.AreEqual(ReasonCode.UnknownCard, decision.Reason);
            Assert.IsTrue(decision.Journaled);
        }
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        byte[] copy = (byte[])bytes.Clone();
        copy[index] ^= 0x20;
        return copy;
    }
}
