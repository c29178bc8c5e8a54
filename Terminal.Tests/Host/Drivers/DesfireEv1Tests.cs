#nullable enable
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
/// DESFire EV1 over the simulator (the card side written over System.Security.Cryptography, independently of the
/// driver): an EV1 answers AuthenticateEV2First with 1Ch, <see cref="DesfireCommands.Authenticate"/> falls back to
/// AuthenticateAES and reads the file with the EV1 CMAC verified, and the IV stays in step over several commands; an
/// EV2 card keeps EV2First; GetVersion picks AES straight away; a clone without the key and a corrupted MAC are refused.
/// </summary>
[TestClass]
public class DesfireEv1Tests
{
    private static readonly byte[] SiteAid = { 0x01, 0x43, 0x4C };
    private static readonly byte[] Uid = Convert.FromHexString("04A1B2C3D4E580");
    private static readonly byte[] Key = Convert.FromHexString("10182028303840485058606870788088");
    private static readonly byte[] RandomA = Convert.FromHexString("40E7D27174CBA675E8EFBAB99C530E3D");
    private static readonly byte[] Holder = Enumerable.Range(0, 48).Select(i => (byte)(0x30 + i)).ToArray();

    private static DesfireCard Card(DesfireGeneration generation, byte[]? key = null)
    {
        var card = VirtualCard.Desfire(Uid);
        card.Generation = generation;
        var app = card.AddApplication(SiteAid);
        app.Keys[0] = new byte[16];
        app.Keys[1] = key ?? Key;
        app.Files[1] = new DesfireCard.DataFile { Data = Holder, CommMode = 1, ReadKey = 1 };
        return card;
    }

    private static (Mfrc522Simulator sim, CardReader reader) Opened(DesfireCard card)
    {
        var sim = new Mfrc522Simulator();
        var reader = new CardReader(sim, sim, new Mfrc522Options(), new CardReaderOptions());
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        sim.Field.Add(card);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(new CardReadResult()));
        Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(new AtsInfo()));
        Assert.AreEqual(ReaderResult.Ok, reader.Desfire.SelectApplication(SiteAid, 0));
        return (sim, reader);
    }

    [TestMethod]
    public void AnEv1CardRefusesEv2FirstAndIsReadAfterAuthenticateAes()
    {
        var card = Card(DesfireGeneration.Ev1);
        var (_, reader) = Opened(card);
        DesfireCommands d = reader.Desfire;
        Assert.AreEqual(ReaderResult.CardStatus, d.AuthenticateEv2First(1, Key, 0, RandomA, 0));
        Assert.AreEqual(DesfireCommands.StatusIllegalCommand, d.LastStatus, "EV1: 71h is an illegal command");

        Assert.AreEqual(ReaderResult.Ok, d.Authenticate(1, Key, 0, RandomA, 0));
        Assert.AreEqual(DesfireSecureMessaging.Ev1Aes, d.LastAuthentication);
        Assert.AreEqual(DesfireSecureMessaging.Ev1Aes, d.Session.SecureMessaging);
        var holder = new byte[48];
        Assert.AreEqual(ReaderResult.Ok, d.ReadDataMac(1, 0, 16, holder, 0));
        CollectionAssert.AreEqual(Holder[..16], holder[..16]);

        // The IV chains through every command and answer: three more reads stay in step with the card.
        for (int i = 0; i < 3; i++)
        {
            Assert.AreEqual(ReaderResult.Ok, d.ReadDataMac(1, 8 * i, 24, holder, 0), "read " + i);
            CollectionAssert.AreEqual(Holder[(8 * i)..(8 * i + 24)], holder[..24]);
        }

        reader.CloseCardSession();
        Assert.AreEqual(1, card.Authentications);
    }

    [TestMethod]
    public void AnEv2CardKeepsEv2FirstAndAlsoAcceptsAuthenticateAes()
    {
        var (_, reader) = Opened(Card(DesfireGeneration.Ev2));
        DesfireCommands d = reader.Desfire;
        Assert.AreEqual(ReaderResult.Ok, d.Authenticate(1, Key, 0, RandomA, 0));
        Assert.AreEqual(DesfireSecureMessaging.Ev2, d.LastAuthentication);
        var holder = new byte[16];
        Assert.AreEqual(ReaderResult.Ok, d.ReadDataMac(1, 0, 16, holder, 0));
        CollectionAssert.AreEqual(Holder[..16], holder);

        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(1, Key, 0, RandomA, 0), "EV2 cards keep the EV1 command");
        Assert.AreEqual(ReaderResult.Ok, d.ReadDataMac(1, 16, 16, holder, 0));
        CollectionAssert.AreEqual(Holder[16..32], holder);
        reader.CloseCardSession();
    }

    [TestMethod]
    public void GetVersionTellsEv1FromEv2SoTheFallbackExchangeIsSaved()
    {
        foreach (var generation in new[] { DesfireGeneration.Ev1, DesfireGeneration.Ev2 })
        {
            var (sim, reader) = Opened(Card(generation));
            DesfireCommands d = reader.Desfire;
            var version = new byte[DesfireCommands.VersionLength];
            Assert.AreEqual(ReaderResult.Ok, d.GetVersion(version, 0));
            Assert.AreEqual(generation == DesfireGeneration.Ev2, DesfireCommands.SupportsEv2First(version, 0));
            d.PreferEv1 = !DesfireCommands.SupportsEv2First(version, 0);
            Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(SiteAid, 0));
            long before = sim.Costs.RfFramesSent;
            Assert.AreEqual(ReaderResult.Ok, d.Authenticate(1, Key, 0, RandomA, 0));
            Assert.AreEqual(2, sim.Costs.RfFramesSent - before, generation + ": two exchanges, no refused EV2First");
            reader.CloseCardSession();
        }
    }

    [TestMethod]
    public void AnEv1CloneWithoutTheKeyIsRefused()
    {
        var clone = Card(DesfireGeneration.Ev1, Convert.FromHexString("00000000000000000000000000000001"));
        var (_, reader) = Opened(clone);
        ReaderResult r = reader.Desfire.Authenticate(1, Key, 0, RandomA, 0);
        Assert.AreEqual(ReaderResult.CardStatus, r, "the card refuses our token (AE)");
        Assert.AreEqual(0xAE, reader.Desfire.LastStatus);
        Assert.IsFalse(reader.Desfire.Session.Authenticated);
        Assert.AreEqual(DesfireSecureMessaging.None, reader.Desfire.LastAuthentication);
        Assert.AreEqual(ReaderResult.InvalidArgument, reader.Desfire.ReadDataMac(1, 0, 16, new byte[16], 0), "no read without a session");
        reader.CloseCardSession();
    }

    [TestMethod]
    public void AWrongMacOnAnEv1AnswerEndsTheSessionAndCopiesNothing()
    {
        // A card whose file changes between two reads cannot be faked by replaying: the second answer's MAC is chained
        // from the first. Here the key differs only on the card side after authentication: the MAC does not verify.
        var card = Card(DesfireGeneration.Ev1);
        var (_, reader) = Opened(card);
        DesfireCommands d = reader.Desfire;
        Assert.AreEqual(ReaderResult.Ok, d.Authenticate(1, Key, 0, RandomA, 0));

        // Desynchronise the IV: a reader-side CMAC the card never sees (as if a command had been lost).
        var scratch = new byte[8];
        Assert.IsTrue(d.Session.CommandMac(0x45, scratch, 0, 0, scratch, 0, 0, scratch, 0));
        var holder = Enumerable.Repeat((byte)0xEE, 16).ToArray();
        Assert.AreEqual(ReaderResult.IntegrityError, d.ReadDataMac(1, 0, 16, holder, 0));
        Assert.IsTrue(holder.All(b => b == 0xEE), "nothing copied");
        Assert.IsFalse(d.Session.Authenticated);
        reader.CloseCardSession();
    }
}
