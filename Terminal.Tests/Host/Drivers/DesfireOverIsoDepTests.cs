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
/// The driver's ISO/IEC 14443-4 transport and DESFire EV2 commands against the simulator's DESFire card (real AES on
/// both sides, implemented independently): a personalised card authenticates with its diversified key and its file is
/// read with the MAC verified; chaining both ways, S(WTX), RF faults on every frame of the session; a clone with the
/// copied UID but not the keys is refused.
/// </summary>
[TestClass]
public class DesfireOverIsoDepTests
{
    private static readonly byte[] SiteAid = { 0x01, 0x43, 0x4C };          // "LC" 01, LSB first
    private static readonly byte[] MasterKey = Convert.FromHexString("00112233445566778899AABBCCDDEEFF");
    private static readonly byte[] SystemId = System.Text.Encoding.ASCII.GetBytes("LeoCarte");
    private static readonly byte[] Uid = Convert.FromHexString("04512C7A9B3D80");
    private static readonly byte[] Holder = Convert.FromHexString("4C43010000002A0012345678DEADBEEF");

    private static byte[] DiversifiedKey(byte[] uid)
    {
        var key = new byte[16];
        Assert.IsTrue(new KeyDiversification(new Aes128()).Diversify(MasterKey, 0, uid, uid.Length, SiteAid, 0, SystemId, SystemId.Length, key, 0));
        return key;
    }

    private static DesfireCard Personalised(byte[] uid, byte[]? key = null, int fileLength = 16)
    {
        var card = VirtualCard.Desfire(uid);
        var app = card.AddApplication(SiteAid);
        app.Keys[0] = new byte[16];
        app.Keys[1] = key ?? DiversifiedKey(uid);
        var data = new byte[fileLength];
        for (int i = 0; i < fileLength; i++)
        {
            data[i] = i < Holder.Length ? Holder[i] : (byte)(i * 7);
        }

        app.Files[1] = new DesfireCard.DataFile { Data = data, CommMode = 1, ReadKey = 1 };
        card.OriginalitySignature = Enumerable.Range(0, 56).Select(i => (byte)(0xA0 ^ i)).ToArray();
        return card;
    }

    private static (Mfrc522Simulator sim, CardReader reader, CardReadResult result) Tapped(VirtualCard card)
    {
        var sim = new Mfrc522Simulator();
        var reader = new CardReader(sim, sim, new Mfrc522Options(), new CardReaderOptions());
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        sim.Field.Add(card);
        var result = new CardReadResult();
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        return (sim, reader, result);
    }

    private static ReaderResult AuthenticateAndRead(CardReader reader, byte[] key, byte[] into, int length)
    {
        var ats = new AtsInfo();
        ReaderResult r = reader.OpenCardSession(ats);
        if (r != ReaderResult.Ok)
        {
            return r;
        }

        try
        {
            r = reader.Desfire.SelectApplication(SiteAid, 0);
            if (r == ReaderResult.Ok)
            {
                r = reader.Desfire.AuthenticateEv2First(1, key, 0, Convert.FromHexString("B98F4C50CF1C2E084FD150E33992B048"), 0);
            }

            if (r == ReaderResult.Ok)
            {
                r = reader.Desfire.ReadDataMac(1, 0, length, into, 0);
            }

            return r;
        }
        finally
        {
            reader.CloseCardSession();
        }
    }

    [TestMethod]
    public void APersonalisedCardAuthenticatesAndItsFileIsReadWithTheMacVerified()
    {
        var card = Personalised(Uid);
        var (sim, reader, result) = Tapped(card);
        var ats = new AtsInfo();
        Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(ats));
        Assert.AreEqual(0x80, ats.HistoricalByte(0));
        Assert.AreEqual(61, reader.IsoDep.MaxInformation, "FSC 64 from the ATS");
        var version = new byte[28];
        Assert.AreEqual(ReaderResult.Ok, reader.Desfire.GetVersion(version, 0));
        CollectionAssert.AreEqual(Uid, version[14..21], "GetVersion carries the UID");
        var signature = new byte[56];
        Assert.AreEqual(ReaderResult.Ok, reader.Desfire.ReadSignature(signature, 0));
        CollectionAssert.AreEqual(card.OriginalitySignature, signature);
        Assert.AreEqual(ReaderResult.Ok, reader.Desfire.SelectApplication(SiteAid, 0));
        Assert.AreEqual(ReaderResult.Ok, reader.Desfire.AuthenticateEv2First(1, DiversifiedKey(Uid), 0, new byte[16], 0));
        var holder = new byte[16];
        Assert.AreEqual(ReaderResult.Ok, reader.Desfire.ReadDataMac(1, 0, 16, holder, 0));
        CollectionAssert.AreEqual(Holder, holder);
        Assert.AreEqual(1, reader.Desfire.Session.CommandCounter);
        Assert.AreEqual(ReaderResult.Ok, reader.Desfire.ReadDataMac(1, 4, 8, holder, 0), "a second command: CmdCtr 1");
        CollectionAssert.AreEqual(Holder[4..12], holder[..8]);
        reader.CloseCardSession();
        Assert.AreEqual(CardState.Halt, card.State);
        Assert.AreEqual(1, card.Authentications);
        for (int i = 0; i < 3; i++)
        {
            Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(result));
        }

        Assert.AreEqual(1, reader.NewCards);
    }

    [TestMethod]
    public void AnswersLongerThanAFrameAreChainedAndWaitingTimeExtensionsGranted()
    {
        var card = Personalised(Uid, fileLength: 180);
        card.WaitingTimeExtensionsPerAnswer = 2;
        var (_, reader, _) = Tapped(card);
        var data = new byte[180];
        Assert.AreEqual(ReaderResult.Ok, AuthenticateAndRead(reader, DiversifiedKey(Uid), data, 180));
        CollectionAssert.AreEqual(card.Applications[0].Files[1].Data, data);
        Assert.IsTrue(card.ChainedBlocksSent >= 3, "180 bytes + MAC + status in 61-byte blocks");
        Assert.IsTrue(reader.IsoDep.WaitingTimeExtensions >= 8, "two S(WTX) before each answer were granted");
        Console.WriteLine($"chained blocks {reader.IsoDep.ChainedBlocks}, WTX {reader.IsoDep.WaitingTimeExtensions}");
    }

    [TestMethod]
    public void CommandsLongerThanAFrameAreChained()
    {
        var (_, reader, _) = Tapped(Personalised(Uid));
        Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(new AtsInfo()));
        var command = new byte[140];
        command[0] = 0x90; command[1] = 0x6A; command[4] = 134; // Lc longer than GetApplicationIDs takes
        var answer = new byte[16];
        Assert.AreEqual(ReaderResult.Ok, reader.IsoDep.Exchange(command, 0, 140, answer, 0, 16, out int length));
        // GetApplicationIDs ignores its (odd) data, but only a command reassembled to exactly Lc + 6 bytes is accepted.
        CollectionAssert.AreEqual(new byte[] { 0x01, 0x43, 0x4C, 0x91, 0x00 }, answer[..length], "the card reassembled the 140 bytes");
        Assert.IsTrue(reader.IsoDep.ChainedBlocks >= 2);
        var version = new byte[28];
        Assert.AreEqual(ReaderResult.Ok, reader.Desfire.GetVersion(version, 0), "block numbers still in step");
        reader.CloseCardSession();
    }

    [TestMethod]
    public void ACloneWithTheCopiedUidButNotTheKeysIsRefused()
    {
        // A DESFire (or emulator) carrying a genuine card's UID and even the site application, without its key.
        var clone = Personalised(Uid, key: Convert.FromHexString("0F0E0D0C0B0A09080706050403020100"));
        var (_, reader, result) = Tapped(clone);
        Assert.IsTrue(result.UidEquals(Uid, 7), "the UID alone looks genuine");
        var data = new byte[16];
        ReaderResult r = AuthenticateAndRead(reader, DiversifiedKey(Uid), data, 16);
        Assert.AreEqual(ReaderResult.CardStatus, r, "the card rejects our answer: it cannot decrypt RndB' with our key");
        Assert.AreEqual(0xAE, reader.Desfire.LastStatus);
        CollectionAssert.AreEqual(new byte[16], data, "nothing read");

        var blank = VirtualCard.Desfire(Uid);
        (_, reader, _) = Tapped(blank);
        Assert.AreEqual(ReaderResult.CardStatus, AuthenticateAndRead(reader, DiversifiedKey(Uid), data, 16));
        Assert.AreEqual(0xA0, reader.Desfire.LastStatus, "no site application");
    }

    [TestMethod]
    public void EveryCloneOfAGenuineCardFailsTheAuthentication()
    {
        var genuine = Personalised(Uid);
        var clones = new (string name, VirtualCard card, ReaderResult expected)[]
        {
            ("magic Classic with the DESFire's UID", CloneCards.MagicClassic(genuine), ReaderResult.Protocol),
            ("Ultralight with the DESFire's UID", CloneCards.Ultralight(genuine), ReaderResult.Protocol),
            ("DESFire with the copied UID, files and signature, not the keys", CloneCards.DesfireWithCopiedUid(genuine, replaySignature: true), ReaderResult.CardStatus),
        };

        foreach (var (name, card, expected) in clones)
        {
            var (_, reader, result) = Tapped(card);
            Assert.IsTrue(result.UidEquals(Uid, 7), name + ": same UID as the genuine card");
            var data = new byte[16];
            Assert.AreEqual(expected, AuthenticateAndRead(reader, DiversifiedKey(Uid), data, 16), name);
            CollectionAssert.AreEqual(new byte[16], data, name + ": nothing read");
            Assert.AreEqual(CardType.MifareDesfire == result.Type, card is DesfireCard, name + ": type " + result.Type);
            Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(result), name + ": still one tap, parked");
        }

        // The replayed signature is byte for byte the genuine one: only the AES proof tells them apart.
        var replay = CloneCards.DesfireWithCopiedUid(genuine, replaySignature: true);
        var (_, r2, _) = Tapped(replay);
        Assert.AreEqual(ReaderResult.Ok, r2.OpenCardSession(new AtsInfo()));
        var signature = new byte[56];
        Assert.AreEqual(ReaderResult.Ok, r2.Desfire.ReadSignature(signature, 0));
        CollectionAssert.AreEqual(genuine.OriginalitySignature, signature);
        r2.CloseCardSession();

        var (_, r3, _) = Tapped(genuine);
        Assert.AreEqual(ReaderResult.Ok, AuthenticateAndRead(r3, DiversifiedKey(Uid), new byte[16], 16), "the genuine card passes");
    }

    [TestMethod]
    public void ARandomIdCardShowsANewUidAtEveryTap()
    {
        var card = VirtualCard.DesfireRandomUid(Uid, seed: 3);
        var (sim, reader, result) = Tapped(card);
        Assert.AreEqual(4, result.UidLength);
        Assert.AreEqual(0x08, result.Uid[0], "ISO/IEC 14443-3: UID0 08h is a random ID");
        Assert.AreEqual(CardType.MifareDesfire, result.Type, "ATQA 0304h, SAK 20h");
        string first = Convert.ToHexString(result.Uid, 0, 4);
        sim.Field.Remove(card);
        for (int i = 0; i < 3; i++)
        {
            reader.Poll(result);
        }

        sim.Field.Add(card);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        Assert.AreNotEqual(first, Convert.ToHexString(result.Uid, 0, 4), "a new UID after the field was lost");
        Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(new AtsInfo()));
        var version = new byte[28];
        Assert.AreEqual(ReaderResult.Ok, reader.Desfire.GetVersion(version, 0));
        CollectionAssert.AreEqual(new byte[7], version[14..21], "GetVersion hides the real UID");
        reader.CloseCardSession();
    }

    [TestMethod]
    public void AKeyOfAnotherCardDoesNotOpenThisOne()
    {
        // Diversification: the key of card A (from a stolen terminal's memory, say) does not authenticate card B.
        var cardB = Personalised(Convert.FromHexString("04998877665544"));
        var (_, reader, _) = Tapped(cardB);
        Assert.AreEqual(ReaderResult.CardStatus, AuthenticateAndRead(reader, DiversifiedKey(Uid), new byte[16], 16));
    }

    [TestMethod]
    public void RfFaultsOnAnyFrameOfTheSessionAreRecoveredOrRefusedNeverMisread()
    {
        // Count the frames of a clean session, then aim each kind of fault at each of them.
        var (clean, cleanReader, _) = Tapped(Personalised(Uid, fileLength: 100));
        long before = clean.Costs.RfFramesSent;
        Assert.AreEqual(ReaderResult.Ok, AuthenticateAndRead(cleanReader, DiversifiedKey(Uid), new byte[100], 100));
        long frames = clean.Costs.RfFramesSent - before;
        int cases = 0, recovered = 0, refused = 0;
        foreach (var fault in new[] { RfFault.CrcError, RfFault.BitError, RfFault.Collision, RfFault.Silence })
        {
            for (int frame = 1; frame <= frames; frame++)
            {
                var card = Personalised(Uid, fileLength: 100);
                var (sim, reader, result) = Tapped(card);
                sim.Faults.FaultOnFrame(sim.Costs.RfFramesSent + frame, fault);
                var data = new byte[100];
                ReaderResult r = AuthenticateAndRead(reader, DiversifiedKey(Uid), data, 100);
                cases++;
                if (r == ReaderResult.Ok)
                {
                    recovered++;
                    CollectionAssert.AreEqual(card.Applications[0].Files[1].Data, data, fault + " on frame " + frame);
                }
                else
                {
                    // Only the activation (WUPA, SELECT × 2, RATS: frames 1–4) has no block protocol to recover with.
                    Assert.IsTrue(frame <= 4, fault + " on frame " + frame + " of the block protocol was not recovered: " + r);
                    refused++;
                    Assert.AreNotEqual(ReaderResult.IntegrityError, r, fault + " on frame " + frame + ": the MAC never fails on noise");
                    Assert.IsTrue(r == ReaderResult.Timeout || r == ReaderResult.Crc || r == ReaderResult.Protocol || r == ReaderResult.Collision, fault + " on frame " + frame + ": " + r);
                }

                for (int i = 0; i < 4; i++)
                {
                    reader.Poll(result);
                }

                Assert.AreEqual(1, reader.NewCards, fault + " on frame " + frame + ": the card stays one tap");
                Assert.IsTrue(reader.CardPresent);
            }
        }

        Console.WriteLine($"{cases} single-fault cases over {frames} frames of a session: {recovered} recovered by ISO 14443-4 error handling, {refused} failed cleanly (activation frames 1–4: WUPA, SELECT, RATS), 0 misread");
        Assert.IsTrue(recovered >= cases - 16);
    }
}
