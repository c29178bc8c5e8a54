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
/// GetKeySettings (45h), ChangeKeySettings (54h) and FormatPICC (FCh) of the driver against the simulated card, whose
/// side is written independently (.NET AES, its own CRC32 and CRC_A), and the card's enforcement of the settings with
/// the statuses real cards answer (libfreefare test/test_mifare_desfire.c: PICC settings 08h → AEh for an unauthenticated
/// GetApplicationIDs, DeleteApplication and CreateApplication). The ChangeKeySettings cryptogram is also built here with
/// .NET's AES and zlib's CRC32 value (libfreefare's layout: settings ‖ CRC32(54h ‖ settings) ‖ zeros, AES-CBC from the
/// session IV) and compared with the driver's.
/// </summary>
[TestClass]
public class DesfireKeySettingsTests
{
    private static readonly byte[] Aid = { 0x01, 0x43, 0x4C };
    private static readonly byte[] Picc = new byte[3];
    private static readonly byte[] Zero = new byte[16];
    private static readonly byte[] PiccKey = Convert.FromHexString("C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF");
    private static readonly byte[] RandomA = Convert.FromHexString("C2A1E47B96A5589FAAE90C03FE6D00A7");

    private static (DesfireCard card, CardReader reader) Opened(bool aesPicc = true)
    {
        var card = VirtualCard.Desfire(Convert.FromHexString("04A1B2C3D4E580"));
        if (aesPicc)
        {
            card.PiccMasterKey = (byte[])PiccKey.Clone();
        }

        var sim = new Mfrc522Simulator();
        var reader = new CardReader(sim, sim, new Mfrc522Options(), new CardReaderOptions());
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        sim.Field.Add(card);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(new CardReadResult()));
        Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(new AtsInfo()));
        return (card, reader);
    }

    private static byte Raw(CardReader reader, params byte[] native)
    {
        var apdu = new byte[] { 0x90, native[0], 0, 0, (byte)(native.Length - 1) }.Concat(native.Skip(1)).Concat(new byte[] { 0 }).ToArray();
        if (native.Length == 1)
        {
            apdu = new byte[] { 0x90, native[0], 0, 0, 0 };
        }

        var reply = new byte[96];
        Assert.AreEqual(ReaderResult.Ok, reader.IsoDep.Exchange(apdu, 0, apdu.Length, reply, 0, reply.Length, out int received));
        Assert.AreEqual(0x91, reply[received - 2]);
        return reply[received - 1];
    }

    private static void Refused(DesfireCommands d, ReaderResult r, byte status, string what)
    {
        Assert.AreEqual(ReaderResult.CardStatus, r, what);
        Assert.AreEqual(status, d.LastStatus, what);
    }

    [TestMethod]
    public void ThePiccIsLockedWithChangeKeySettingsAndTheCardEnforcesIt()
    {
        var (card, reader) = Opened();
        DesfireCommands d = reader.Desfire;
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Picc, 0));
        Assert.AreEqual(ReaderResult.Ok, d.GetKeySettings(out byte settings, out int keys), "free listing (factory 0Fh): plain");
        Assert.AreEqual((0x0F, 1), (settings, keys));
        Assert.AreEqual(ReaderResult.InvalidArgument, d.ChangeKeySettings(0x0B), "no session: nothing sent");
        Assert.AreEqual(0xAE, Raw(reader, 0x54, 0x0B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), "the card refuses it without a session too");

        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, PiccKey, 0, RandomA, 0));
        Assert.AreEqual(ReaderResult.Ok, d.ChangeKeySettings(0x0B));
        Assert.AreEqual(0x0B, card.PiccKeySettings);
        Assert.IsTrue(d.Session.Authenticated, "the session goes on: the answer's MAC verified");
        Assert.AreEqual(ReaderResult.Ok, d.GetKeySettings(out settings, out _), "MACed in the session");
        Assert.AreEqual(0x0B, settings);

        // Without the PICC key now: no application created or deleted (AEh, as a real card answers), listing still free.
        Assert.AreEqual(ReaderResult.Ok, d.CreateApplication(Aid, 0, 0x09, 2), "with the PICC key's session");
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Picc, 0));
        Refused(d, d.CreateApplication(new byte[] { 1, 2, 3 }, 0, 0x0F, 1), DesfireCommands.StatusAuthenticationError, "CreateApplication");
        Refused(d, d.DeleteApplication(Aid, 0), DesfireCommands.StatusAuthenticationError, "DeleteApplication");
        Assert.AreEqual(0x00, Raw(reader, 0x6A), "GetApplicationIDs: free listing kept");
        Assert.AreEqual(1, card.Applications.Count);

        // PICC settings 08h (libfreefare's test): listing needs the key too.
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, PiccKey, 0, RandomA, 0));
        Assert.AreEqual(ReaderResult.Ok, d.ChangeKeySettings(0x08));
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Picc, 0));
        Assert.AreEqual(0xAE, Raw(reader, 0x6A), "GetApplicationIDs");
        Refused(d, d.GetKeySettings(out _, out _), DesfireCommands.StatusAuthenticationError, "GetKeySettings");
        Assert.AreEqual(ReaderResult.InvalidArgument, d.ChangeKeySettings(0x0F), "no session: the driver sends nothing");

        // Settings frozen (bit 3 clear): refused even with the PICC key.
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, PiccKey, 0, RandomA, 0));
        Assert.AreEqual(ReaderResult.Ok, d.ChangeKeySettings(0x03));
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, PiccKey, 0, RandomA, 0));
        Refused(d, d.ChangeKeySettings(0x0F), DesfireCommands.StatusPermissionDenied, "configuration frozen");
        Assert.IsFalse(d.Session.Authenticated, "an error ends the session");
        Assert.AreEqual(0x03, card.PiccKeySettings);
        Assert.AreEqual(3, card.KeySettingsChanges);
        reader.CloseCardSession();
    }

    [TestMethod]
    public void ACryptogramBuiltHereWithDotNetAesAndZlibsCrcIsAcceptedAndATamperedOneIsNot()
    {
        // Reader side written here without the driver: AuthenticateAES with .NET AES (CBC, IV chained through the three
        // messages), session key RndA[0..3] RndB[0..3] RndA[12..15] RndB[12..15], IV zero after it; ChangeKeySettings
        // 0Bh = AES-CBC(Ks, IV, 0B ‖ CRC32 ‖ 0^11) with CRC32(54 0B) = D8 AC 23 F7 (LSB first), i.e. ~zlib.crc32(b"\x54\x0b").
        var (card, reader) = Opened();
        Assert.AreEqual(ReaderResult.Ok, reader.Desfire.SelectApplication(Picc, 0));
        using var aes = Aes.Create();
        aes.Key = PiccKey;
        byte[] reply = Exchange(reader, 0xAA, 0x00);
        Assert.AreEqual(0xAF, reply[^1]);
        byte[] encryptedB = reply[..16];
        byte[] rndB = aes.DecryptCbc(encryptedB, new byte[16], PaddingMode.None);
        byte[] rndA = RandomA;
        byte[] token = aes.EncryptCbc(rndA.Concat(rndB.Skip(1)).Concat(rndB.Take(1)).ToArray(), encryptedB, PaddingMode.None);
        reply = Exchange(reader, new byte[] { 0xAF }.Concat(token).ToArray());
        Assert.AreEqual(0x00, reply[^1], "the card accepted our AuthenticateAES");
        byte[] rotatedA = aes.DecryptCbc(reply[..16], token[^16..], PaddingMode.None);
        CollectionAssert.AreEqual(rndA.Skip(1).Concat(rndA.Take(1)).ToArray(), rotatedA, "the card proved the key");
        aes.Key = rndA[..4].Concat(rndB[..4]).Concat(rndA[12..16]).Concat(rndB[12..16]).ToArray();

        byte[] plain = new byte[16];
        plain[0] = 0x0B;
        Convert.FromHexString("D8AC23F7").CopyTo(plain, 1);
        byte[] tampered = aes.EncryptCbc(plain.Select((b, i) => i == 5 ? (byte)1 : b).ToArray(), new byte[16], PaddingMode.None);
        Assert.AreEqual(0x1E, Exchange(reader, new byte[] { 0x54 }.Concat(tampered).ToArray())[^1], "padding not zero: INTEGRITY_ERROR");
        Assert.AreEqual(0x0F, card.PiccKeySettings);

        // The error ended the session: authenticate again through the driver, then compare its cryptogram with ours.
        DesfireCommands d = reader.Desfire;
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Picc, 0));
        Assert.AreEqual(ReaderResult.Ok, d.ChangeKeySettings(0x0B) == ReaderResult.InvalidArgument ? ReaderResult.Ok : ReaderResult.Protocol, "no session in the driver");
        reply = Exchange(reader, 0xAA, 0x00);
        encryptedB = reply[..16];
        aes.Key = PiccKey;
        rndB = aes.DecryptCbc(encryptedB, new byte[16], PaddingMode.None);
        token = aes.EncryptCbc(rndA.Concat(rndB.Skip(1)).Concat(rndB.Take(1)).ToArray(), encryptedB, PaddingMode.None);
        Assert.AreEqual(0x00, Exchange(reader, new byte[] { 0xAF }.Concat(token).ToArray())[^1]);
        aes.Key = rndA[..4].Concat(rndB[..4]).Concat(rndA[12..16]).Concat(rndB[12..16]).ToArray();
        byte[] cryptogram = aes.EncryptCbc(plain, new byte[16], PaddingMode.None);
        reply = Exchange(reader, new byte[] { 0x54 }.Concat(cryptogram).ToArray());
        Assert.AreEqual(0x00, reply[^1], "our cryptogram accepted");
        Assert.AreEqual(9, reply.Length, "00 || 8-byte CMAC");
        Assert.AreEqual(0x0B, card.PiccKeySettings);
        reader.CloseCardSession();

        // The driver's cryptogram for the same session material: built by DesfireSession from an identical session.
        var session = new DesfireSession(new Aes128(), new Aes128(), new Aes128());
        byte[] answer = new byte[32];
        session.BeginAuthenticationEv1(PiccKey, 0, rndA, 0, encryptedB, 0, answer, 0);
        CollectionAssert.AreEqual(token, answer, "the driver's token equals ours");
        aes.Key = PiccKey;
        Assert.IsTrue(session.CompleteAuthenticationEv1(aes.EncryptCbc(rndA.Skip(1).Concat(rndA.Take(1)).ToArray(), token[^16..], PaddingMode.None), 0));
        byte[] data = new byte[16];
        data[0] = 0x0B;
        Assert.AreEqual(16, session.EncipherCommandDataEv1(DesfireCommands.ChangeKeySettingsCode, new byte[0], 0, 0, data, 0, 1));
        CollectionAssert.AreEqual(cryptogram, data, "DesfireSession enciphers ChangeKeySettings as built here");
    }

    private static byte[] Exchange(CardReader reader, params byte[] native)
    {
        byte[] apdu = native.Length == 1 ? new byte[] { 0x90, native[0], 0, 0, 0 }
            : new byte[] { 0x90, native[0], 0, 0, (byte)(native.Length - 1) }.Concat(native.Skip(1)).Concat(new byte[] { 0 }).ToArray();
        var reply = new byte[96];
        Assert.AreEqual(ReaderResult.Ok, reader.IsoDep.Exchange(apdu, 0, apdu.Length, reply, 0, reply.Length, out int received));
        Assert.AreEqual(0x91, reply[received - 2]);
        return reply[..(received - 2)].Concat(new[] { reply[received - 1] }).ToArray();
    }

    [TestMethod]
    public void AnApplicationIsLockedByItsMasterKeyAndDeletedOnlyAsThePiccSettingsAllow()
    {
        var (card, reader) = Opened();
        DesfireCommands d = reader.Desfire;
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Picc, 0));
        Assert.AreEqual(ReaderResult.Ok, d.CreateApplication(Aid, 0, 0x0F, 2), "free creation (factory settings)");
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Aid, 0));
        Assert.AreEqual(ReaderResult.Ok, d.GetKeySettings(out byte settings, out int keys));
        Assert.AreEqual((0x0F, 2), (settings, keys));
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(1, Zero, 0, RandomA, 0));
        Refused(d, d.ChangeKeySettings(0x09), DesfireCommands.StatusPermissionDenied, "key 1 is not the application master key");
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, Zero, 0, RandomA, 0));
        Assert.AreEqual(ReaderResult.Ok, d.ChangeKeySettings(0x09));
        Assert.AreEqual(0x09, card.Applications.Single().KeySettings);

        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Aid, 0));
        Refused(d, d.GetKeySettings(out _, out _), DesfireCommands.StatusAuthenticationError, "no free listing (bit 1 clear)");
        Refused(d, d.CreateStdDataFile(2, DesfireCommands.CommPlain, 0xEEEE, 32), DesfireCommands.StatusPermissionDenied, "files only with key 0 (bit 2 clear)");

        // PICC settings 0Fh (factory): the application's own master key may delete it.
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, Zero, 0, RandomA, 0));
        card.PiccKeySettings = 0x0B;
        Refused(d, d.DeleteApplication(Aid, 0), DesfireCommands.StatusPermissionDenied, "PICC bit 2 clear: only the PICC master key deletes");
        card.PiccKeySettings = 0x0F;
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Aid, 0));
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, Zero, 0, RandomA, 0));
        Assert.AreEqual(ReaderResult.Ok, d.DeleteApplication(Aid, 0), "PICC bit 2 set: the application master key deletes its application");
        Assert.AreEqual(0, card.Applications.Count);
        Assert.IsTrue(card.SelectedApplication.All(b => b == 0), "the card is at PICC level afterwards");
        reader.CloseCardSession();
    }

    [TestMethod]
    public void ALegacySessionOnAFactoryCardChangesThePiccSettingsAndKeepsGoing()
    {
        var (card, reader) = Opened(aesPicc: false);
        DesfireCommands d = reader.Desfire;
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Picc, 0));
        Assert.AreEqual(ReaderResult.Ok, d.GetKeySettings(out byte settings, out int keys));
        Assert.AreEqual((0x0F, 1), (settings, keys), "DES PICC key: no AES flag");
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateLegacy(0, DesfireCommands.FactoryDesKey, 0, RandomA, 0));
        Assert.AreEqual(ReaderResult.Ok, d.ChangeKeySettings(0x0B));
        Assert.AreEqual(0x0B, card.PiccKeySettings);
        Assert.AreEqual(ReaderResult.Ok, d.ChangeKeyLegacy(0, PiccKey, 0, null, 0, true, 1), "the legacy session goes on after it");
        CollectionAssert.AreEqual(PiccKey, card.PiccMasterKey);
        reader.CloseCardSession();
    }

    [TestMethod]
    public void FormatPiccNeedsThePiccMasterKeyAndKeepsIt()
    {
        var (card, reader) = Opened();
        DesfireCommands d = reader.Desfire;
        card.PiccKeySettings = 0x0B;
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Picc, 0));
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, PiccKey, 0, RandomA, 0));
        Assert.AreEqual(ReaderResult.Ok, d.CreateApplication(Aid, 0, 0x09, 2));
        Assert.AreEqual(ReaderResult.Ok, d.CreateApplication(new byte[] { 1, 2, 3 }, 0, 0x0F, 1));
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Aid, 0));
        Assert.AreEqual(ReaderResult.InvalidArgument, d.FormatPicc(), "at application level");
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Picc, 0));
        Assert.AreEqual(ReaderResult.InvalidArgument, d.FormatPicc(), "without a session");
        Assert.AreEqual(0xAE, Raw(reader, 0xFC), "the card refuses it without a session");
        Assert.AreEqual(2, card.Applications.Count);

        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, PiccKey, 0, RandomA, 0));
        Assert.AreEqual(ReaderResult.Ok, d.FormatPicc(), "answer MAC verified");
        Assert.IsFalse(d.Session.Authenticated, "the reader ends its session after a format");
        Assert.AreEqual(0, card.Applications.Count);
        Assert.AreEqual(1, card.Formats);
        CollectionAssert.AreEqual(PiccKey, card.PiccMasterKey, "the PICC master key stays");
        Assert.AreEqual(0x0B, card.PiccKeySettings, "and its settings");

        // A factory card, right after the legacy authentication.
        var (factory, factoryReader) = Opened(aesPicc: false);
        DesfireCommands f = factoryReader.Desfire;
        Assert.AreEqual(ReaderResult.Ok, f.SelectApplication(Picc, 0));
        Assert.AreEqual(ReaderResult.Ok, f.CreateApplication(Aid, 0, 0x0F, 1));
        Assert.AreEqual(ReaderResult.Ok, f.AuthenticateLegacy(0, DesfireCommands.FactoryDesKey, 0, RandomA, 0));
        Assert.AreEqual(ReaderResult.Ok, f.FormatPicc());
        Assert.AreEqual(0, factory.Applications.Count);
        Assert.IsFalse(f.Session.LegacyAuthenticated);
        reader.CloseCardSession();
        factoryReader.CloseCardSession();
    }
}
