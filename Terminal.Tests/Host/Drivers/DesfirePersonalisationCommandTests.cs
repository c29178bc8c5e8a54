using System;
using System.Linq;
using LeoCarte.Drivers.Desfire;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>
/// The driver's personalisation commands against the simulated card (its side written independently over
/// System.Security.Cryptography) and DESFire's rules: DUPLICATE_ERROR, NO_SUCH_KEY, PERMISSION_DENIED from the key
/// settings, AUTHENTICATION_ERROR without a session, INTEGRITY_ERROR for a ChangeKey with the wrong current key (the
/// CRC of the new key), BOUNDARY_ERROR, LENGTH_ERROR, the session lost after ChangeKey of the authenticating key and
/// after any error; WriteData in MAC and fully enciphered mode landing byte-exact in the card's file.
/// </summary>
[TestClass]
public class DesfirePersonalisationCommandTests
{
    private static readonly byte[] Aid = { 0x01, 0x43, 0x4C };
    private static readonly byte[] Picc = new byte[3];
    private static readonly byte[] Zero = new byte[16];
    private static readonly byte[] Key0 = Convert.FromHexString("00102030405060708090A0B0B0A09080");
    private static readonly byte[] Key1 = Convert.FromHexString("10182028303840485058606870788088");
    private static readonly byte[] RandomA = Convert.FromHexString("C2A1E47B96A5589FAAE90C03FE6D00A7");

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

    /// <summary>A raw native command wrapped in ISO 7816-4; returns the DESFire status byte.</summary>
    private static byte Raw(CardReader reader, params byte[] native)
    {
        var apdu = new byte[] { 0x90, native[0], 0, 0, (byte)(native.Length - 1) }.Concat(native.Skip(1)).Concat(new byte[] { 0 }).ToArray();
        var reply = new byte[64];
        Assert.AreEqual(ReaderResult.Ok, reader.IsoDep.Exchange(apdu, 0, apdu.Length, reply, 0, reply.Length, out int received));
        Assert.AreEqual(0x91, reply[received - 2]);
        return reply[received - 1];
    }

    private static void Status(DesfireCommands d, ReaderResult r, byte expected, string what)
    {
        Assert.AreEqual(ReaderResult.CardStatus, r, what);
        Assert.AreEqual(expected, d.LastStatus, what);
        Assert.IsFalse(d.Session.Authenticated, what + ": an error ends the session");
    }

    [TestMethod]
    public void ApplicationKeysAndFilesFollowDesfireRules()
    {
        var (card, reader) = Opened();
        DesfireCommands d = reader.Desfire;
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Picc, 0));
        Assert.AreEqual(ReaderResult.Ok, d.CreateApplication(Aid, 0, 0x0B, 2));
        Status(d, d.CreateApplication(Aid, 0, 0x0B, 2), DesfireCommands.StatusDuplicate, "the same AID again");
        var app = card.Applications.Single();
        Assert.AreEqual(0x0B, app.KeySettings);
        CollectionAssert.AreEqual(Zero, app.Keys[1], "a new application's keys are 00..00");

        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Aid, 0));
        Assert.AreEqual(ReaderResult.Ok, d.GetKeyVersion(1, out byte version));
        Assert.AreEqual(0, version);
        Status(d, d.GetKeyVersion(5, out _), DesfireCommands.StatusNoSuchKey, "key 5 of a 2-key application");
        Assert.AreEqual(0xAE, Raw(reader, new byte[] { 0xC4, 0x01 }.Concat(new byte[32]).ToArray()), "ChangeKey without authentication");
        Assert.AreEqual(ReaderResult.InvalidArgument, d.ChangeKey(1, Key1, 0, Zero, 0, 1), "the driver does not send it either");
        Assert.AreEqual(0x9D, Raw(reader, 0xCD, 0x01, 0x01, 0x00, 0x10, 0x10, 0x00, 0x00), "key settings 0Bh: files only with the master key");

        // Key 1 may not change key 0 (only key 0 itself, settings bit 0).
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(1, Zero, 0, RandomA, 0));
        Status(d, d.ChangeKey(0, Key0, 0, Zero, 0, 1), DesfireCommands.StatusPermissionDenied, "key 0 changed under key 1");

        // The master key changes key 1 (other key: new ⊕ current, CRC of the new key), the session goes on.
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, Zero, 0, RandomA, 0));
        Status(d, d.ChangeKey(1, Key1, 0, Key0, 0, 1), 0x1E, "a wrong current key: the card's CRC of the new key fails");
        CollectionAssert.AreEqual(Zero, app.Keys[1], "key 1 unchanged");
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, Zero, 0, RandomA, 0));
        Assert.AreEqual(ReaderResult.Ok, d.ChangeKey(1, Key1, 0, Zero, 0, 7));
        Assert.IsTrue(d.Session.Authenticated);
        CollectionAssert.AreEqual(Key1, app.Keys[1]);
        Assert.AreEqual(ReaderResult.Ok, d.GetKeyVersion(1, out version), "MACed in the session");
        Assert.AreEqual(7, version);

        // Key 0 changes itself: the card ends the session (no MAC); the old key no longer opens.
        Assert.AreEqual(ReaderResult.Ok, d.ChangeKey(0, Key0, 0, null, 0, 7));
        Assert.IsFalse(d.Session.Authenticated);
        CollectionAssert.AreEqual(Key0, app.Keys[0]);
        Assert.AreEqual(0x9D, Raw(reader, 0xCD, 0x01, 0x01, 0x00, 0x10, 0x10, 0x00, 0x00), "the card dropped the session too");
        Assert.AreNotEqual(ReaderResult.Ok, d.AuthenticateAes(0, Zero, 0, RandomA, 0));
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, Key0, 0, RandomA, 0));

        // Files: MAC and enciphered writes, boundary and duplicates.
        Assert.AreEqual(ReaderResult.Ok, d.CreateStdDataFile(1, DesfireCommands.CommMac, DesfireCommands.AccessRights(1, 0, 0, 0), 16));
        byte[] data = Enumerable.Range(0x40, 32).Select(i => (byte)i).ToArray();
        Assert.AreEqual(ReaderResult.Ok, d.WriteData(1, 0, data, 0, 16, DesfireCommands.CommMac));
        CollectionAssert.AreEqual(data[..16], app.Files[1].Data);
        Assert.AreEqual(ReaderResult.Ok, d.CreateStdDataFile(2, DesfireCommands.CommFull, DesfireCommands.AccessRights(1, 0, 0, 0), 32));
        Assert.AreEqual(ReaderResult.Ok, d.WriteData(2, 3, data, 0, 29, DesfireCommands.CommFull));
        CollectionAssert.AreEqual(data[..29], app.Files[2].Data[3..]);
        Assert.AreEqual(ReaderResult.Ok, d.WriteData(2, 0, data, 5, 12, DesfireCommands.CommFull), "12 bytes + CRC = one block");
        CollectionAssert.AreEqual(data[5..17], app.Files[2].Data[..12]);
        var back = new byte[16];
        Assert.AreEqual(ReaderResult.Ok, d.ReadDataMac(1, 0, 16, back, 0), "key 0 reads through the read-and-write right");
        CollectionAssert.AreEqual(data[..16], back);
        Status(d, d.WriteData(1, 8, data, 0, 16, DesfireCommands.CommMac), 0xBE, "past the end of the file");
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, Key0, 0, RandomA, 0));
        Status(d, d.CreateStdDataFile(1, DesfireCommands.CommMac, 0x1000, 16), DesfireCommands.StatusDuplicate, "file 1 exists");

        // The read key may read but not write the holder file.
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(1, Key1, 0, RandomA, 0));
        Assert.AreEqual(ReaderResult.Ok, d.ReadDataMac(1, 0, 16, back, 0));
        Status(d, d.WriteData(1, 0, data, 0, 16, DesfireCommands.CommMac), DesfireCommands.StatusPermissionDenied, "key 1 writes");
        Assert.AreEqual(0xAE, Raw(reader, 0x3D, 0x01, 0, 0, 0, 0x02, 0, 0, 0xAA, 0xBB), "WriteData of a keyed file without a session");
        Assert.AreEqual(0x7E, Raw(reader, new byte[] { 0xC4, 0x01 }.Concat(new byte[31]).ToArray()), "a ChangeKey cryptogram one byte short");
        Assert.AreEqual(0x7E, Raw(reader, 0x64), "GetKeyVersion without its key number");
        reader.CloseCardSession();
    }

    [TestMethod]
    public void ThePiccMasterKeyBecomesAesAndGuardsApplicationCreation()
    {
        var (card, reader) = Opened();
        DesfireCommands d = reader.Desfire;
        card.PiccMasterKey = (byte[])Zero.Clone(); // an AES PICC key of zeros, settings 0Fh
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Picc, 0));
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, Zero, 0, RandomA, 0));
        Assert.AreEqual(ReaderResult.Ok, d.ChangeKey(0, Key0, 0, null, 0, 3), "C4 80h: the PICC master key as AES");
        CollectionAssert.AreEqual(Key0, card.PiccMasterKey);
        Assert.AreEqual(3, card.PiccKeyVersion);
        card.PiccKeySettings = 0x0B;
        Status(d, d.CreateApplication(Aid, 0, 0x0B, 2), DesfireCommands.StatusAuthenticationError, "no free creation, no PICC authentication: AEh as real cards (libfreefare tests)");
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, Key0, 0, RandomA, 0));
        Assert.AreEqual(ReaderResult.Ok, d.CreateApplication(Aid, 0, 0x0B, 2));
        Assert.AreEqual(ReaderResult.Ok, d.DeleteApplication(Aid, 0));
        Assert.AreEqual(0, card.Applications.Count);
        reader.CloseCardSession();
    }
}
