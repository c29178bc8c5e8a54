using System;
using System.IO;
using System.Linq;
using System.Text;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Lists;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Storage;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

/// <summary>
/// What the gateway publishes for the card-type check and the DESFire key versions: the family of each entry from
/// the csn length (ESUP-SGC exports no card type), the key versions from its configuration, and a key rotation
/// published as a new version even when no card changed — applied by a terminal as a list update.
/// </summary>
[TestClass]
public class CardFamilyAndKeyRotationTests
{
    private static readonly LeoCarte.Terminal.Allowlist.ListSigning Key = global::LeoCarte.Terminal.Tests.Support.HostListKeys.Signing();
    private const string Export = "id;csn;Etat;Date de modification;Eppn;Motif\n"
        + "1;04A1B2C3D4E5F0;ENABLED;2025-09-01T08:00;a@x;\n"
        + "2;A1B2C3D4;ENABLED;2025-09-01T08:00;b@x;\n"
        + "3;04A1B2C3D4E5F1C2D3E4;ENABLED;2025-09-01T08:00;c@x;\n";

    [TestMethod]
    public void FamiliesFollowTheCsnLengthAndARotationIsANewVersionTheTerminalApplies()
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-rotation-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var store = new SqlGatewayStore(new SqliteDialect(), "Data Source=" + Path.Combine(folder, "g.db"));
            store.Initialize();
            var lists = new ListService(store, new AllowlistListEncoder(14, Key, 1, 0));
            Assert.AreEqual(ImportStatus.Published, lists.Apply(EsupSgcExport.Read(Encoding.UTF8.GetBytes(Export)), "test", DateTime.UtcNow).Status);

            var terminalStore = new AllowlistStore(new MemoryFileStore(), "t", 128);
            terminalStore.Open();
            ListAnswer first = lists.GetList(0);
            Assert.AreEqual(ListUpdateResult.Ok, Apply(terminalStore, first.Bytes));
            Assert.AreEqual(1, (int)terminalStore.KeyVersion);
            Assert.AreEqual(0, (int)terminalStore.PreviousKeyVersion);
            var record = new CardRecord();
            Assert.IsTrue(terminalStore.TryFind(Convert.FromHexString("04A1B2C3D4E5F0"), 0, 7, record));
            Assert.AreEqual(CardFamily.Desfire, record.Family);
            Assert.IsTrue(terminalStore.TryFind(Convert.FromHexString("A1B2C3D4"), 0, 4, record));
            Assert.AreEqual(CardFamily.Classic, record.Family);
            Assert.IsTrue(terminalStore.TryFind(Convert.FromHexString("04A1B2C3D4E5F1C2D3E4"), 0, 10, record));
            Assert.AreEqual(CardFamily.Unchecked, record.Family);

            // Same export, same key versions: nothing to publish.
            Assert.AreEqual(ImportStatus.Unchanged, lists.Apply(EsupSgcExport.Read(Encoding.UTF8.GetBytes(Export)), "test", DateTime.UtcNow).Status);

            // The site configures version 2 in force, 1 still accepted: the next import publishes version 2 with no card change.
            var rotated = new ListService(store, new AllowlistListEncoder(14, Key, 2, 1));
            Assert.IsTrue(rotated.KeyRotationPending());
            ImportOutcome outcome = rotated.Apply(EsupSgcExport.Read(Encoding.UTF8.GetBytes(Export)), "test", DateTime.UtcNow);
            Assert.AreEqual(ImportStatus.Published, outcome.Status, outcome.Message);
            Assert.AreEqual(0, outcome.Changes);
            Assert.IsFalse(rotated.KeyRotationPending());

            ListAnswer delta = rotated.GetList(terminalStore.Version);
            Assert.AreEqual(ListAnswerKind.Delta, delta.Kind);
            Assert.AreEqual(ListUpdateResult.Ok, Apply(terminalStore, delta.Bytes));
            Assert.AreEqual(2L, terminalStore.Version);
            Assert.AreEqual(2, (int)terminalStore.KeyVersion);
            Assert.AreEqual(1, (int)terminalStore.PreviousKeyVersion);
            Assert.IsTrue(terminalStore.TryFind(Convert.FromHexString("A1B2C3D4"), 0, 4, record));
            Assert.AreEqual(CardFamily.Classic, record.Family);

            Assert.ThrowsExactly<ArgumentException>(() => new AllowlistListEncoder(14, Key, 2, 2));
            Assert.ThrowsExactly<ArgumentException>(() => new AllowlistListEncoder(14, Key, 0, 1));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }

    [TestMethod]
    public void UidOnlyApprovalsOfTheMigrationAreCountedPerTerminalOnTheCardOfficePage()
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-migration-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var store = new SqlGatewayStore(new SqliteDialect(), "Data Source=" + Path.Combine(folder, "g.db"));
            store.Initialize();
            var records = new System.Collections.Generic.List<StoredJournalRecord>();
            // 3 approvals by UID only, 2 authenticated, 1 plain uid approval, 1 denial flagged UID only (not an approval: not counted).
            bool[][] flags = { new[] { true, true, false }, new[] { true, true, false }, new[] { true, true, false }, new[] { true, false, true }, new[] { true, false, true }, new[] { true, false, false }, new[] { false, true, false } };
            for (int i = 0; i < flags.Length; i++)
            {
                var record = new LeoCarte.Terminal.Journal.JournalRecord
                {
                    Sequence = i + 1, Approved = flags[i][0], UidOnly = flags[i][1], Authenticated = flags[i][2], CardListed = true,
                    UnixMilliseconds = 1767225600000 + i, JournalId = 7, UidLength = 7,
                };
                var raw = new byte[LeoCarte.Terminal.Journal.JournalRecord.Size];
                record.Encode(raw, 0);
                records.Add(new StoredJournalRecord("RU-1", 7, i + 1, raw, record.UnixMilliseconds, "04a1b2c3d4e5f0", record.Approved, 0, 100, 1));
            }

            store.StoreJournal("RU-1", records);
            store.StoreJournal("RU-1", records); // a repeated upload counts nothing twice
            TerminalRow row = store.Terminals().Single(t => t.TerminalId == "RU-1");
            Assert.AreEqual(3L, row.UidOnlyApprovals);
            Assert.AreEqual(2L, row.AuthenticatedApprovals);

            string page = LeoCarte.Gateway.Web.CardOfficePages.Dashboard(store, new Microsoft.AspNetCore.Antiforgery.AntiforgeryTokenSet("r", "c", "f", "h"), "accueil", DateTime.UtcNow, null, null);
            StringAssert.Contains(page, "approvals by UID only in migration mode: 3; approbations authentifiées DESFire AES / authenticated approvals: 2.");
            StringAssert.Contains(page, "3 (authenticated 2)");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }

    private static ListUpdateResult Apply(AllowlistStore store, byte[] list)
    {
        var update = new ListUpdate(store, 14, global::LeoCarte.Terminal.Tests.Support.HostListKeys.Trust());
        update.Begin();
        ListUpdateResult written = update.Write(list, 0, list.Length);
        return written != ListUpdateResult.Ok ? written : update.Commit();
    }
}
