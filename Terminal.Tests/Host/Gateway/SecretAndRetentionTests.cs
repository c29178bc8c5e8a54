using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LeoCarte.Gateway;
using LeoCarte.Gateway.Api;
using LeoCarte.Gateway.Journal;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

/// <summary>Issue 13 items 2 and 7 on the gateway: which secrets it starts with, and journal retention.</summary>
[TestClass]
public class SecretAndRetentionTests
{
    private const string Good = "8f3a1c9e27d4b6058a1e3f7c9d2b4e6a0c8f1a3e5d7b9c2e4f6a8b0d1c3e5f70";

    private static GatewayOptions Options(string folder, string terminalSecret, bool sample = false) => new()
    {
        ConnectionString = "Data Source=" + Path.Combine(folder, "g.db"),
        SiteId = 14,
        ListSigningKeyPem = LeoCarte.Terminal.Tests.Host.Sync.GatewayFixture.ListKeyPem,
        Terminals = new Dictionary<string, string> { ["RU-CAEN-01"] = terminalSecret },
        ImportSource = Path.Combine(folder, "none.csv"),
        SampleMode = sample,
    };

    [TestMethod]
    [DataRow("", "empty")]
    [DataRow("zz", "not hexadecimal")]
    [DataRow("00112233445566778899aabbccddeeff", "16 bytes, at least 32")]
    [DataRow("0000000000000000000000000000000000000000000000000000000000000000", "all zero")]
    [DataRow("0102030401020304010203040102030401020304010203040102030401020304", "fewer than 8 different")]
    [DataRow("5465726d696e616c2052552d4341454e2d303120646d6f20736563726574210a", "the public sample value")]
    [DataRow("5465726D696E616C2056454E442D524F55454E2D303720646D6F20736563210A", "the public sample value")]
    public void WeakAndSampleSecretsAreRefusedAtStartWithAClearMessage(string secret, string why)
    {
        StringAssert.Contains(SecretPolicy.Problem(secret, sampleMode: false), why);
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-secrets-" + Guid.NewGuid().ToString("N"));
        var e = Assert.ThrowsExactly<ArgumentException>(() => GatewayApp.Build(Options(folder, secret), "http://127.0.0.1:1"));
        StringAssert.Contains(e.Message, "Terminals.RU-CAEN-01: " + why);
        StringAssert.Contains(e.Message, "new-secret");
        if (secret.Length > 8)
        {
            Assert.IsFalse(e.Message.Contains(secret, StringComparison.OrdinalIgnoreCase), "the message names the setting, never the value");
        }

        Assert.IsFalse(Directory.Exists(folder), "refused before anything is created");
    }

    [TestMethod]
    public void SampleSecretsPassOnlyInSampleModeAndGeneratedOnesAlways()
    {
        string sample = SecretPolicy.SampleValues[1];
        Assert.IsNull(SecretPolicy.Problem(sample, sampleMode: true));
        Assert.IsNotNull(SecretPolicy.Problem(sample, sampleMode: false));
        Assert.IsNotNull(SecretPolicy.Problem(new string('0', 64), sampleMode: true), "all-zero never, not even in the demo");
        var generated = Enumerable.Range(0, 50).Select(_ => SecretPolicy.Generate()).ToList();
        Assert.IsTrue(generated.All(g => g.Length == 64 && SecretPolicy.Problem(g, false) == null));
        Assert.AreEqual(50, generated.Distinct().Count());

        // The shipped sample configuration: refused as is, accepted as --sample loads it.
        string json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "sample", "gateway.sample.json"));
        var options = System.Text.Json.JsonSerializer.Deserialize<GatewayOptions>(json, new System.Text.Json.JsonSerializerOptions
        {
            PropertyNameCaseInsensitive = true,
            ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
        });
        List<string> problems = SecretPolicy.Problems(options);
        Assert.AreEqual(2, problems.Count, string.Join("; ", problems)); // both terminals (the list key is a P-256 key pair, checked by GatewayApp)
        options.SampleMode = true;
        Assert.AreEqual(0, SecretPolicy.Problems(options).Count);
    }

    private static StoredJournalRecord Stored(string terminal, long sequence, bool approved, int amount, DateTime time)
    {
        var record = new JournalRecord
        {
            Sequence = sequence,
            Approved = approved,
            Reason = (byte)(approved ? ReasonCode.Approved : ReasonCode.UnknownCard),
            Mode = (byte)TerminalMode.Vending,
            ClockSynced = true,
            CardListed = approved,
            ListVersion = 0,
            AmountCents = amount,
            JournalId = 77,
        };
        record.TimeUtc = time;
        record.SetUid(new byte[] { 4, 1, 2, 3, 4, 5, (byte)sequence }, 0, 7);
        byte[] raw = new byte[JournalRecord.Size];
        record.Encode(raw, 0);
        return new StoredJournalRecord(terminal, 77, sequence, raw, record.UnixMilliseconds, Convert.ToHexStringLower(record.Uid, 0, 7), approved, record.Reason, amount, 0);
    }

    [TestMethod]
    public void SettledRecordsArePurgedAfterTheRetentionPeriodAndUnbilledOnesNever()
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-retention-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var options = Options(folder, Good);
            options.Retention.KeepDays = 30;
            var store = new SqlGatewayStore(new SqliteDialect(), options.ConnectionString);
            store.Initialize();
            var trust = TrustStore.For(options);
            trust.Initialize();
            DateTime received = new(2026, 9, 1, 12, 0, 0, DateTimeKind.Utc);

            // 1: approved, billed; 2: approved, billed later; 3: denial; 4: approved, never billed (flagged); 5: approved, stored but never checked.
            store.StoreJournal("T1", new[] { Stored("T1", 1, true, 250, received), Stored("T1", 2, true, 250, received), Stored("T1", 3, false, 250, received), Stored("T1", 4, true, 250, received), Stored("T1", 5, true, 250, received) });
            trust.SaveVerdicts(new[]
            {
                new JournalVerdict("T1", 77, 1, true, null), new JournalVerdict("T1", 77, 2, true, null), new JournalVerdict("T1", 77, 3, false, null),
                new JournalVerdict("T1", 77, 4, true, "amount above the cap"),
            }, received);
            var exported = trust.ExportBilling("office", received.AddDays(1), out _);
            Assert.AreEqual(2, exported.Count, "records 1 and 2 (4 is flagged, 5 unchecked)");

            // 29 days after billing: nothing is old enough.
            Assert.AreEqual(0, trust.Purge(received.AddDays(1 + 29 - 30)));
            // 31 days after: the billed records and the denial go; the flagged and the unchecked approvals stay.
            int purged = trust.Purge(received.AddDays(1 + 31 - 30));
            Assert.AreEqual(3, purged);
            Assert.AreEqual(2L, store.JournalCount("T1"));

            // The sweep checks the unchecked one (list version 0 on an approval: flagged), and a year later still keeps both: never billed.
            var retention = new RetentionService(options, trust, new JournalChecker(options, trust, store), NullLogger<RetentionService>.Instance);
            var (checkedLate, purgedLater) = retention.RunOnce(received.AddDays(400));
            Assert.AreEqual(1, checkedLate);
            Assert.AreEqual(0, purgedLater);
            Assert.AreEqual(2L, store.JournalCount("T1"));
            Assert.AreEqual(2L, trust.Summary().Flagged);

            // The operator rejects one: purged KeepDays after that decision.
            Assert.IsTrue(trust.Decide("T1", 77, 4, accept: false, "office", received.AddDays(400)));
            Assert.AreEqual(0, retention.RunOnce(received.AddDays(420)).Purged);
            Assert.AreEqual(1, retention.RunOnce(received.AddDays(431)).Purged);
            Assert.AreEqual(1L, store.JournalCount("T1"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }
}
