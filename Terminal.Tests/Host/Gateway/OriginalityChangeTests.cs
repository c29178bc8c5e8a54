using System;
using System.IO;
using System.Text;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Lists;
using LeoCarte.Gateway.Storage;
using LeoCarte.Simulator.Cards;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

/// <summary>
/// A change of the originality enrolment alone (the export unchanged) is an import change: every card whose digest
/// appears, changes or goes is published once, as a delta entry of the next version, on both stores; an unchanged
/// enrolment, also after a restart, publishes nothing.
/// </summary>
[TestClass]
public class OriginalityChangeTests
{
    private static readonly ListSigning Key = global::LeoCarte.Terminal.Tests.Support.HostListKeys.Signing();

    private const string Export = "id;csn;Etat;Date de modification;Eppn;Motif\n"
        + "1;04A1B2C3D4E5F0;ENABLED;2025-09-01T08:00;a@x;\n"
        + "2;04A1B2C3D4E5F2;ENABLED;2025-09-01T08:00;b@x;\n"
        + "3;A1B2C3D4;ENABLED;2025-09-01T08:00;c@x;\n";

    [TestMethod]
    public void EnrolmentChangesArePublishedOnceAsDeltas_Sqlite()
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-originality-change-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string database = "Data Source=" + Path.Combine(folder, "g.db");
            Scenario(folder, () => new SqlGatewayStore(new SqliteDialect(), database));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }

    [TestMethod]
    public void EnrolmentChangesArePublishedOnceAsDeltas_Postgres()
    {
        string connection = PostgresForTests.NewSchema(out string schema);
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-originality-change-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            Scenario(folder, () => new SqlGatewayStore(new PostgresDialect(), connection));
        }
        finally
        {
            PostgresForTests.DropSchema(schema);
            Directory.Delete(folder, true);
        }
    }

    /// <summary>The scheduled import skips an export it already applied; a changed enrolment is not skipped.</summary>
    [TestMethod]
    public async System.Threading.Tasks.Task TheScheduledImportSeesAnEnrolmentChangeWithTheSameExport()
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-originality-change-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var genuine = VirtualCard.Desfire(Convert.FromHexString("04a1b2c3d4e5f0"));
            string database = "Data Source=" + Path.Combine(folder, "g.db");
            string file = Path.Combine(folder, "originality.csv");
            string export = Path.Combine(folder, "export.csv");
            File.WriteAllText(file, "");
            File.WriteAllText(export, Export);
            var options = new LeoCarte.Gateway.GatewayOptions { ImportSource = export, OriginalityDigests = true, OriginalitySignaturesFile = file };
            ImportService Service(out SqlGatewayStore store)
            {
                var (lists, opened) = Start(() => new SqlGatewayStore(new SqliteDialect(), database), file);
                store = opened;
                return new ImportService(options, lists, opened, Microsoft.Extensions.Logging.Abstractions.NullLogger<ImportService>.Instance);
            }

            ImportService imports = Service(out SqlGatewayStore store);
            Assert.AreEqual(ImportStatus.Published, (await imports.ImportNowAsync()).Status);
            StringAssert.Contains((await imports.ImportNowAsync()).Message, "not re-imported");

            File.WriteAllText(file, "04a1b2c3d4e5f0," + Convert.ToHexString(genuine.OriginalitySignature) + "\n");
            ImportOutcome enrolled = await imports.ImportNowAsync();
            Assert.AreEqual(ImportStatus.Published, enrolled.Status, enrolled.Message);
            Assert.AreEqual(1, enrolled.Changes);

            imports = Service(out store); // restart: same export, same enrolment
            ImportOutcome again = await imports.ImportNowAsync();
            Assert.AreEqual(ImportStatus.Unchanged, again.Status, again.Message);
            StringAssert.Contains(again.Message, "not re-imported");
            Assert.AreEqual(2L, store.CurrentVersion().Version);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }

    private static (ListService Lists, SqlGatewayStore Store) Start(Func<SqlGatewayStore> open, string enrolmentFile)
    {
        SqlGatewayStore store = open();
        store.Initialize();
        var signatures = new OriginalitySignatures(new[] { SimulatedManufacturer.PublicKeyHex });
        signatures.Load(enrolmentFile);
        return (new ListService(store, new AllowlistListEncoder(14, Key, 0, 0, signatures)), store);
    }

    private static ImportOutcome Import(ListService lists) =>
        lists.Apply(EsupSgcExport.Read(Encoding.UTF8.GetBytes(Export)), "test", DateTime.UtcNow);

    private static void Apply(AllowlistStore terminal, ListAnswer answer)
    {
        var update = new ListUpdate(terminal, 14, global::LeoCarte.Terminal.Tests.Support.HostListKeys.Trust());
        update.Begin();
        Assert.AreEqual(ListUpdateResult.Ok, update.Write(answer.Bytes, 0, answer.Bytes.Length));
        Assert.AreEqual(ListUpdateResult.Ok, update.Commit());
    }

    private static uint DigestInForce(AllowlistStore terminal, byte[] uid)
    {
        var record = new CardRecord();
        Assert.IsTrue(terminal.TryFind(uid, 0, uid.Length, record));
        return record.OriginalityDigest;
    }

    /// <summary>The terminal's check at the tap (SiteCardPolicy): the digest of the Read_Sig answer against the entry's.</summary>
    private static bool TerminalAccepts(AllowlistStore terminal, byte[] uid, byte[] readSigAnswer)
    {
        uint expected = DigestInForce(terminal, uid);
        return expected == 0 || OriginalityCheck.Digest(new PortableMessageHasher(), readSigAnswer, 0, new byte[32]) == expected;
    }

    private static void Scenario(string folder, Func<SqlGatewayStore> open)
    {
        var genuine = VirtualCard.Desfire(Convert.FromHexString("04a1b2c3d4e5f0"));
        var other = VirtualCard.Desfire(Convert.FromHexString("04a1b2c3d4e5f2"));
        string file = Path.Combine(folder, "originality.csv");
        File.WriteAllText(file, "# csn,signature (card office enrolment): none yet\n");

        var (lists, store) = Start(open, file);
        ImportOutcome first = Import(lists);
        Assert.AreEqual(ImportStatus.Published, first.Status, first.Message);
        var terminal = new AllowlistStore(new MemoryFileStore(), "t", 128);
        terminal.Open();
        Apply(terminal, lists.GetList(0));
        Assert.AreEqual(0u, DigestInForce(terminal, genuine.RealUid));
        Assert.AreEqual(ImportStatus.Unchanged, Import(lists).Status, "same export, same enrolment");

        // The card office enrols the card after its publication: the export does not move, the next import publishes.
        File.WriteAllText(file, "04a1b2c3d4e5f0," + Convert.ToHexString(genuine.OriginalitySignature) + "\n");
        ImportOutcome enrolled = Import(lists);
        Assert.AreEqual(ImportStatus.Published, enrolled.Status, enrolled.Message);
        Assert.AreEqual(2L, enrolled.Version);
        Assert.AreEqual(1, enrolled.Changes, "only the enrolled card");
        Assert.AreEqual(1, enrolled.Report.OriginalityChanged);
        StringAssert.Contains(enrolled.Message, "1 originality digest changed");
        Assert.AreEqual(1, store.Changes(1, 2).Count);
        ListAnswer delta = lists.GetList(1);
        Assert.AreEqual(ListAnswerKind.Delta, delta.Kind);
        Apply(terminal, delta);
        Assert.AreEqual(OriginalityCheck.Digest(new PortableMessageHasher(), genuine.OriginalitySignature, 0, new byte[32]), DigestInForce(terminal, genuine.RealUid));
        Assert.IsTrue(TerminalAccepts(terminal, genuine.RealUid, genuine.OriginalitySignature), "the genuine card");
        Assert.IsFalse(TerminalAccepts(terminal, genuine.RealUid, new byte[56]), "a clone whose Read_Sig answers zeros");
        Assert.IsFalse(TerminalAccepts(terminal, genuine.RealUid, other.OriginalitySignature), "a clone answering another card's signature");
        Assert.AreEqual(0u, DigestInForce(terminal, other.RealUid), "a card not enrolled");

        // Exactly once: the same enrolment again, then a restart (new store, new service, file read at start-up).
        Assert.AreEqual(ImportStatus.Unchanged, Import(lists).Status);
        (lists, store) = Start(open, file);
        ImportOutcome afterRestart = Import(lists);
        Assert.AreEqual(ImportStatus.Unchanged, afterRestart.Status, afterRestart.Message);
        Assert.AreEqual(2L, store.CurrentVersion().Version, "no new version after a restart");

        // The enrolment is withdrawn: a delta carrying the card without a digest.
        File.WriteAllText(file, "# withdrawn\n");
        ImportOutcome withdrawn = Import(lists);
        Assert.AreEqual(ImportStatus.Published, withdrawn.Status, withdrawn.Message);
        Assert.AreEqual(3L, withdrawn.Version);
        Assert.AreEqual(1, withdrawn.Changes);
        ListAnswer removal = lists.GetList(2);
        Assert.AreEqual(ListAnswerKind.Delta, removal.Kind);
        Apply(terminal, removal);
        Assert.AreEqual(0u, DigestInForce(terminal, genuine.RealUid));
        Assert.IsTrue(TerminalAccepts(terminal, genuine.RealUid, new byte[56]), "no digest: the entry no longer asks for the signature");
        Assert.AreEqual(ImportStatus.Unchanged, Import(lists).Status);
        (lists, store) = Start(open, file);
        Assert.AreEqual(ImportStatus.Unchanged, Import(lists).Status);
        Assert.AreEqual(3L, store.CurrentVersion().Version);
        Console.WriteLine($"enrolment change: delta {delta.Bytes.Length} bytes (snapshot {lists.GetList(0).Bytes.Length}); withdrawal delta {removal.Bytes.Length} bytes");
    }
}
