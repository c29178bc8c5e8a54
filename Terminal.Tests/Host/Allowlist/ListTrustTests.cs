using System;
using System.Linq;
using System.Security.Cryptography;
using LeoCarte.Gateway.Api;
using LeoCarte.Gateway.Lists;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;
using LeoCarte.Terminal.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Allowlist;

/// <summary>
/// Issue 13, item 1, with real ECDSA P-256 (the gateway's PemListSigner, .NET's ECDsa on the terminal side):
/// what a stolen terminal, a hostile network or a reset gateway can make a terminal accept — nothing.
/// </summary>
[TestClass]
public class ListTrustTests
{
    private const uint Site = AllowlistTestData.Site;
    private const long Issued = 1_795_000_000;

    private static (MemoryFileStore Files, AllowlistStore Store, ListUpdate Update) NewTerminal(ListTrust trust = null)
    {
        var files = new MemoryFileStore();
        var store = new AllowlistStore(files, "allow", 128);
        store.Open();
        return (files, store, new ListUpdate(store, Site, trust ?? HostListKeys.Trust()));
    }

    [TestMethod]
    public void AListSignedWithATerminalsOwnKeyIsRefused()
    {
        var (_, store, update) = NewTerminal();
        var entries = AllowlistTestData.Population(50, 3);
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(update, ListBuilder.BuildSnapshot(Site, 1, Issued, entries, HostListKeys.Signing()), 100));

        // What a stolen terminal holds: its request secret (and the public key). An HMAC under the secret in place
        // of the signature, under the gateway's key id: refused before anything touches flash.
        byte[] secret = RandomNumberGenerator.GetBytes(32);
        var stolen = new ListSigning(new HmacPretender(HostListKeys.KeyId, secret), HostListKeys.Database);
        var forged = ListBuilder.BuildSnapshot(Site, 2, Issued + 60, entries.Select(e => new ListEntry(e.Uid, CardState.Active, e.HolderKey, 0)).ToArray(), stolen);
        Assert.AreEqual(ListUpdateResult.BadSignature, AllowlistTestData.Apply(update, forged, 100));

        // The former format: a site-HMAC-tagged list (format version 1), as the old terminals' shared key made.
        var formerFormat = (byte[])forged.Clone();
        formerFormat[WireFormat.OffsetFormatVersion] = 1;
        Assert.AreEqual(ListUpdateResult.BadFormat, AllowlistTestData.Apply(update, formerFormat, 100));

        // A real ECDSA key that is not the gateway's, under the gateway's id.
        var other = new ListSigning(new PemListSigner(HostListKeys.KeyId, HostListKeys.NewPem()), HostListKeys.Database);
        Assert.AreEqual(ListUpdateResult.BadSignature, AllowlistTestData.Apply(update, ListBuilder.BuildSnapshot(Site, 2, Issued + 60, entries, other), 100));
        Assert.AreEqual(1L, store.Version);
    }

    [TestMethod]
    public void AnUnknownKeyIdIsRefusedAndARotationNeedsBothKeys()
    {
        var next = new PemListSigner(2, HostListKeys.NewPem());
        var entries = AllowlistTestData.Population(20, 4);
        byte[] signedByNext = ListBuilder.BuildSnapshot(Site, 1, Issued, entries, new ListSigning(next, HostListKeys.Database));

        var (_, store, update) = NewTerminal();
        Assert.AreEqual(ListUpdateResult.UnknownKey, AllowlistTestData.Apply(update, signedByNext, 100));
        Assert.AreEqual(0L, store.Version);

        // The terminal configured with both keys (rotation): lists of either are accepted.
        var both = new ListTrust(new[] { new ListSigningKey(1, HostListKeys.Gateway.PublicKey), new ListSigningKey(2, next.PublicKey) },
            new DotNetListSignatureVerifier(), new PortableMac());
        var (_, rotated, rotatedUpdate) = NewTerminal(both);
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(rotatedUpdate, ListBuilder.BuildSnapshot(Site, 1, Issued, entries, HostListKeys.Signing()), 100));
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(rotatedUpdate, ListBuilder.BuildSnapshot(Site, 2, Issued + 60, entries, new ListSigning(next, HostListKeys.Database)), 100));
        Assert.AreEqual(2L, rotated.Version);
    }

    [TestMethod]
    public void ARolledBackOrResetGatewayListForcesASnapshot()
    {
        var (files, store, update) = NewTerminal();
        var v1 = AllowlistTestData.Population(40, 5);
        var v2 = AllowlistRandomTests.Mutate(v1, new Random(6), 5);
        byte[] list1 = ListBuilder.BuildSnapshot(Site, 1, Issued, v1, HostListKeys.Signing());
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(update, list1, 100));
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(update, ListBuilder.BuildDelta(Site, 2, 1, Issued + 60, ListBuilder.ComputeDelta(v1, v2), HostListKeys.Signing()), 100));
        Assert.AreEqual(HostListKeys.Database, store.DatabaseId);

        // Rolled back: the authentic version 1 replayed.
        Assert.AreEqual(ListUpdateResult.VersionNotNewer, AllowlistTestData.Apply(update, list1, 100));

        // The gateway's database was reset: versions restart at 1 under a new identity. Its delta "2 → 3" must not
        // be matched against our version 2 of the other database.
        const long ResetDatabase = 0x0DB0_0002;
        var stolenInNewDb = v2.Select((e, i) => i == 0 ? new ListEntry(e.Uid, CardState.Stolen, e.HolderKey, 0) : e).ToArray();
        var reset = new ListSigning(HostListKeys.Gateway, ResetDatabase);
        byte[] resetDelta = ListBuilder.BuildDelta(Site, 3, 2, Issued + 120, ListBuilder.ComputeDelta(v2, stolenInNewDb), reset);
        var sink = new AllowlistListSink(store, Site, HostListKeys.Trust());
        Assert.IsTrue(sink.Begin());
        Assert.IsFalse(sink.Write(resetDelta, 0, resetDelta.Length));
        Assert.AreEqual("DatabaseChanged", sink.LastError);
        Assert.IsTrue(sink.NeedsSnapshot, "the next request asks for a snapshot");

        // The reset gateway's snapshot version 1 (issued after our list): accepted although 1 < 2.
        byte[] resetSnapshot = ListBuilder.BuildSnapshot(Site, 1, Issued + 120, stolenInNewDb, reset);
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(update, resetSnapshot, 100));
        Assert.AreEqual(1L, store.Version);
        Assert.AreEqual(ResetDatabase, store.DatabaseId);
        var record = new CardRecord();
        Assert.IsTrue(store.TryFind(stolenInNewDb[0].Uid, 0, stolenInNewDb[0].Uid.Length, record));
        Assert.AreEqual(CardState.Stolen, record.State);

        // The former database's lists (issued before the list in force) cannot be replayed across the identity change.
        byte[] oldDbNewer = ListBuilder.BuildSnapshot(Site, 5, Issued + 90, v1, HostListKeys.Signing());
        Assert.AreEqual(ListUpdateResult.VersionNotNewer, AllowlistTestData.Apply(update, oldDbNewer, 100));
        Assert.AreEqual(ResetDatabase, store.DatabaseId);

        // The identity survives a reboot (it is in the flash table's header).
        var reopened = new AllowlistStore(files, "allow", 128);
        reopened.Open();
        Assert.AreEqual(ResetDatabase, reopened.DatabaseId);
    }

    [TestMethod]
    public void AVersionJumpBeyondTheMaximumIsRefused()
    {
        var trust = HostListKeys.Trust();
        trust.MaxVersionJump = 1000;
        var (_, store, update) = NewTerminal(trust);
        var entries = AllowlistTestData.Population(10, 7);
        Assert.AreEqual(ListUpdateResult.VersionJumpTooLarge, AllowlistTestData.Apply(update, ListBuilder.BuildSnapshot(Site, 1001, Issued, entries, HostListKeys.Signing()), 100));
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(update, ListBuilder.BuildSnapshot(Site, 1000, Issued, entries, HostListKeys.Signing()), 100));
        Assert.AreEqual(ListUpdateResult.VersionJumpTooLarge, AllowlistTestData.Apply(update, ListBuilder.BuildSnapshot(Site, long.MaxValue, Issued, entries, HostListKeys.Signing()), 100));
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(update, ListBuilder.BuildSnapshot(Site, 2000, Issued, entries, HostListKeys.Signing()), 100));
        Assert.AreEqual(2000L, store.Version, "a later list still gets through: nothing froze the terminal");
    }

    [TestMethod]
    public void ATamperedChunkIsRefusedWithNothingCommitted()
    {
        // 3,000 cards ≈ 25 KB: several 4 KB chunks; tamper with the last one, so that the earlier chunks were
        // already verified and written to the slot not in force when the tampering is found.
        var entries = AllowlistTestData.Population(3000, 8);
        var (files, store, update) = NewTerminal();
        byte[] v1 = ListBuilder.BuildSnapshot(Site, 1, Issued, AllowlistTestData.Population(100, 9), HostListKeys.Signing());
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(update, v1, 512));
        int[] before = FileLengths(files);

        byte[] v2 = ListBuilder.BuildSnapshot(Site, 2, Issued + 60, entries, HostListKeys.Signing());
        var header = new ListHeader();
        Assert.AreEqual(ListUpdateResult.Ok, ListHeader.Read(v2, 0, v2.Length, header));
        Assert.IsTrue(header.ChunkCount >= 5, "several chunks: " + header.ChunkCount);
        var tampered = (byte[])v2.Clone();
        tampered[tampered.Length - 3] ^= 0x04;

        update.Begin();
        ListUpdateResult result = ListUpdateResult.Ok;
        for (int offset = 0; offset < tampered.Length && result == ListUpdateResult.Ok; offset += 1024)
        {
            result = update.Write(tampered, offset, Math.Min(1024, tampered.Length - offset));
        }

        Assert.AreEqual(ListUpdateResult.BadChunk, result);
        Assert.AreEqual(header.ChunkCount - 1, update.ChunksVerified, "every chunk but the tampered one verified (and applied to the new slot)");
        Assert.AreEqual(ListUpdateResult.BadChunk, update.Commit());
        Assert.AreEqual(1L, store.Version);
        Assert.AreEqual(100, store.Count);
        CollectionAssert.AreEqual(before, FileLengths(files), "the partial slot was removed, nothing else written");

        var reopened = new AllowlistStore(files, "allow", 128);
        Assert.IsTrue(reopened.Open());
        Assert.AreEqual(1L, reopened.Version, "after a reboot too");
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(update, v2, 1024));
    }

    [TestMethod]
    public void TheGatewaysUpToDateProofIsWhatTheTerminalChecks()
    {
        var options = new LeoCarte.Gateway.GatewayOptions();
        options.Terminals["T1"] = "5465726d696e616c20543120726571756573742073656372657420666f7220ff";
        var gateway = new TerminalAuthenticator(options);
        var terminal = new RequestSigner("T1", Convert.FromHexString(options.Terminals["T1"]), new PortableMessageHasher());
        string proof = gateway.UpToDateProof("T1", HostListKeys.Database, 42, 1_795_000_000, unchecked((long)0xF00DF00DCAFE0001));
        Assert.IsTrue(terminal.VerifyUpToDate(proof, "1795000000", HostListKeys.Database, 42, unchecked((long)0xF00DF00DCAFE0001)));
        Assert.IsFalse(terminal.VerifyUpToDate(proof, "1795000000", HostListKeys.Database, 42, 1), "another request's nonce (a replay)");
        Assert.IsFalse(terminal.VerifyUpToDate(proof, "1795000001", HostListKeys.Database, 42, unchecked((long)0xF00DF00DCAFE0001)), "another time");
        Assert.IsFalse(terminal.VerifyUpToDate(proof, "1795000000", HostListKeys.Database, 41, unchecked((long)0xF00DF00DCAFE0001)), "another version");
        Assert.IsFalse(terminal.VerifyUpToDate(proof, "1795000000", 7, 42, unchecked((long)0xF00DF00DCAFE0001)), "another database");
        Assert.IsFalse(terminal.VerifyUpToDate(null, "1795000000", HostListKeys.Database, 42, unchecked((long)0xF00DF00DCAFE0001)), "an unsigned 204");
    }

    private static int[] FileLengths(MemoryFileStore files) =>
        new[] { "allow-a.idx", "allow-a.dat", "allow-b.idx", "allow-b.dat", "allow.ov0", "allow.ov1" }.Select(files.Length).ToArray();

    [TestMethod]
    public void TheTerminalsSubsetVerifierAgreesWithDotNet()
    {
        // The device's verifier (subset ECDSA of Terminal/Crypto) against .NET's ECDsa on the gateway's signatures:
        // genuine ones accepted by both, any flipped bit of signature or digest refused by both.
        var subset = new EcdsaListSignatureVerifier();
        var reference = new DotNetListSignatureVerifier();
        var random = new Random(13);
        var next = new PemListSigner(2, HostListKeys.NewPem());
        int cases = 0;
        for (int i = 0; i < 60; i++)
        {
            PemListSigner signer = i % 3 == 0 ? next : HostListKeys.Gateway;
            byte[] digest = new byte[32];
            random.NextBytes(digest);
            byte[] signature = new byte[64];
            signer.SignDigest(digest, signature, 0);
            Assert.IsTrue(subset.Verify(signer.PublicKey, digest, signature, 0), "genuine " + i);
            Assert.IsTrue(reference.Verify(signer.PublicKey, digest, signature, 0));
            byte[] bad = (byte[])signature.Clone();
            bad[random.Next(64)] ^= (byte)(1 << random.Next(8));
            Assert.IsFalse(subset.Verify(signer.PublicKey, digest, bad, 0), "flipped signature " + i);
            Assert.IsFalse(reference.Verify(signer.PublicKey, digest, bad, 0));
            byte[] otherDigest = (byte[])digest.Clone();
            otherDigest[random.Next(32)] ^= 1;
            Assert.IsFalse(subset.Verify(signer.PublicKey, otherDigest, signature, 0), "other digest " + i);
            Assert.IsFalse(subset.Verify(signer == next ? HostListKeys.Gateway.PublicKey : next.PublicKey, digest, signature, 0), "other key " + i);
            cases += 4;
        }

        // A list end to end through the subset verifier.
        var trust = new ListTrust(new[] { new ListSigningKey(HostListKeys.KeyId, HostListKeys.Gateway.PublicKey) }, subset, new PortableMac());
        var (_, store, update) = NewTerminal(trust);
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(update, ListBuilder.BuildSnapshot(Site, 1, Issued, AllowlistTestData.Population(500, 10), HostListKeys.Signing()), 700));
        Assert.AreEqual(500, store.Count);
        Console.WriteLine($"subset ECDSA P-256 vs .NET: {cases} cases agree");
    }

    /// <summary>What a stolen terminal can do with its secret: an HMAC where the signature goes.</summary>
    private sealed class HmacPretender(uint keyId, byte[] secret) : IListSigner
    {
        public uint KeyId => keyId;

        public void SignDigest(byte[] digest, byte[] signature, int offset)
        {
            byte[] tag = HMACSHA256.HashData(secret, digest);
            tag.CopyTo(signature, offset);
            tag.CopyTo(signature, offset + 32);
        }
    }
}
