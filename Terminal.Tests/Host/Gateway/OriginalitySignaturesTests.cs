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
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;
using LeoCarte.Terminal.Tests.Crypto;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

/// <summary>
/// The gateway verifies originality signatures with .NET's ECDSA against NXP's published keys (the list of them in
/// Terminal/Crypto/NxpOriginality) and publishes the terminal's digest for the verified ones only.
/// </summary>
[TestClass]
public class OriginalitySignaturesTests
{
    private static readonly LeoCarte.Terminal.Allowlist.ListSigning Key = global::LeoCarte.Terminal.Tests.Support.HostListKeys.Signing();

    [TestMethod]
    public void NxpsPublishedVectorAndTheSimulatorsCardsVerifyForgeriesDoNot()
    {
        var nxpOnly = new OriginalitySignatures();
        byte[] uid = Convert.FromHexString(NxpOriginalityVectorTests.An12343Uid);
        byte[] signature = Convert.FromHexString(NxpOriginalityVectorTests.An12343Signature);
        Assert.AreEqual("DESFire Light (AN12343)", nxpOnly.SignedBy(uid, signature), "AN12343 Table 44, a real chip's signature");
        Assert.AreEqual(OriginalityCheck.Digest(new PortableMessageHasher(), signature, 0, new byte[32]), nxpOnly.DigestIfGenuine(uid, signature),
            "the gateway's digest (.NET HMAC) is the terminal's (portable HMAC)");

        var card = VirtualCard.Desfire(Convert.FromHexString("04a1b2c3d4e580"));
        Assert.AreEqual(0u, nxpOnly.DigestIfGenuine(card.RealUid, card.OriginalitySignature), "the simulator's manufacturer is not NXP");
        var withSimulator = new OriginalitySignatures(new[] { SimulatedManufacturer.PublicKeyHex });
        Assert.AreNotEqual(0u, withSimulator.DigestIfGenuine(card.RealUid, card.OriginalitySignature));

        var other = VirtualCard.Desfire(Convert.FromHexString("04b2c3d4e5f681"));
        Assert.AreEqual(0u, withSimulator.DigestIfGenuine(card.RealUid, other.OriginalitySignature), "another card's signature does not cover this UID");
        Assert.AreEqual(0u, withSimulator.DigestIfGenuine(card.RealUid, new byte[56]), "zeros");
        Assert.AreEqual(0u, withSimulator.DigestIfGenuine(card.RealUid, new byte[55]), "wrong length");
        byte[] flipped = (byte[])card.OriginalitySignature.Clone();
        flipped[40] ^= 0x10;
        Assert.AreEqual(0u, withSimulator.DigestIfGenuine(card.RealUid, flipped), "one bit changed");
        Assert.AreEqual(0u, withSimulator.DigestIfGenuine(Convert.FromHexString("a1b2c3d4"), card.OriginalitySignature), "a 4-byte UID has no originality signature");
        Assert.AreEqual(6, NxpOriginality.DesfireKeys.Length, "NXP's DESFire-family keys, all loaded by .NET as secp224r1 points");
    }

    [TestMethod]
    public void EnrolledSignaturesBecomeDigestsInTheListAndTheTerminalDecodesThem()
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-originality-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var enrolled = VirtualCard.Desfire(Convert.FromHexString("04a1b2c3d4e5f0"));
            var notVerified = VirtualCard.Desfire(Convert.FromHexString("04a1b2c3d4e5f2"));
            string file = Path.Combine(folder, "originality.csv");
            File.WriteAllText(file, "# csn,signature (card office enrolment)\n"
                + "04a1b2c3d4e5f0," + Convert.ToHexString(enrolled.OriginalitySignature) + "\n"
                + "04a1b2c3d4e5f2," + new string('0', 112) + "\n"
                + "04a1b2c3d4e5f1,zz\n\n");
            var signatures = new OriginalitySignatures(new[] { SimulatedManufacturer.PublicKeyHex });
            signatures.Load(file);
            Assert.AreEqual(1, signatures.Count);
            Assert.AreEqual(2, signatures.Rejected, "a signature that does not verify and a malformed line are set aside");

            const string Export = "id;csn;Etat;Date de modification;Eppn;Motif\n"
                + "1;04A1B2C3D4E5F0;ENABLED;2025-09-01T08:00;a@x;\n"
                + "2;04A1B2C3D4E5F2;ENABLED;2025-09-01T08:00;b@x;\n"
                + "3;A1B2C3D4;ENABLED;2025-09-01T08:00;c@x;\n";
            var store = new SqlGatewayStore(new SqliteDialect(), "Data Source=" + Path.Combine(folder, "g.db"));
            store.Initialize();
            var lists = new ListService(store, new AllowlistListEncoder(14, Key, 0, 0, signatures));
            Assert.AreEqual(ImportStatus.Published, lists.Apply(EsupSgcExport.Read(Encoding.UTF8.GetBytes(Export)), "test", DateTime.UtcNow).Status);
            ListAnswer snapshot = lists.GetList(0);

            var terminal = new AllowlistStore(new MemoryFileStore(), "t", 128);
            terminal.Open();
            var update = new ListUpdate(terminal, 14, global::LeoCarte.Terminal.Tests.Support.HostListKeys.Trust());
            update.Begin();
            Assert.AreEqual(ListUpdateResult.Ok, update.Write(snapshot.Bytes, 0, snapshot.Bytes.Length));
            Assert.AreEqual(ListUpdateResult.Ok, update.Commit());
            var record = new CardRecord();
            Assert.IsTrue(terminal.TryFind(enrolled.RealUid, 0, 7, record));
            Assert.AreEqual(OriginalityCheck.Digest(new PortableMessageHasher(), enrolled.OriginalitySignature, 0, new byte[32]), record.OriginalityDigest);
            Assert.IsTrue(terminal.TryFind(notVerified.RealUid, 0, 7, record));
            Assert.AreEqual(0u, record.OriginalityDigest, "no digest for a signature that did not verify");
            Assert.IsTrue(terminal.TryFind(Convert.FromHexString("a1b2c3d4"), 0, 4, record));
            Assert.AreEqual(0u, record.OriginalityDigest);

            // Digests off (the default): the same export publishes no digest, as terminals of older firmware require.
            var plain = new AllowlistListEncoder(14, Key).Snapshot(1, DateTime.UtcNow, store.CurrentCards().Values);
            var codecCheck = new AllowlistStore(new MemoryFileStore(), "u", 128);
            codecCheck.Open();
            var update2 = new ListUpdate(codecCheck, 14, global::LeoCarte.Terminal.Tests.Support.HostListKeys.Trust());
            update2.Begin();
            Assert.AreEqual(ListUpdateResult.Ok, update2.Write(plain, 0, plain.Length));
            Assert.AreEqual(ListUpdateResult.Ok, update2.Commit());
            Assert.IsTrue(codecCheck.TryFind(enrolled.RealUid, 0, 7, record));
            Assert.AreEqual(0u, record.OriginalityDigest);
            Console.WriteLine($"snapshot of 3 cards: {snapshot.Bytes.Length} bytes with 1 digest, {plain.Length} without (+{snapshot.Bytes.Length - plain.Length})");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }
}
