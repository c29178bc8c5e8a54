using System;
using System.Linq;
using LeoCarte.Drivers.Desfire;
using LeoCarte.Simulator.Cards;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using LeoCarte.VirtualTerminal;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.App;

/// <summary>
/// The site policies end to end on the simulated reader: under desfire-aes every clone of an active student's card is
/// refused (journaled with its reason) and a personalised card approved; keys rotated by a list update keep working;
/// migration mode approves not-yet-personalised cards by UID and journals them as such; under uid the type check
/// stops the Classic and Ultralight clones and, as documented, not a DESFire carrying a copied UID. A vending machine
/// (pulse credit): one card may buy several times, where a restaurant serves one meal per holder and window.
/// </summary>
[TestClass]
public class CardPolicyTests
{
    public static readonly byte[] SiteAid = { 0x01, 0x43, 0x4C }; // card.application = 4C4301, least significant byte first on the air
    public static readonly byte[] SystemId = Convert.FromHexString("4C656F436172746531");
    public static readonly byte[] MasterKey1 = Convert.FromHexString("00112233445566778899AABBCCDDEEFF");
    public static readonly byte[] MasterKey2 = Convert.FromHexString("F0E1D2C3B4A5968778695A4B3C2D1E0F");
    public static readonly byte[] MasterKey3 = Convert.FromHexString("0F1E2D3C4B5A69788796A5B4C3D2E1F0");

    public static string Config(string policy, string mode = "vending") =>
        VirtualTerminalHost.ConfigurationText("http://127.0.0.1:9", AppRig.SiteId, AppRig.ListPublicKeyLine, AppRig.Secret, mode, 60)
        + $"\n[card]\npolicy = {policy}\napplication = 4C4301\nsystem_id = {Convert.ToHexString(SystemId)}\n"
        + $"key = 1 {Convert.ToHexString(MasterKey1)}\nkey = 2 {Convert.ToHexString(MasterKey2)}\nkey = 3 {Convert.ToHexString(MasterKey3)}\n";

    public static byte[] MasterKeyOf(int version) => version == 1 ? MasterKey1 : version == 2 ? MasterKey2 : MasterKey3;

    public static byte[] CardKey(byte[] master, byte[] uid, byte[] systemId)
    {
        var key = new byte[16];
        Assert.IsTrue(new KeyDiversification(new Aes128()).Diversify(master, 0, uid, uid.Length, SiteAid, 0, systemId, systemId.Length, key, 0));
        return key;
    }

    /// <summary>A LéoCarte as the personalisation leaves it: site application, key 1 diversified (version), holder file (MAC).</summary>
    public static DesfireCard Personalised(byte[] uid, int holder, int version, uint site = AppRig.SiteId, byte[] systemId = null)
    {
        var card = VirtualCard.Desfire(uid);
        var app = card.AddApplication(SiteAid);
        app.Keys[0] = CardKey(MasterKeyOf(version), uid, systemId ?? SystemId);
        app.Keys[1] = CardKey(MasterKeyOf(version), uid, systemId ?? SystemId);
        app.KeyVersions[0] = (byte)version;
        app.KeyVersions[1] = (byte)version;
        var content = new byte[HolderFile.Length];
        HolderFile.Write(content, 0, holder, site, (byte)version);
        app.Files[HolderFile.FileNumber] = new DesfireCard.DataFile { Data = content, CommMode = 1, ReadKey = HolderFile.ReadKeyNumber };
        return card;
    }

    private static (TapKind Kind, ReasonCode Reason, bool Approved) TapOnce(AppRig rig, VirtualCard card)
    {
        int before = rig.Decisions.Count;
        rig.Wait(TimeSpan.FromSeconds(11)); // past the repeat-tap window of the previous approval
        rig.Present(25, card);
        var decided = rig.Decisions.Skip(before).Where(d => d.Kind == TapKind.Decided).ToList();
        Assert.AreEqual(1, decided.Count, "one decision per tap: " + string.Join(",", rig.Decisions.Skip(before).Select(d => d.Kind + "/" + d.Reason)));
        return (decided[0].Kind, decided[0].Reason, decided[0].Approved);
    }

    private static JournalRecord LastRecord(AppRig rig)
    {
        var record = new JournalRecord();
        Assert.IsTrue(rig.App.Journal.TryRead(rig.App.Journal.LastSequence, record));
        return record;
    }

    [TestMethod]
    public void DesfireAes_APersonalisedCardIsApprovedAndEveryCloneRefusedWithItsReason()
    {
        var rig = new AppRig(configText: Config("desfire-aes"), listKeyVersion: 1);
        Assert.IsTrue(rig.App.IsProvisioned, string.Join("; ", rig.Debug));
        var genuine = Personalised(AppRig.Enabled1, 1, 1);

        var ok = TapOnce(rig, genuine);
        Assert.IsTrue(ok.Approved, ok.Reason.ToString());
        Assert.IsTrue(LastRecord(rig).Authenticated, "journaled as authenticated");
        Assert.IsFalse(LastRecord(rig).UidOnly);
        Assert.AreEqual(1, rig.App.CardPolicy.LastKeyVersion);

        var clones = new (VirtualCard Card, ReasonCode Expected, string What)[]
        {
            (CloneCards.MagicClassic(genuine), ReasonCode.NotGenuine, "magic Classic with the UID"),
            (CloneCards.Ultralight(genuine), ReasonCode.NotGenuine, "Ultralight with the UID"),
            (CloneCards.DesfireWithCopiedUid(genuine, replaySignature: false), ReasonCode.AuthenticationFailed, "DESFire with copied UID, application and files, no keys"),
            (CloneCards.DesfireWithCopiedUid(genuine, replaySignature: true), ReasonCode.AuthenticationFailed, "the same replaying the originality signature"),
            (VirtualCard.Desfire(AppRig.Enabled1), ReasonCode.NotPersonalised, "a blank DESFire with the UID"),
            (Personalised(AppRig.Enabled1, 1, 1, systemId: Convert.FromHexString("0102030405")), ReasonCode.AuthenticationFailed, "keys of another site (system id)"),
            (Personalised(AppRig.Enabled1, 99, 1), ReasonCode.HolderMismatch, "authentic keys, another holder in the file"),
            (Personalised(AppRig.Enabled1, 1, 1, site: AppRig.SiteId + 1), ReasonCode.HolderMismatch, "authentic keys, another site in the file"),
        };
        foreach (var clone in clones)
        {
            long before = rig.App.Journal.LastSequence;
            var tap = TapOnce(rig, clone.Card);
            Assert.IsFalse(tap.Approved, clone.What);
            Assert.AreEqual(clone.Expected, tap.Reason, clone.What);
            Assert.AreEqual(before + 1, rig.App.Journal.LastSequence, clone.What + ": journaled");
            Assert.AreEqual((byte)clone.Expected, LastRecord(rig).Reason, clone.What);
            Console.WriteLine($"{clone.What}: refused, {tap.Reason}");
        }

        Assert.AreEqual(7, rig.App.Statistics.RefusedNotGenuine, "the 'card not genuine' refusals (type, authentication, holder)");
        Assert.AreEqual(ReasonText.InFrench(ReasonCode.HolderMismatch), rig.Platform.Display.French);
        var again = TapOnce(rig, genuine);
        Assert.IsTrue(again.Approved, "the genuine card still passes: " + again.Reason + " auth " + genuine.Authentications + "/" + genuine.FailedAuthentications);
        Assert.AreEqual(2, rig.App.Statistics.ApprovedAuthenticated);

        // A Classic campus card cannot prove an AES key: refused outside migration mode.
        Assert.AreEqual(ReasonCode.NotPersonalised, TapOnce(rig, AppRig.Card(AppRig.Classic4)).Reason);
    }

    [TestMethod]
    public void Uid_TypeChecksStopClassicAndUltralightClonesNotADesfireWithACopiedUid()
    {
        var rig = new AppRig(mode: "vending", listKeyVersion: 1);
        var genuine = Personalised(AppRig.Enabled1, 1, 1);
        Assert.AreEqual(ReasonCode.NotGenuine, TapOnce(rig, CloneCards.MagicClassic(genuine)).Reason);
        Assert.AreEqual(ReasonCode.NotGenuine, TapOnce(rig, CloneCards.Ultralight(genuine)).Reason);

        // The documented limit of the uid policy (hardware/security.md): same ATQA, SAK and ATS, so it passes.
        var copied = TapOnce(rig, CloneCards.DesfireWithCopiedUid(genuine, replaySignature: true));
        Assert.IsTrue(copied.Approved, "uid cannot tell a DESFire with a copied UID: only desfire-aes does");
        Assert.IsFalse(LastRecord(rig).Authenticated);
        Assert.AreEqual(0, genuine.Authentications + genuine.FailedAuthentications, "uid talks to no card beyond anticollision");
    }

    [TestMethod]
    public void KeysRotatedByAListUpdateKeepWorking()
    {
        var rig = new AppRig(configText: Config("desfire-aes"), listKeyVersion: 1);
        var old = Personalised(AppRig.Enabled1, 1, 1);
        var renewed = Personalised(AppRig.Enabled2, 2, 2);
        var staged = Personalised(AppRig.Enabled2, 2, 3);
        Assert.IsTrue(TapOnce(rig, old).Approved);
        Assert.AreEqual(ReasonCode.AuthenticationFailed, TapOnce(rig, renewed).Reason, "version 2 is not announced yet: never used");

        // The gateway announces 2 in force, 1 still accepted: a delta with no card change.
        ApplyDelta(rig, 2, 1, 2, 1);
        var stillOld = TapOnce(rig, old);
        Assert.IsTrue(stillOld.Approved, stillOld.Reason.ToString() + " " + old.Authentications + "/" + old.FailedAuthentications);
        Assert.AreEqual(1, rig.App.CardPolicy.LastKeyVersion, "the card personalised with version 1 answered to the previous version");
        Assert.IsTrue(TapOnce(rig, renewed).Approved);
        Assert.AreEqual(2, rig.App.CardPolicy.LastKeyVersion);
        Assert.AreEqual(ReasonCode.AuthenticationFailed, TapOnce(rig, staged).Reason, "version 3 is configured but not announced");

        // End of the rotation: version 1 retired.
        ApplyDelta(rig, 3, 2, 2, 0);
        Assert.AreEqual(ReasonCode.AuthenticationFailed, TapOnce(rig, old).Reason, "a card left on the retired version is refused");
        Assert.IsTrue(TapOnce(rig, renewed).Approved);
        Assert.AreEqual(3L, rig.App.Allowlist.Version);
    }

    [TestMethod]
    public void MigrationApprovesNotYetPersonalisedCardsByUidAndJournalsThem()
    {
        var rig = new AppRig(configText: Config("desfire-aes-migration"), listKeyVersion: 1);
        var blank = VirtualCard.Desfire(AppRig.Enabled2);
        var tap = TapOnce(rig, blank);
        Assert.IsTrue(tap.Approved, tap.Reason.ToString());
        JournalRecord record = LastRecord(rig);
        Assert.IsTrue(record.UidOnly, "journaled as approved on its UID alone");
        Assert.IsFalse(record.Authenticated);

        Assert.IsTrue(TapOnce(rig, AppRig.Card(AppRig.Classic4)).Approved, "a Classic campus card during the migration");
        Assert.IsTrue(LastRecord(rig).UidOnly);

        var personalised = Personalised(AppRig.Enabled1, 1, 1);
        Assert.IsTrue(TapOnce(rig, personalised).Approved);
        Assert.IsTrue(LastRecord(rig).Authenticated);

        // No fallback to the UID for a card that has the application but not the keys.
        Assert.AreEqual(ReasonCode.AuthenticationFailed, TapOnce(rig, CloneCards.DesfireWithCopiedUid(personalised, true)).Reason);
        Assert.AreEqual(ReasonCode.NotGenuine, TapOnce(rig, CloneCards.MagicClassic(personalised)).Reason);
        Assert.AreEqual(2, rig.App.Statistics.ApprovedUidOnly);
        Assert.AreEqual(1, rig.App.Statistics.ApprovedAuthenticated);
    }

    internal static void ApplyDelta(AppRig rig, long version, long baseVersion, byte keyVersion, byte previousKeyVersion)
    {
        long issued = new DateTimeOffset(rig.App.Clock.UtcNow).ToUnixTimeSeconds();
        byte[] delta = ListBuilder.BuildDelta(AppRig.SiteId, version, baseVersion, issued, keyVersion, previousKeyVersion, new ListEntry[0], AppRig.ListKey);
        var update = new ListUpdate(rig.App.Allowlist, AppRig.SiteId, global::LeoCarte.Terminal.Tests.Support.HostListKeys.Trust());
        update.Begin();
        Assert.AreEqual(ListUpdateResult.Ok, update.Write(delta, 0, delta.Length));
        Assert.AreEqual(ListUpdateResult.Ok, update.Commit());
        Assert.AreEqual(keyVersion, rig.App.Allowlist.KeyVersion);
    }
}
