using System;
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
    [DataRow("corrupt", "BadSignature")]
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
            "corrupt" => Flip(real, real.Length / 2),
            "truncated" => real.AsSpan(0, real.Length - 40).ToArray(),
            "replayed" => version1,
            "forged" => ListBuilder.BuildSnapshot(GatewayFixture.SiteId, 99, DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                new[] { new ListEntry(CardA, CardState.Active, 1, 0), new ListEntry(CardB, CardState.Active, 2, 0) },
                "an attacker's guess at the key!!"u8.ToArray()),
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
    public async Task MalformedExportIsReportedWithItsLineAndThePreviousVersionKept()
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.Export(10, (CsnA, "ENABLED", "")));
        var clock = NowClock();
        using var terminal = gateway.NewTerminal(new MemoryFileStore(), clock);
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds());

        string bad = GatewayFixture.Export(10, (CsnA, "DISABLED", "LOST"), (CsnB, "ENABELD", ""));
        ImportOutcome outcome = await gateway.ImportAsync(bad);
        Assert.IsFalse(outcome.Ok);
        Assert.AreEqual(3, outcome.ErrorLine);
        StringAssert.Contains(outcome.Message, "line 3");
        StringAssert.Contains(outcome.Message, "ENABELD");
        Assert.AreEqual(1L, gateway.Store.CurrentVersion().Version);
        ImportRecord logged = gateway.Store.RecentImports(1).Single();
        Assert.IsFalse(logged.Ok);
        StringAssert.Contains(logged.Message, "line 3");

        // The operator's trigger says the same over HTTP, and the status page shows it.
        using var http = new HttpClient { BaseAddress = gateway.BaseUri };
        HttpResponseMessage response = await http.PostAsync("admin/import", null);
        Assert.AreEqual((HttpStatusCode)422, response.StatusCode);
        StringAssert.Contains(await response.Content.ReadAsStringAsync(), "line 3");
        StringAssert.Contains(await http.GetStringAsync("/"), "line 3");

        // The terminal keeps its list: the card A change in the bad export never happened.
        Advance(clock, 60_000);
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds());
        Assert.AreEqual(1L, terminal.Allowlist.Version);
        Assert.IsTrue(terminal.Tap(CardA).Approved);

        // JSON exports: a bad element and a cut-off file.
        File("[{\"id\":1,\"csn\":\"" + CsnA + "\",\"etat\":\"ENABLED\",\"eppn\":\"a@x\"},{\"id\":2,\"csn\":\"04zz\",\"etat\":\"ENABLED\",\"eppn\":\"b@x\"}]", gateway);
        outcome = await gateway.Imports.ImportNowAsync();
        Assert.IsFalse(outcome.Ok);
        Assert.AreEqual(2, outcome.ErrorLine);
        File("[{\"id\":1,\"csn\":\"" + CsnA + "\",\"etat\":\"ENAB", gateway);
        outcome = await gateway.Imports.ImportNowAsync();
        Assert.IsFalse(outcome.Ok);
        StringAssert.Contains(outcome.Message, "not valid JSON");
        Assert.AreEqual(1L, gateway.Store.CurrentVersion().Version);
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

        using var http = new HttpClient { BaseAddress = gateway.BaseUri };
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

    private static void File(string text, GatewayFixture gateway) => System.IO.File.WriteAllText(gateway.ExportPath, text);
}
