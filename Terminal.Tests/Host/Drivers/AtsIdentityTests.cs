#nullable enable
using System;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>
/// The ATS and ATQA checks of the card identity, on the simulator: genuine DESFire EV1/EV2 (also in random-ID mode)
/// answer the factory ATS 06 75 77 81 02 80; clones with a student's 7-byte UID, DESFire's ATQA and SAK but their own
/// silicon's ATS (a Gen4 magic card, a JCOP DESFire emulator) or an ATQA whose UID-size bits contradict the UID are
/// not taken for a DESFire, so the card-family check refuses them under every policy (with RequestAts on).
/// </summary>
[TestClass]
public class AtsIdentityTests
{
    private static readonly byte[] Uid = Convert.FromHexString("04A1B2C3D4E580");

    private static CardReadResult Tap(VirtualCard card, bool acceptConfigured = false, bool requestAts = true)
    {
        var sim = new Mfrc522Simulator();
        var reader = new CardReader(sim, sim, new Mfrc522Options(), new CardReaderOptions { RequestAts = requestAts, AcceptConfiguredDesfireAts = acceptConfigured });
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        sim.Field.Add(card);
        var result = new CardReadResult();
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(result), "the card was parked after the ATS, whatever it said");
        return result;
    }

    private static DesfireCard Genuine(DesfireGeneration generation = DesfireGeneration.Ev2)
    {
        var card = VirtualCard.Desfire(Uid);
        card.Generation = generation;
        card.AddApplication(new byte[] { 1, 2, 3 }).Keys[1] = new byte[16];
        return card;
    }

    [TestMethod]
    public void GenuineDesfireEv1AndEv2AnswerTheFactoryAts()
    {
        foreach (var generation in new[] { DesfireGeneration.Ev1, DesfireGeneration.Ev2 })
        {
            CardReadResult r = Tap(Genuine(generation));
            Assert.AreEqual(AtsMatch.DesfireDefault, r.AtsMatch, generation.ToString());
            Assert.AreEqual(CardType.MifareDesfire, r.Type);
            Assert.IsTrue(r.AtqaAgreesWithUid);
            Assert.IsTrue(CardFamilyCheck.MatchesAnswer(CardFamilies.ImpliedBy(r.UidLength), r.Type));
        }

        CardReadResult random = Tap(VirtualCard.DesfireRandomUid(Uid));
        Assert.AreEqual(4, random.UidLength);
        Assert.AreEqual(AtsMatch.DesfireDefault, random.AtsMatch);
        Assert.AreEqual(CardType.MifareDesfire, random.Type);
    }

    [TestMethod]
    public void ClonesWithTheirOwnAtsOrAMadeUpAtqaAreNotDesfire()
    {
        DesfireCard genuine = Genuine();
        var cases = new (string name, VirtualCard card, AtsMatch ats, CardType type)[]
        {
            ("Gen4 magic card as DESFire", CloneCards.MagicDesfireEmulator(genuine), AtsMatch.NotDesfire, CardType.Iso14443_4),
            ("JCOP DESFire emulator", CloneCards.JavaCardDesfireEmulator(genuine), AtsMatch.NotDesfire, CardType.Iso14443_4),
            ("single-size ATQA with a 7-byte UID", CloneCards.DesfireWithInconsistentAtqa(genuine), AtsMatch.DesfireDefault, CardType.Unknown),
            ("magic Classic", CloneCards.MagicClassic(genuine), AtsMatch.NotRead, CardType.MifareClassic1K),
            ("Ultralight", CloneCards.Ultralight(genuine), AtsMatch.NotRead, CardType.MifareUltralightOrNtag),
        };
        foreach (var (name, card, ats, type) in cases)
        {
            CardReadResult r = Tap(card);
            Console.WriteLine($"{name}: ATQA {r.Atqa:X4}, SAK {r.Sak:X2}, ATS {r.AtsMatch}, type {r.Type}, ATQA agrees with UID {r.AtqaAgreesWithUid}");
            CollectionAssert.AreEqual(Uid, r.Uid[..r.UidLength], name);
            Assert.AreEqual(ats, r.AtsMatch, name);
            Assert.AreEqual(type, r.Type, name);
            Assert.IsFalse(CardFamilyCheck.MatchesAnswer(CardFamilies.ImpliedBy(r.UidLength), r.Type), name + " is refused as not genuine");
        }

        // The same UID, ATQA and SAK with the ATS copied too is not caught here: AES authentication is what stops it.
        CardReadResult copied = Tap(CloneCards.DesfireWithCopiedUid(genuine, replaySignature: true));
        Assert.AreEqual(AtsMatch.DesfireDefault, copied.AtsMatch);
        Assert.IsTrue(CardFamilyCheck.MatchesAnswer(CardFamilies.ImpliedBy(copied.UidLength), copied.Type));
    }

    [TestMethod]
    public void AConfiguredAtsIsDesfireOnlyWhenTheSiteAcceptsIt()
    {
        var card = Genuine();
        card.Ats = new byte[] { 0x06, 0x75, 0x00, 0x81, 0x02, 0x80 }; // SetConfiguration: TA(1) 00, 106 kbit/s only
        CardReadResult strict = Tap(card);
        Assert.AreEqual(AtsMatch.DesfireConfigured, strict.AtsMatch);
        Assert.AreEqual(CardType.Iso14443_4, strict.Type);
        CardReadResult lenient = Tap(card, acceptConfigured: true);
        Assert.AreEqual(CardType.MifareDesfire, lenient.Type);
    }

    [TestMethod]
    public void WithoutRatsTheAtsIsNotReadAndTheCardSessionStillChecksIt()
    {
        DesfireCard genuine = Genuine();
        CardReadResult r = Tap(CloneCards.MagicDesfireEmulator(genuine), requestAts: false);
        Assert.AreEqual(AtsMatch.NotRead, r.AtsMatch);
        Assert.AreEqual(CardType.MifareDesfire, r.Type, "ATQA and SAK alone cannot tell it");

        var sim = new Mfrc522Simulator();
        var reader = new CardReader(sim, sim, new Mfrc522Options(), new CardReaderOptions());
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        sim.Field.Add(CloneCards.MagicDesfireEmulator(genuine));
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(new CardReadResult()));
        Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(new AtsInfo()));
        Assert.AreEqual(AtsMatch.NotDesfire, reader.SessionAts, "the desfire-aes session's RATS shows it");
        reader.CloseCardSession();
    }
}
