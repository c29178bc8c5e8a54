using System;
using System.Security.Cryptography;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Sync;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Crypto;

/// <summary>
/// DESFire originality signature end to end: NXP's published keys and AN12343's real signature; the simulator's
/// cards signed by the simulator manufacturer and read with the driver's Read_Sig over ISO-DEP; the tap-side check
/// (list digest, remembered verdicts, background verification) against genuine cards and clones.
/// </summary>
[TestClass]
public class OriginalityTests
{
    [TestMethod]
    public void NxpKeysAreValidPointsAndAn12343IsSignedByTheDesfireLightKey()
    {
        var originality = NxpOriginality.WithNxpDesfireKeys(0);
        Assert.AreEqual(NxpOriginality.DesfireKeys.Length, originality.KeyCount, "every published key is a secp224r1 point");
        var uid = Convert.FromHexString(Tests.Crypto.NxpOriginalityVectorTests.An12343Uid);
        var signature = Convert.FromHexString(Tests.Crypto.NxpOriginalityVectorTests.An12343Signature);
        int key = originality.Verify(uid, 0, 7, signature, 0, 56);
        Assert.AreEqual("DESFire Light (AN12343)", NxpOriginality.DesfireKeyNames[key]);

        // .NET agrees (an independent ECDSA with the same "no hash" convention: SignHash/VerifyHash take e as given).
        var q = Convert.FromHexString(NxpOriginality.DesfireKeys[key]);
        using var dotNet = ECDsa.Create(new ECParameters { Curve = ECCurve.CreateFromFriendlyName("secp224r1"), Q = new ECPoint { X = q[1..29], Y = q[29..57] } });
        Assert.IsTrue(dotNet.VerifyHash(uid, signature));
        Assert.IsFalse(originality.AddKey("04" + new string('0', 112)), "not a point");
        Assert.IsFalse(originality.AddKey("zz"), "not hex");
    }

    [TestMethod]
    public void SimulatedCardsAreSignedAndTheDriverReadsAVerifiableSignature()
    {
        var uid = Convert.FromHexString("04A1B2C3D4E580");
        var genuine = VirtualCard.Desfire(uid);
        var signature = ReadSignature(genuine);
        CollectionAssert.AreEqual(genuine.OriginalitySignature, signature);

        var simulatorOnly = new NxpOriginality(1);
        Assert.IsTrue(simulatorOnly.AddKey(SimulatedManufacturer.PublicKey, 0, 57));
        Assert.AreEqual(0, simulatorOnly.Verify(uid, 0, 7, signature, 0, 56));
        Assert.AreEqual(-1, NxpOriginality.WithNxpDesfireKeys(0).Verify(uid, 0, 7, signature, 0, 56), "not an NXP signature");

        // Clones: the emulator with the copied UID answers zeros; one that replays the genuine signature passes — the
        // signature is static (hardware/security.md: only desfire-aes authentication stops the replay).
        var clone = CloneCards.DesfireWithCopiedUid(genuine, replaySignature: false);
        Assert.AreEqual(-1, simulatorOnly.Verify(uid, 0, 7, ReadSignature(clone), 0, 56));
        var replaying = CloneCards.DesfireWithCopiedUid(genuine, replaySignature: true);
        Assert.AreEqual(0, simulatorOnly.Verify(uid, 0, 7, ReadSignature(replaying), 0, 56));

        // A genuine card with another UID: its own signature does not cover this UID.
        var other = VirtualCard.Desfire(Convert.FromHexString("04A1B2C3D4E581"));
        Assert.AreEqual(-1, simulatorOnly.Verify(uid, 0, 7, ReadSignature(other), 0, 56));
    }

    [TestMethod]
    public void TapWithAListDigestComparesOnlyAndNeverVerifies()
    {
        var uid = Convert.FromHexString("04A1B2C3D4E580");
        var genuine = VirtualCard.Desfire(uid);
        var hasher = new PortableMessageHasher();
        var check = new OriginalityCheck(SimulatorKeyOnly(), hasher, 8);

        // The card office's digest, computed as the gateway would with .NET's HMAC.
        var mac = HMACSHA256.HashData(OriginalityCheck.DigestKey, genuine.OriginalitySignature);
        uint listDigest = (uint)(mac[0] << 24 | mac[1] << 16 | mac[2] << 8 | mac[3]);
        Assert.AreEqual(listDigest, OriginalityCheck.Digest(hasher, genuine.OriginalitySignature, 0, new byte[32]));
        Assert.AreEqual(listDigest, OriginalityEnrolment.DigestIfGenuine(SimulatorKeyOnly(), hasher, uid, ReadSignature(genuine)));
        Assert.AreEqual(0u, OriginalityEnrolment.DigestIfGenuine(SimulatorKeyOnly(), hasher, uid, new byte[56]), "a clone at the office gets no digest");

        Assert.AreEqual(OriginalityCheck.Genuine, check.OnTap(uid, 0, ReadSignature(genuine), 0, listDigest));
        var clone = CloneCards.DesfireWithCopiedUid(genuine, replaySignature: false);
        Assert.AreEqual(OriginalityCheck.NotGenuine, check.OnTap(uid, 0, ReadSignature(clone), 0, listDigest));
        Assert.IsFalse(check.HasPending);
        Assert.IsFalse(check.VerifyPending());
        Assert.AreEqual(0, check.VerificationsRun);
    }

    [TestMethod]
    public void WithoutADigestTheFirstTapIsUnverifiedAndTheSyncThreadSettlesIt()
    {
        var uid = Convert.FromHexString("04A1B2C3D4E580");
        var genuine = VirtualCard.Desfire(uid);
        var check = new OriginalityCheck(SimulatorKeyOnly(), new PortableMessageHasher(), 4);
        var signature = ReadSignature(genuine);

        Assert.AreEqual(OriginalityCheck.Unverified, check.OnTap(uid, 0, signature, 0, 0));
        Assert.IsTrue(check.HasPending);
        Assert.IsTrue(check.VerifyPending());
        Assert.AreEqual(OriginalityCheck.Genuine, check.OnTap(uid, 0, signature, 0, 0));

        // A clone with the same UID and no signature: unverified once, then refused at every later tap.
        var zeros = ReadSignature(CloneCards.DesfireWithCopiedUid(genuine, replaySignature: false));
        Assert.AreEqual(OriginalityCheck.Unverified, check.OnTap(uid, 0, zeros, 0, 0));
        Assert.IsTrue(check.VerifyPending());
        Assert.AreEqual(OriginalityCheck.NotGenuine, check.OnTap(uid, 0, zeros, 0, 0));
        Assert.AreEqual(OriginalityCheck.Genuine, check.OnTap(uid, 0, signature, 0, 0), "the genuine card keeps its verdict");

        // More cards than the memory holds: the oldest verdicts are forgotten (verified again when seen again), never
        // mixed up.
        for (int i = 0; i < 6; i++)
        {
            var other = VirtualCard.Desfire(new byte[] { 0x04, 0x10, 0x20, 0x30, 0x40, 0x50, (byte)i });
            var otherSignature = ReadSignature(other);
            Assert.AreEqual(OriginalityCheck.Unverified, check.OnTap(other.RealUid, 0, otherSignature, 0, 0));
            Assert.IsTrue(check.VerifyPending());
            Assert.AreEqual(OriginalityCheck.Genuine, check.VerdictOf(other.RealUid, 0, otherSignature, 0));
        }

        Assert.AreEqual(OriginalityCheck.Unverified, check.VerdictOf(uid, 0, signature, 0));
        Assert.AreEqual(8, check.VerificationsRun);
    }

    private static NxpOriginality SimulatorKeyOnly()
    {
        var originality = new NxpOriginality(1);
        Assert.IsTrue(originality.AddKey(SimulatedManufacturer.PublicKeyHex));
        return originality;
    }

    private static byte[] ReadSignature(DesfireCard card)
    {
        var sim = new Mfrc522Simulator();
        var reader = new CardReader(sim, sim, new Mfrc522Options(), new CardReaderOptions());
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        sim.Field.Add(card);
        var result = new CardReadResult();
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(new AtsInfo()));
        var signature = new byte[56];
        Assert.AreEqual(ReaderResult.Ok, reader.Desfire.ReadSignature(signature, 0));
        reader.CloseCardSession();
        return signature;
    }
}
