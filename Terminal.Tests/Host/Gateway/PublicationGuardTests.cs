using System;
using System.IO;
using System.Linq;
using System.Text;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Lists;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

/// <summary>
/// The publication guard: an export that would empty the list is refused, one that looks cut or removes more
/// than the allowed share is held for an operator, and the list in force stays meanwhile; bad rows are set aside
/// and their cards keep the state in force (a lost card stays refused).
/// </summary>
[TestClass]
public class PublicationGuardTests
{
    private static readonly ListSigning Key = global::LeoCarte.Terminal.Tests.Support.HostListKeys.Signing();

    private sealed class Rig : IDisposable
    {
        public readonly string Folder = Path.Combine(Path.GetTempPath(), "leocarte-guard-" + Guid.NewGuid().ToString("N"));
        public readonly SqlGatewayStore Store;
        public readonly ListService Lists;

        public Rig()
        {
            Directory.CreateDirectory(Folder);
            Store = new SqlGatewayStore(new SqliteDialect(), "Data Source=" + Path.Combine(Folder, "g.db"));
            Store.Initialize();
            Lists = new ListService(Store, new AllowlistListEncoder(14, Key));
        }

        public ImportOutcome Import(string csv) => Lists.Apply(EsupSgcExport.Read(Encoding.UTF8.GetBytes(csv)), "test", DateTime.UtcNow);

        public long Version => Store.CurrentVersion()?.Version ?? 0;

        public CardState? StateOf(string csn) => Store.CurrentCards().TryGetValue(csn, out ListCard card) ? card.State : null;

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Folder, true);
        }
    }

    private const string Header = "id;csn;Etat;Date de modification;Eppn;Motif\n";

    /// <summary>n enabled cards (ids 1..n), csn 04000000000001..., eppn s1@x...; with overrides per id.</summary>
    private static string Campus(int n, Func<int, string> row = null)
    {
        var text = new StringBuilder(Header);
        for (int i = 1; i <= n; i++)
        {
            text.Append(row?.Invoke(i) ?? $"{i};04{i:X12};ENABLED;2025-09-01T08:00;s{i}@x;\n");
        }

        return text.ToString();
    }

    private static string Csn(int i) => $"04{i:x12}";

    [TestMethod]
    public void HeaderOnlyExportIsNeverPublished()
    {
        using var rig = new Rig();
        Assert.AreEqual(ImportStatus.Published, rig.Import(Campus(15)).Status);
        ImportOutcome empty = rig.Import(Header);
        Assert.AreEqual(ImportStatus.Refused, empty.Status);
        StringAssert.Contains(empty.Message, "empty");
        Assert.AreEqual(1L, rig.Version);
        Assert.AreEqual(15, rig.Store.CurrentCards().Count);
        Assert.AreEqual(ImportStatus.Refused, rig.Import(Header).Status, "not even on a first import");
    }

    [TestMethod]
    public void ADropFrom15To3IsHeldAndTheListInForceStaysUntilConfirmed()
    {
        using var rig = new Rig();
        rig.Import(Campus(15));
        ImportOutcome drop = rig.Import(Campus(3));
        Assert.AreEqual(ImportStatus.Held, drop.Status, drop.Message);
        StringAssert.Contains(drop.Message, "removes 12 of the 15 cards in force (80 %)");
        Assert.AreEqual(1L, rig.Version);
        Assert.AreEqual(15, rig.Store.CurrentCards().Count);
        Assert.AreEqual(12, drop.Report.Removed);

        // The schedule reads the same export again: still the one held import.
        ImportOutcome again = rig.Import(Campus(3));
        Assert.AreEqual(ImportStatus.Held, again.Status);
        Assert.AreEqual(drop.HeldId, again.HeldId);
        Assert.AreEqual(1, rig.Store.HeldImports(10).Count);

        ImportOutcome confirmed = rig.Lists.ConfirmHeld(drop.HeldId, "accueil", DateTime.UtcNow);
        Assert.IsTrue(confirmed.Ok, confirmed.Message);
        Assert.AreEqual(2L, rig.Version);
        Assert.AreEqual(3, rig.Store.CurrentCards().Count);
        HeldImport decided = rig.Store.HeldImports(1).Single();
        Assert.AreEqual(HeldStatus.Published, decided.Status);
        Assert.AreEqual("accueil", decided.DecidedBy);
        Assert.AreEqual(2L, decided.PublishedVersion);
        Assert.IsFalse(rig.Lists.ConfirmHeld(drop.HeldId, "accueil", DateTime.UtcNow).Ok, "a held import is published once");
    }

    [TestMethod]
    public void RemovalsUpToTheShareArePublishedAboveAreHeld()
    {
        using var rig = new Rig();
        rig.Import(Campus(100));
        Assert.AreEqual(ImportStatus.Published, rig.Import(Campus(95)).Status, "5 of 100 removed: within 5 %");
        Assert.AreEqual(ImportStatus.Held, rig.Import(Campus(89)).Status, "6 of 95 removed: above 5 %");
        rig.Lists.MaxRemovalShare = 0.10;
        Assert.AreEqual(ImportStatus.Published, rig.Import(Campus(89)).Status, "the share is configurable");
    }

    [TestMethod]
    public void ACutExportIsHeldRejectedStaysRejectedAndASoundExportSupersedes()
    {
        using var rig = new Rig();
        string full = Campus(40);
        rig.Import(full);
        ImportOutcome cut = rig.Import(full.Substring(0, full.Length - 20));
        Assert.AreEqual(ImportStatus.Held, cut.Status);
        StringAssert.Contains(cut.Message, "looks cut");
        Assert.AreEqual(40, rig.Store.CurrentCards().Count);

        Assert.IsTrue(rig.Lists.RejectHeld(cut.HeldId, "accueil", DateTime.UtcNow));
        ImportOutcome same = rig.Import(full.Substring(0, full.Length - 20));
        Assert.AreEqual(ImportStatus.Refused, same.Status, "the same export, already rejected, is not held again");
        StringAssert.Contains(same.Message, "rejected");

        ImportOutcome otherCut = rig.Import(full.Substring(0, full.Length - 60));
        Assert.AreEqual(ImportStatus.Held, otherCut.Status);
        ImportOutcome sound = rig.Import(Campus(40, i => i == 7 ? $"7;{Csn(7).ToUpperInvariant()};DISABLED;2025-10-01T08:00;s7@x;LOST\n" : null));
        Assert.AreEqual(ImportStatus.Published, sound.Status);
        Assert.AreEqual(HeldStatus.Superseded, rig.Store.HeldImports(1).Single().Status);
        Assert.IsFalse(rig.Lists.ConfirmHeld(otherCut.HeldId, "accueil", DateTime.UtcNow).Ok);
        Assert.AreEqual(CardState.Lost, rig.StateOf(Csn(7)));
    }

    [TestMethod]
    public void AHeldImportComputedAgainstAnOlderVersionIsNotPublished()
    {
        using var rig = new Rig();
        rig.Import(Campus(20));
        ImportOutcome drop = rig.Import(Campus(10));
        Assert.AreEqual(ImportStatus.Held, drop.Status);
        // Another instance (or a later sound import with an unrelated held one still listed) moved the list on.
        rig.Store.Publish(1, DateTime.UtcNow, new[] { new ListChange(2, Csn(99), CardState.Active, 99, 0) }, 21, new byte[] { 1 }, "other");
        ImportOutcome confirm = rig.Lists.ConfirmHeld(drop.HeldId, "accueil", DateTime.UtcNow);
        Assert.IsFalse(confirm.Ok);
        StringAssert.Contains(confirm.Message, "now at version 2");
        Assert.AreEqual(HeldStatus.Stale, rig.Store.HeldImports(1).Single().Status);
    }

    [TestMethod]
    public void ASetAsideCardThatWasLostStaysRefused()
    {
        using var rig = new Rig();
        rig.Import(Campus(30, i => i == 5 ? $"5;{Csn(5)};DISABLED;2025-10-01T08:00;s5@x;LOST\n" : i == 6 ? $"6;{Csn(6)};DISABLED;2025-10-01T08:00;s6@x;THEFT\n" : null));
        Assert.AreEqual(CardState.Lost, rig.StateOf(Csn(5)));

        // Card 5's row now has an unknown state; card 6's row has a damaged csn (its holder is known).
        ImportOutcome next = rig.Import(Campus(30, i => i == 5 ? $"5;{Csn(5)};DISABLEDD;2025-10-02T08:00;s5@x;LOST\n" : i == 6 ? $"6;04XYZ;ENABLED;2025-10-02T08:00;s6@x;\n" : null));
        Assert.AreEqual(ImportStatus.Unchanged, next.Status, next.Message);
        Assert.AreEqual(2, next.Report.SetAsideCount);
        Assert.AreEqual(2, next.Report.Retained);
        Assert.AreEqual(CardState.Lost, rig.StateOf(Csn(5)));
        Assert.AreEqual(CardState.Stolen, rig.StateOf(Csn(6)), "found by its holder, the stolen card stays refused");
        Assert.AreEqual("line 6, etat: not an ESUP-SGC card state (card id 5)", next.Report.SetAside[0].ToString());
        Assert.AreEqual("line 7, csn: not hexadecimal (5 characters) (card id 6)", next.Report.SetAside[1].ToString());
        string json = next.Report.ToJson();
        Assert.IsFalse(json.Contains("s5@x", StringComparison.Ordinal) || json.Contains("s6@x", StringComparison.Ordinal) || json.Contains(Csn(5), StringComparison.OrdinalIgnoreCase), json);
    }

    [TestMethod]
    public void ADatabaseFromBeforeTheReportsGetsTheReportColumn()
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-migrate-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string connection = "Data Source=" + Path.Combine(folder, "old.db");
            using (var old = new Microsoft.Data.Sqlite.SqliteConnection(connection))
            {
                old.Open();
                using var create = old.CreateCommand();
                create.CommandText = "CREATE TABLE imports (id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, source TEXT, ok INTEGER NOT NULL, message TEXT, version INTEGER NOT NULL);" +
                    "INSERT INTO imports (at_ms, source, ok, message, version) VALUES (1, 'old', 1, 'published version 1', 1);";
                create.ExecuteNonQuery();
            }

            var store = new SqlGatewayStore(new SqliteDialect(), connection);
            store.Initialize();
            store.Initialize(); // twice: the column is added once
            store.RecordImport(new ImportRecord(DateTime.UtcNow, "new", true, "unchanged", 1, "{}"));
            var imports = store.RecentImports(2);
            Assert.AreEqual("{}", imports[0].Report);
            Assert.IsNull(imports[1].Report);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }

    [TestMethod]
    public void TheReportCountsAddedRemovedAndStateChangesByReason()
    {
        using var rig = new Rig();
        rig.Import(Campus(50));
        ImportOutcome next = rig.Import(Campus(51, i => i switch
        {
            1 => $"1;{Csn(1)};DISABLED;2025-10-01T08:00;s1@x;LOST\n",
            2 => $"2;{Csn(2)};DISABLED;2025-10-01T08:00;s2@x;THEFT\n",
            3 => $"3;{Csn(3)};DISABLED;2025-10-01T08:00;s3@x;OUT_OF_ORDER\n",
            4 => $"4;{Csn(4)};DISABLED;2025-10-01T08:00;s4@x;\n" + $"60;{Csn(60)};ENABLED;2025-10-01T08:00:01;s4@x;\n",
            5 => "",
            _ => null,
        }));
        Assert.AreEqual(ImportStatus.Published, next.Status, next.Message);
        ImportReport report = next.Report;
        Assert.AreEqual(2, report.Added, "card 51 and card 60");
        Assert.AreEqual(1, report.Removed);
        Assert.AreEqual(4, report.Changed);
        Assert.AreEqual(1, report.Transitions["active → lost"]);
        Assert.AreEqual(1, report.Transitions["active → stolen"]);
        Assert.AreEqual(1, report.Transitions["active → out of order"]);
        Assert.AreEqual(1, report.Transitions["active → replaced"]);
        Assert.AreEqual(47, report.ByState["active"], "51 - 4 changed - 1 removed + card 60");
        StringAssert.Contains(next.Message, "2 added, 1 removed, 4 changed");
        var card = rig.Store.CurrentCards()[Csn(3)];
        Assert.AreEqual((CardState.BlockedOther, BlockReason.OutOfOrder), (card.State, card.Category));
    }
}
