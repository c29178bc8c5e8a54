using System;
using System.IO;
using System.Linq;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Lists;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Storage;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

[TestClass]
public class ListServiceTests
{
    private static readonly ListSigning Key = global::LeoCarte.Terminal.Tests.Support.HostListKeys.Signing();

    private sealed class Rig : IDisposable
    {
        public readonly string Folder = Path.Combine(Path.GetTempPath(), "leocarte-lists-" + Guid.NewGuid().ToString("N"));
        public readonly SqlGatewayStore Store;
        public readonly ListService Lists;

        public Rig(int retained = 200)
        {
            Directory.CreateDirectory(Folder);
            Store = new SqlGatewayStore(new SqliteDialect(), "Data Source=" + Path.Combine(Folder, "g.db")) { RetainedVersions = retained };
            Store.Initialize();
            Lists = new ListService(Store, new AllowlistListEncoder(14, Key));
        }

        public ImportOutcome Import(params (long Id, string Csn, string Etat, string Motif, string Eppn)[] cards) =>
            Lists.Apply(cards.Select(c => new EsupCard(c.Id, c.Csn, c.Etat, null, c.Eppn, c.Motif, 0)).ToList(), "test", DateTime.UtcNow);

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Folder, true);
        }
    }

    [TestMethod]
    public void VersionsDeltasAndSnapshotsFollowTheImports()
    {
        using var rig = new Rig();
        Assert.AreEqual(ListAnswerKind.NoList, rig.Lists.GetList(0).Kind);
        var cards = Enumerable.Range(0, 500).Select(i => ((long)i, $"04f0{i:x10}", "ENABLED", (string)null, $"s{i}@x")).ToArray();
        Assert.AreEqual(1L, rig.Import(cards).Version);
        byte[] version1 = rig.Lists.GetList(0).Bytes;
        Assert.AreEqual(0, rig.Import(cards).Changes, "same export: no new version");
        Assert.AreEqual(1L, rig.Store.CurrentVersion().Version);

        cards[3] = (3, cards[3].Item2, "DISABLED", "THEFT", cards[3].Item5);
        var withNew = cards.Take(499).Append((999L, "04ffffffffffff", "ENABLED", null, "new@x")).ToArray(); // card 499 leaves, one arrives
        ImportOutcome second = rig.Import(withNew);
        Assert.AreEqual(2L, second.Version);
        Assert.AreEqual(3, second.Changes);

        ListAnswer delta = rig.Lists.GetList(1);
        ListAnswer snapshot = rig.Lists.GetList(0);
        Assert.AreEqual(ListAnswerKind.Delta, delta.Kind);
        Assert.AreEqual(ListAnswerKind.Snapshot, snapshot.Kind);
        // 3 changes ≈ 30 bytes + 64 header + 16 manifest + 64 signature.
        Assert.IsTrue(delta.Bytes.Length < 200, delta.Bytes.Length.ToString());
        Assert.AreEqual(ListAnswerKind.UpToDate, rig.Lists.GetList(2).Kind);
        Assert.AreEqual(ListAnswerKind.TerminalAhead, rig.Lists.GetList(7).Kind);

        // A terminal applying v1 then the delta ends with exactly the v2 snapshot's content.
        var viaDelta = Apply(version1, delta.Bytes);
        var viaSnapshot = Apply(null, snapshot.Bytes);
        Assert.AreEqual(2L, viaDelta.Version);
        Assert.AreEqual(500, viaDelta.Count);
        var record = new CardRecord();
        foreach (string csn in new[] { cards[3].Item2, "04ffffffffffff", cards[0].Item2, cards[499].Item2 })
        {
            byte[] uid = Convert.FromHexString(csn);
            bool a = viaDelta.TryFind(uid, 0, uid.Length, record);
            CardState stateA = record.State;
            bool b = viaSnapshot.TryFind(uid, 0, uid.Length, record);
            Assert.AreEqual(b, a, csn);
            Assert.AreEqual(record.State, stateA, csn);
        }

        Assert.IsTrue(viaDelta.TryFind(Convert.FromHexString(cards[3].Item2), 0, 7, record));
        Assert.AreEqual(CardState.Stolen, record.State);
        Assert.IsFalse(viaDelta.TryFind(Convert.FromHexString(cards[499].Item2), 0, 7, record));
    }

    [TestMethod]
    public void TerminalsOlderThanTheRetainedChangesGetASnapshot()
    {
        using var rig = new Rig(retained: 2);
        for (int v = 1; v <= 5; v++)
        {
            Assert.AreEqual(v, rig.Import((1, "04a1b2c3d4e580", v % 2 == 0 ? "DISABLED" : "ENABLED", "LOST", "a@x"), (2, "04b2c3d4e5f681", "ENABLED", null, "b@x")).Version);
        }

        Assert.AreEqual(ListAnswerKind.Snapshot, rig.Lists.GetList(1).Kind);
        Assert.AreEqual(ListAnswerKind.Snapshot, rig.Lists.GetList(2).Kind);
        Assert.AreEqual(ListAnswerKind.Delta, rig.Lists.GetList(3).Kind);
        Assert.AreEqual(ListAnswerKind.Delta, rig.Lists.GetList(4).Kind);
    }

    [TestMethod]
    public void HolderKeysFollowTheStudentAcrossARenewedCard()
    {
        using var rig = new Rig();
        rig.Import((1, "04a1b2c3d4e580", "ENABLED", null, "emma@x"));
        rig.Import((1, "04a1b2c3d4e580", "RENEWED", null, "emma@x"), (2, "04b2c3d4e5f681", "ENABLED", null, "emma@x"), (3, "a1b2c3d4", "ENABLED", null, null), (4, "a1b2c3d5", "ENABLED", null, null));
        var cards = rig.Store.CurrentCards();
        Assert.AreEqual(cards["04a1b2c3d4e580"].HolderKey, cards["04b2c3d4e5f681"].HolderKey);
        Assert.AreEqual(CardState.Renewed, cards["04a1b2c3d4e580"].State);
        Assert.AreNotEqual(cards["a1b2c3d4"].HolderKey, cards["a1b2c3d5"].HolderKey, "cards without eppn do not share a holder");
    }

    /// <summary>A fresh terminal store: applies <paramref name="first"/> (when given), then <paramref name="bytes"/>; both must be accepted.</summary>
    private static AllowlistStore Apply(byte[] first, byte[] bytes)
    {
        var store = new AllowlistStore(new MemoryFileStore());
        store.Open();
        var update = new ListUpdate(store, 14, global::LeoCarte.Terminal.Tests.Support.HostListKeys.Trust());
        foreach (byte[] list in first == null ? new[] { bytes } : new[] { first, bytes })
        {
            update.Begin();
            Assert.AreEqual(ListUpdateResult.Ok, update.Write(list, 0, list.Length));
            Assert.AreEqual(ListUpdateResult.Ok, update.Commit());
        }

        return store;
    }
}
