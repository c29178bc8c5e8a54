using System;
using System.Linq;
using System.Security.Cryptography;
using LeoCarte.Drivers.Desfire;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>
/// The subset <see cref="TripleDes"/> against System.Security.Cryptography (DES and TDEA, random keys and blocks), and
/// the legacy DESFire authentication (0Ah) and ChangeKey through the whole driver stack against the simulated
/// factory-fresh card (its side written independently over .NET's TripleDES): the default DES PICC key opens it, a wrong
/// DES key or an AES key is refused with the card unchanged, the PICC master key becomes an AES key (then AuthenticateAES
/// opens it and the DES key no longer does), a 2K3DES PICC key (non-zero, unequal halves: the encipher/decipher directions
/// matter there) works too, CreateApplication goes plain under the legacy session.
/// </summary>
[TestClass]
public class DesfireLegacyTests
{
    private static readonly byte[] Picc = new byte[3];
    private static readonly byte[] Aid = { 0x01, 0x43, 0x4C };
    private static readonly byte[] RandomA = Convert.FromHexString("C2A1E47B96A5589F");
    private static readonly byte[] AesPicc = Convert.FromHexString("C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF");

    private static (DesfireCard card, CardReader reader) Opened()
    {
        var card = VirtualCard.Desfire(Convert.FromHexString("04A1B2C3D4E580"));
        var sim = new Mfrc522Simulator();
        var reader = new CardReader(sim, sim, new Mfrc522Options(), new CardReaderOptions());
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        sim.Field.Add(card);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(new CardReadResult()));
        Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(new AtsInfo()));
        return (card, reader);
    }

    private static byte[] NetEcb(byte[] key, byte[] block, bool encrypt)
    {
        using SymmetricAlgorithm algorithm = key.Length == 8 ? DES.Create() : TripleDES.Create();
        algorithm.Mode = CipherMode.ECB;
        algorithm.Padding = PaddingMode.None;
        using ICryptoTransform t = encrypt ? algorithm.CreateEncryptor(key, null) : algorithm.CreateDecryptor(key, null);
        return t.TransformFinalBlock(block, 0, block.Length);
    }

    [TestMethod]
    public void TripleDesAgreesWithSystemSecurityCryptography()
    {
        var random = new Random(0xDE5);
        var des = new TripleDes();
        int blocks = 0;
        foreach (int keyLength in new[] { 8, 16, 24 })
        {
            for (int n = 0; n < 300; n++)
            {
                byte[] key = new byte[keyLength];
                random.NextBytes(key);
                if (keyLength == 8 && (DES.IsWeakKey(key) || DES.IsSemiWeakKey(key)))
                {
                    continue;
                }

                byte[] block = new byte[8];
                random.NextBytes(block);
                Assert.IsTrue(des.SetKey(key, 0, keyLength));
                byte[] ours = new byte[8];
                des.Encrypt(block, 0, ours, 0);
                CollectionAssert.AreEqual(NetEcb(key, block, true), ours, $"encrypt, key {Convert.ToHexString(key)}");
                des.Decrypt(block, 0, ours, 0);
                CollectionAssert.AreEqual(NetEcb(key, block, false), ours, $"decrypt, key {Convert.ToHexString(key)}");
                blocks += 2;
            }
        }

        Console.WriteLine($"TripleDes vs System.Security.Cryptography: {blocks} blocks (DES, 2K3DES, 3K3DES keys) identical");
    }

    [TestMethod]
    public void AFactoryFreshCardOpensWithTheDefaultDesKeyAndItsPiccKeyBecomesAes()
    {
        var (card, reader) = Opened();
        DesfireCommands d = reader.Desfire;
        Assert.IsNull(card.PiccMasterKey, "factory-fresh: the PICC master key is DES");
        Assert.AreEqual(0x0F, card.PiccKeySettings);
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Picc, 0));
        Assert.AreEqual(ReaderResult.CardStatus, d.AuthenticateAes(0, new byte[16], 0, new byte[16], 0));
        Assert.AreEqual(DesfireCommands.StatusAuthenticationError, d.LastStatus, "AuthenticateAES cannot open a DES key");

        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateLegacy(0, DesfireCommands.FactoryDesKey, 0, RandomA, 0));
        Assert.IsTrue(d.Session.LegacyAuthenticated);
        Assert.IsTrue(d.Session.LegacySessionIsSingleDes);
        Assert.AreEqual(1, card.LegacyAuthentications);

        Assert.AreEqual(ReaderResult.Ok, d.ChangeKeyLegacy(0, AesPicc, 0, null, 0, true, 1));
        CollectionAssert.AreEqual(AesPicc, card.PiccMasterKey, "the PICC master key is the card office's AES key");
        Assert.AreEqual(1, card.PiccKeyVersion);
        Assert.IsFalse(d.Session.LegacyAuthenticated, "changing the authenticating key ends the session");
        Assert.AreEqual(ReaderResult.InvalidArgument, d.ChangeKeyLegacy(0, AesPicc, 0, null, 0, true, 1), "no session any more");

        Assert.AreEqual(ReaderResult.CardStatus, d.AuthenticateLegacy(0, DesfireCommands.FactoryDesKey, 0, RandomA, 0));
        Assert.AreEqual(DesfireCommands.StatusAuthenticationError, d.LastStatus, "the DES key is gone");
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Picc, 0));
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, AesPicc, 0, new byte[16], 0));
        Assert.AreEqual(ReaderResult.Ok, d.GetKeyVersion(0, out byte version));
        Assert.AreEqual(1, version);
        Assert.AreEqual(ReaderResult.Ok, d.CreateApplication(Aid, 0, 0x0B, 2), "CreateApplication MACed under the new AES PICC key");
        Assert.AreEqual(1, card.Applications.Count);
    }

    [TestMethod]
    public void AWrongDesKeyIsRefusedAndTheCardIsUnchanged()
    {
        var (card, reader) = Opened();
        DesfireCommands d = reader.Desfire;
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Picc, 0));
        byte[] wrong = new byte[16];
        wrong[3] = 0x10;
        ReaderResult r = d.AuthenticateLegacy(0, wrong, 0, RandomA, 0);
        Assert.AreEqual(ReaderResult.CardStatus, r, "the card refuses the token");
        Assert.AreEqual(DesfireCommands.StatusAuthenticationError, d.LastStatus);
        Assert.IsFalse(d.Session.LegacyAuthenticated);
        Assert.AreEqual(1, card.FailedAuthentications);
        Assert.AreEqual(ReaderResult.InvalidArgument, d.ChangeKeyLegacy(0, AesPicc, 0, null, 0, true, 1), "nothing sent without a session");
        Assert.IsNull(card.PiccMasterKey);
        CollectionAssert.AreEqual(new byte[16], card.PiccDesKey);
        Assert.AreEqual(0, card.KeyChanges);

        // A card whose PICC key is already AES answers the legacy authentication with AEh at once.
        card.PiccMasterKey = (byte[])AesPicc.Clone();
        Assert.AreEqual(ReaderResult.CardStatus, d.AuthenticateLegacy(0, DesfireCommands.FactoryDesKey, 0, RandomA, 0));
        Assert.AreEqual(DesfireCommands.StatusAuthenticationError, d.LastStatus);
        Assert.AreEqual(0, card.KeyChanges);
    }

    [TestMethod]
    public void A2k3desPiccKeyAuthenticatesWithA2k3desSessionKeyAndChangesToAnotherDesKey()
    {
        var (card, reader) = Opened();
        DesfireCommands d = reader.Desfire;
        byte[] tdes = Convert.FromHexString("00112233445566778899AABBCCDDEEFF");
        card.PiccDesKey = (byte[])tdes.Clone();
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Picc, 0));
        Assert.AreEqual(ReaderResult.CardStatus, d.AuthenticateLegacy(0, DesfireCommands.FactoryDesKey, 0, RandomA, 0), "the default key no longer opens it");
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateLegacy(0, tdes, 0, RandomA, 0));
        Assert.IsFalse(d.Session.LegacySessionIsSingleDes, "unequal halves: a 2K3DES session key");

        // Back to a DES key with version 5 in its parity bits (libfreefare: version bits in the low bits of bytes 0..7).
        byte[] des = new byte[16];
        for (int i = 0; i < 8; i++)
        {
            des[i] = (byte)(0x20 + 2 * i | ((5 >> (7 - i)) & 1));
            des[8 + i] = des[i];
        }

        Assert.AreEqual(ReaderResult.Ok, d.ChangeKeyLegacy(0, des, 0, null, 0, false, 0));
        CollectionAssert.AreEqual(des, card.PiccDesKey);
        Assert.IsNull(card.PiccMasterKey);
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Picc, 0));
        Assert.AreEqual(ReaderResult.Ok, d.GetKeyVersion(0, out byte version));
        Assert.AreEqual(5, version);
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateLegacy(0, des, 0, RandomA, 0));
        Assert.IsTrue(d.Session.LegacySessionIsSingleDes);

        // Plain commands under the legacy session: no MAC either way.
        Assert.AreEqual(ReaderResult.Ok, d.CreateApplication(Aid, 0, 0x0B, 2));
        Assert.AreEqual(1, card.Applications.Count);
        Assert.AreEqual(ReaderResult.InvalidArgument, d.ChangeKeyLegacy(0, AesPicc, 0, null, 0, true, 1), "another command came between: authenticate again");
        d.EndLegacySession();
        Assert.IsFalse(d.Session.LegacyAuthenticated);
    }

    [TestMethod]
    public void ACorruptedChangeKeyIsRefusedWithIntegrityErrorAndTheKeyKept()
    {
        var (card, reader) = Opened();
        DesfireCommands d = reader.Desfire;
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Picc, 0));
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateLegacy(0, DesfireCommands.FactoryDesKey, 0, RandomA, 0));

        // The same cryptogram built by the session, one byte flipped on the way (raw exchange).
        byte[] cryptogram = new byte[24];
        Assert.AreEqual(24, d.Session.BuildLegacyChangeKeyCryptogram(AesPicc, 0, null, 0, true, 1, cryptogram, 0));
        cryptogram[20] ^= 0x01;
        byte[] apdu = new byte[] { 0x90, 0xC4, 0, 0, 25, 0x80 }.Concat(cryptogram).Concat(new byte[] { 0 }).ToArray();
        byte[] reply = new byte[16];
        Assert.AreEqual(ReaderResult.Ok, reader.IsoDep.Exchange(apdu, 0, apdu.Length, reply, 0, reply.Length, out int received));
        Assert.AreEqual(0x1E, reply[received - 1], "INTEGRITY_ERROR");
        Assert.IsNull(card.PiccMasterKey);
        Assert.AreEqual(0, card.KeyChanges);
    }
}
