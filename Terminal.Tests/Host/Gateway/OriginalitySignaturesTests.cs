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
}
