using System;
using System.Linq;
using LeoCarte.Simulator.Cards;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Sync;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using CardState = LeoCarte.Terminal.Cards.CardState;

namespace LeoCarte.Terminal.Tests.Host.App;

/// <summary>
/// The originality digest end to end on the simulated reader: a list update gives an active card's entry the digest of
/// its verified Read_Sig answer (as the gateway does at enrolment); at the tap the terminal reads the signature and
/// compares. Which clone each policy refuses: under uid the UID-only clones (type check) and every DESFire clone whose
/// signature is absent, zero, another card's or missing the command; a clone replaying the genuine signature passes
/// (Read_Sig is not authenticated on EV1) and only desfire-aes refuses it.
/// </summary>
[TestClass]
public class OriginalityTapTests
{
    /// <summary>The digest the gateway puts in the list for a card whose signature it verified (0 if it does not verify).</summary>
    public static uint EnrolledDigest(DesfireCard card)
    {
        var originality = new NxpOriginality(1);
        Assert.IsTrue(originality.AddKey(SimulatedManufacturer.PublicKey, 0, 57));
        uint digest = OriginalityEnrolment.DigestIfGenuine(originality, new PortableMessageHasher(), card.RealUid, card.OriginalitySignature);
        Assert.AreNotEqual(0u, digest, "the simulated manufacturer's signature verifies");
        return digest;
    }

    /// <summary>A delta giving Enabled1's entry (active, holder 1) the digest, as an enrolment publishes it.</summary>
    internal static void EnrolSignature(AppRig rig, DesfireCard genuine, long version, byte keyVersion = 1, byte previousKeyVersion = 0)
    {
        var entry = new ListEntry(AppRig.Enabled1, CardState.Active, 1, 0) { OriginalityDigest = EnrolledDigest(genuine) };
        long issued = new DateTimeOffset(rig.App.Clock.UtcNow).ToUnixTimeSeconds();
        byte[] delta = ListBuilder.BuildDelta(AppRig.SiteId, version, version - 1, issued, keyVersion, previousKeyVersion, new[] { entry }, AppRig.ListKey);
        var update = new ListUpdate(rig.App.Allowlist, AppRig.SiteId, global::LeoCarte.Terminal.Tests.Support.HostListKeys.Trust());
        update.Begin();
        Assert.AreEqual(ListUpdateResult.Ok, update.Write(delta, 0, delta.Length));
        Assert.AreEqual(ListUpdateResult.Ok, update.Commit());
        var record = new LeoCarte.Terminal.Cards.CardRecord();
        Assert.IsTrue(rig.App.Allowlist.TryFind(AppRig.Enabled1, 0, 7, record));
        Assert.AreEqual(entry.OriginalityDigest, record.OriginalityDigest, "the list in force carries the digest");
    }

    private static (ReasonCode Reason, bool Approved, JournalRecord Record) Tap(AppRig rig, VirtualCard card)
    {
        int before = rig.Decisions.Count;
        rig.Wait(TimeSpan.FromSeconds(11));
        rig.Present(25, card);
        var decided = rig.Decisions.Skip(before).Where(d => d.Kind == TapKind.Decided).ToList();
        Assert.AreEqual(1, decided.Count, "one decision per tap");
        var record = new JournalRecord();
        Assert.IsTrue(rig.App.Journal.TryRead(rig.App.Journal.LastSequence, record));
        return (decided[0].Reason, decided[0].Approved, record);
    }

    [TestMethod]
    public void Uid_TheDigestRefusesEveryDesfireCloneButTheReplayedSignature()
    {
        var rig = new AppRig(mode: "vending", listKeyVersion: 1);
        var genuine = CardPolicyTests.Personalised(AppRig.Enabled1, 1, 1);
        EnrolSignature(rig, genuine, 2);

        var ok = Tap(rig, genuine);
        Assert.IsTrue(ok.Approved, ok.Reason.ToString());
        Assert.IsTrue(ok.Record.Originality, "journaled: the signature was compared");
        Assert.AreEqual(1, rig.App.Statistics.ApprovedOriginal);

        var other = VirtualCard.Desfire(AppRig.Enabled2);
        var refused = new (VirtualCard Card, bool SignatureRead, string What)[]
        {
            (CloneCards.MagicClassic(genuine), false, "magic Classic with the UID (type check, no Read_Sig asked)"),
            (CloneCards.Ultralight(genuine), false, "Ultralight with the UID (type check)"),
            (CloneCards.DesfireWithCopiedUid(genuine, replaySignature: false), true, "DESFire with the copied UID, Read_Sig answers zeros"),
            (CloneCards.DesfireWithForeignSignature(genuine, other), true, "DESFire with the copied UID and another genuine card's signature"),
            (CloneCards.DesfireWithoutReadSig(genuine), true, "DESFire with the copied UID and no Read_Sig"),
        };
        foreach (var clone in refused)
        {
            int compared = rig.App.CardPolicy.SignaturesCompared;
            var tap = Tap(rig, clone.Card);
            Assert.IsFalse(tap.Approved, clone.What);
            Assert.AreEqual(ReasonCode.NotGenuine, tap.Reason, clone.What);
            Assert.AreEqual(clone.SignatureRead, tap.Record.Originality, clone.What + ": journal flag");
            Assert.AreEqual(compared + (clone.SignatureRead ? 1 : 0), rig.App.CardPolicy.SignaturesCompared, clone.What);
            Console.WriteLine($"uid, digest listed — {clone.What}: refused, {tap.Reason}");
        }

        Assert.AreEqual(3, rig.App.Statistics.RefusedNotOriginal);

        // The documented limit (hardware/security.md): Read_Sig is plain and unauthenticated, a replay passes under uid.
        var replay = Tap(rig, CloneCards.DesfireWithCopiedUid(genuine, replaySignature: true));
        Assert.IsTrue(replay.Approved, "a replayed signature cannot be told apart under uid: desfire-aes refuses it");
        Console.WriteLine("uid, digest listed — DESFire with the copied UID replaying the signature: approved (documented limit)");

        // A listed card without a digest costs no Read_Sig: the tap is as before.
        int comparedBefore = rig.App.CardPolicy.SignaturesCompared;
        var plain = Tap(rig, VirtualCard.Desfire(AppRig.Enabled2));
        Assert.IsTrue(plain.Approved);
        Assert.IsFalse(plain.Record.Originality);
        Assert.AreEqual(comparedBefore, rig.App.CardPolicy.SignaturesCompared);

        Assert.IsTrue(Tap(rig, genuine).Approved, "the genuine card still passes");
    }

    [TestMethod]
    public void DesfireAes_TheDigestRefusesBeforeAuthenticatingAndTheKeysRefuseTheReplay()
    {
        var rig = new AppRig(configText: CardPolicyTests.Config("desfire-aes"), listKeyVersion: 1);
        var genuine = CardPolicyTests.Personalised(AppRig.Enabled1, 1, 1);
        EnrolSignature(rig, genuine, 2);

        var ok = Tap(rig, genuine);
        Assert.IsTrue(ok.Approved, ok.Reason.ToString());
        Assert.IsTrue(ok.Record.Authenticated);

        var other = VirtualCard.Desfire(AppRig.Enabled2);
        var clones = new (VirtualCard Card, ReasonCode Expected, string What)[]
        {
            (CloneCards.MagicClassic(genuine), ReasonCode.NotGenuine, "magic Classic with the UID"),
            (CloneCards.Ultralight(genuine), ReasonCode.NotGenuine, "Ultralight with the UID"),
            (CloneCards.DesfireWithCopiedUid(genuine, replaySignature: false), ReasonCode.NotGenuine, "DESFire, copied UID, Read_Sig zeros"),
            (CloneCards.DesfireWithForeignSignature(genuine, other), ReasonCode.NotGenuine, "DESFire, copied UID, another card's signature"),
            (CloneCards.DesfireWithoutReadSig(genuine), ReasonCode.NotGenuine, "DESFire, copied UID, no Read_Sig"),
            (CloneCards.DesfireWithCopiedUid(genuine, replaySignature: true), ReasonCode.AuthenticationFailed, "DESFire, copied UID, replayed signature (no keys)"),
        };
        foreach (var clone in clones)
        {
            var card = clone.Card as DesfireCard;
            var tap = Tap(rig, clone.Card);
            Assert.IsFalse(tap.Approved, clone.What);
            Assert.AreEqual(clone.Expected, tap.Reason, clone.What);
            if (card != null && clone.Expected == ReasonCode.NotGenuine)
            {
                Assert.AreEqual(0, card.Authentications + card.FailedAuthentications, clone.What + ": refused before any authentication");
            }

            Console.WriteLine($"desfire-aes, digest listed — {clone.What}: refused, {tap.Reason}");
        }

        Assert.IsTrue(Tap(rig, genuine).Approved);
    }

    [TestMethod]
    public void TheDigestSurvivesACompactionIntoANewTable()
    {
        var rig = new AppRig(mode: "vending", listKeyVersion: 1);
        var genuine = CardPolicyTests.Personalised(AppRig.Enabled1, 1, 1);
        EnrolSignature(rig, genuine, 2);

        // New key versions are applied by compaction: the overlay entry with the digest is merged into a new table.
        CardPolicyTests.ApplyDelta(rig, 3, 2, 2, 1);
        var record = new LeoCarte.Terminal.Cards.CardRecord();
        Assert.IsTrue(rig.App.Allowlist.TryFind(AppRig.Enabled1, 0, 7, record));
        Assert.AreEqual(EnrolledDigest(genuine), record.OriginalityDigest);
        Assert.AreEqual(ReasonCode.NotGenuine, Tap(rig, CloneCards.DesfireWithCopiedUid(genuine, replaySignature: false)).Reason);
        Assert.IsTrue(Tap(rig, genuine).Approved);
    }

    [TestMethod]
    public void TheComparisonCostIsPrintedAndAllocatesNothing()
    {
        var plainRig = new AppRig(mode: "vending", fixedStore: true, listKeyVersion: 1);
        var digestRig = new AppRig(mode: "vending", fixedStore: true, listKeyVersion: 1);
        var genuine = CardPolicyTests.Personalised(AppRig.Enabled1, 1, 1);
        EnrolSignature(digestRig, genuine, 2);
        var plain = CardPolicyCostTests.Measure(plainRig, () => AppRig.Card(AppRig.Enabled1));
        var withDigest = CardPolicyCostTests.Measure(digestRig, () => genuine);
        Console.WriteLine($"uid tap, entry without digest: {plain.Transfers} SPI transfers, {plain.Bytes} bytes, {plain.ModelMs:0.0} ms modeled, {plain.Allocated} bytes allocated outside the simulator");
        Console.WriteLine($"uid tap, entry with digest (+ WUPA, SELECT, RATS, PPS, Read_Sig 56 B, DESELECT, one HMAC-SHA256): {withDigest.Transfers} SPI transfers, {withDigest.Bytes} bytes, {withDigest.ModelMs:0.0} ms modeled, {withDigest.Allocated} bytes allocated outside the simulator");
        Console.WriteLine($"added by the originality comparison: {withDigest.Transfers - plain.Transfers} transfers, {withDigest.Bytes - plain.Bytes} bytes, {withDigest.ModelMs - plain.ModelMs:0.0} ms");
        Assert.IsTrue(digestRig.App.Statistics.ApprovedOriginal >= CardPolicyCostTests.Rounds);
        Assert.AreEqual(0L, withDigest.Allocated, "the comparison allocates nothing outside the simulator (portable HMAC on the host)");

        // Under desfire-aes the session is open anyway: the comparison adds Read_Sig alone.
        var aesPlainRig = new AppRig(configText: CardPolicyTests.Config("desfire-aes"), fixedStore: true, listKeyVersion: 1);
        var aesDigestRig = new AppRig(configText: CardPolicyTests.Config("desfire-aes"), fixedStore: true, listKeyVersion: 1);
        EnrolSignature(aesDigestRig, genuine, 2);
        var aesPlain = CardPolicyCostTests.Measure(aesPlainRig, () => genuine);
        var aesDigest = CardPolicyCostTests.Measure(aesDigestRig, () => genuine);
        Console.WriteLine($"desfire-aes tap, entry without digest: {aesPlain.Transfers} SPI transfers, {aesPlain.Bytes} bytes, {aesPlain.ModelMs:0.0} ms modeled; with digest (+ Read_Sig): {aesDigest.Transfers} transfers, {aesDigest.Bytes} bytes, {aesDigest.ModelMs:0.0} ms, {aesDigest.Allocated} bytes allocated");
        Console.WriteLine($"added by the originality comparison under desfire-aes: {aesDigest.Transfers - aesPlain.Transfers} transfers, {aesDigest.Bytes - aesPlain.Bytes} bytes, {aesDigest.ModelMs - aesPlain.ModelMs:0.0} ms");
        Assert.AreEqual(0L, aesDigest.Allocated);
    }
}
