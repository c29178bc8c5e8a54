using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>The driver against the register-level MFRC522 simulator (Simulator/): every layer, several cards, faults.</summary>
[TestClass]
public class SimulatorDriverTests
{
    private static (Mfrc522Simulator sim, Mfrc522Chip chip, Iso14443TypeA picc) Rig(byte version = 0x92, bool irq = true)
    {
        var sim = new Mfrc522Simulator(version);
        var chip = new Mfrc522Chip(sim, sim, new Mfrc522Options { UseIrqPin = irq });
        Assert.AreEqual(ReaderResult.Ok, chip.Initialize());
        return (sim, chip, new Iso14443TypeA(chip));
    }

    [TestMethod]
    [DataRow((byte)0x91)]
    [DataRow((byte)0x92)]
    [DataRow((byte)0x88)]
    public void InitializeAndSelfTestOnEveryKnownChip(byte version)
    {
        var (sim, chip, _) = Rig(version);
        Assert.AreEqual(version == 0x88 ? ChipKind.KnownClone : version == 0x91 ? ChipKind.Mfrc522Version1 : ChipKind.Mfrc522Version2, chip.Kind);
        Assert.IsTrue(sim.AntennaOn);
        var output = new byte[64];
        Assert.AreEqual(ReaderResult.Ok, chip.RunSelfTest(output));
        Assert.IsTrue(chip.SelfTestHadReference);
        Assert.IsTrue(sim.AntennaOn, "configuration restored after the self-test");
    }

    [TestMethod]
    public void EmptyPollEndsOnTheChipTimerInAFewTransfers()
    {
        var (sim, chip, picc) = Rig();
        var card = new CardIdentity();
        Assert.AreEqual(ReaderResult.Timeout, picc.RequestA(card));
        long before = sim.Costs.Transfers;
        Assert.AreEqual(ReaderResult.Timeout, picc.RequestA(card));
        Assert.IsTrue(sim.Costs.Transfers - before <= 10, "transfers " + (sim.Costs.Transfers - before));
    }

    [TestMethod]
    public void EmptyPollWithoutTheIrqLineIsStillBoundedByTheChipTimer()
    {
        var (sim, chip, picc) = Rig(irq: false);
        var card = new CardIdentity();
        long before = sim.Costs.Transfers;
        Assert.AreEqual(ReaderResult.Timeout, picc.RequestA(card));
        Assert.IsTrue(sim.Costs.Transfers - before < 40, "transfers " + (sim.Costs.Transfers - before));
    }

    [TestMethod]
    [DataRow("a1b2c3d4")]
    [DataRow("04a1b2c3d4e5f6")]
    [DataRow("04a1b2c3d4e5f60718")]
    public void DetectSelectAndHaltEveryUidSize(string hex)
    {
        if (hex.Length == 18)
        {
            hex += "29";
        }

        var (sim, chip, picc) = Rig();
        byte[] uid = Convert.FromHexString(hex);
        var virtualCard = sim.Field.Add(VirtualCard.Classic1K(uid));
        var card = new CardIdentity();
        Assert.AreEqual(ReaderResult.Ok, picc.RequestA(card));
        Assert.AreEqual(virtualCard.Atqa, card.Atqa);
        Assert.AreEqual(ReaderResult.Ok, picc.Select(card));
        CollectionAssert.AreEqual(uid, card.Uid.Take(card.UidLength).ToArray());
        Assert.AreEqual(virtualCard.Sak, card.Sak);
        Assert.AreEqual(CardState.Active, virtualCard.State);
        Assert.AreEqual(ReaderResult.Ok, picc.Halt());
        Assert.AreEqual(CardState.Halt, virtualCard.State);
        Assert.AreEqual(ReaderResult.Timeout, picc.RequestA(card), "halted: REQA unanswered");
        Assert.AreEqual(ReaderResult.Ok, picc.WakeUpA(card), "halted: WUPA answered");
        Assert.AreEqual(ReaderResult.Ok, picc.SelectKnownUid(card));
        Assert.AreEqual(CardState.Active, virtualCard.State);
    }

    [TestMethod]
    public void DesfireIsIdentifiedByAtqaSakAndAts()
    {
        var (sim, chip, picc) = Rig();
        var desfire = sim.Field.Add(VirtualCard.Desfire(Convert.FromHexString("04112233445566")));
        var card = new CardIdentity();
        Assert.AreEqual(ReaderResult.Ok, picc.RequestA(card));
        Assert.AreEqual(ReaderResult.Ok, picc.Select(card));
        Assert.AreEqual(CardType.MifareDesfire, CardTypes.Decode(card.Sak, card.Atqa));
        var ats = new AtsInfo();
        Assert.AreEqual(ReaderResult.Ok, picc.RequestAts(ats));
        Assert.AreEqual(6, ats.Length);
        Assert.AreEqual(CardType.MifareDesfire, CardTypes.RefineWithAts(CardType.Iso14443_4, ats));
        Assert.IsTrue(desfire.ProtocolActive);
        Assert.AreEqual(ReaderResult.Ok, picc.DeselectCard());
        Assert.AreEqual(CardState.Halt, desfire.State);
    }

    [TestMethod]
    public void ClassicAuthenticateReadWriteAndCrypto1Off()
    {
        var (sim, chip, picc) = Rig();
        var classic = sim.Field.Add(VirtualCard.Classic1K(Convert.FromHexString("a1b2c3d4")));
        var card = new CardIdentity();
        picc.RequestA(card);
        Assert.AreEqual(ReaderResult.Ok, picc.Select(card));
        var mifare = new MifareClassic(chip);
        Assert.AreEqual(ReaderResult.Ok, mifare.Authenticate(MifareKeyType.KeyA, 4, ClassicCard.TransportKey, 0, card));
        Assert.IsTrue(sim.Crypto1On);
        var data = Enumerable.Range(0, 16).Select(i => (byte)(0xA0 + i)).ToArray();
        Assert.AreEqual(ReaderResult.Ok, mifare.WriteBlock(4, data, 0));
        var read = new byte[16];
        Assert.AreEqual(ReaderResult.Ok, mifare.ReadBlock(4, read, 0));
        CollectionAssert.AreEqual(data, read);
        // HLTA while Crypto1 still runs (the card expects it enciphered), then Crypto1 off.
        Assert.AreEqual(ReaderResult.Ok, picc.Halt());
        mifare.EndSession();
        Assert.IsFalse(sim.Crypto1On);
        Assert.AreEqual(CardState.Halt, classic.State);

        // Wrong key: authentication fails and is reported, Crypto1 stays off.
        Assert.AreEqual(ReaderResult.Ok, picc.WakeUpA(card));
        Assert.AreEqual(ReaderResult.Ok, picc.SelectKnownUid(card));
        Assert.AreEqual(ReaderResult.AuthenticationFailed, mifare.Authenticate(MifareKeyType.KeyA, 4, new byte[6], 0, card));
        mifare.EndSession();
        Assert.IsFalse(sim.Crypto1On);
    }

    [TestMethod]
    public void WriteToAReadOnlyBlockIsANakNotASuccess()
    {
        var (sim, chip, picc) = Rig();
        sim.Field.Add(VirtualCard.Classic1K(Convert.FromHexString("a1b2c3d4")));
        var card = new CardIdentity();
        picc.RequestA(card);
        picc.Select(card);
        var mifare = new MifareClassic(chip);
        Assert.AreEqual(ReaderResult.Ok, mifare.Authenticate(MifareKeyType.KeyA, 4, ClassicCard.TransportKey, 0, card));
        // Block 8 belongs to sector 2, not authenticated: the card answers NAK.
        Assert.AreEqual(ReaderResult.Nak, mifare.WriteBlock(8, new byte[16], 0));
        mifare.EndSession();
    }

    [TestMethod]
    public void RandomFieldsOfUpToFourCardsSelectEveryCardExactlyOnce()
    {
        var random = new Random(42);
        for (int run = 0; run < 200; run++)
        {
            var (sim, _, picc) = Rig();
            int count = random.Next(1, 5);
            var uids = new List<byte[]>();
            while (uids.Count < count)
            {
                int length = new[] { 4, 7, 10 }[random.Next(3)];
                var uid = new byte[length];
                random.NextBytes(uid);
                if (uids.Count > 0 && random.Next(2) == 0)
                {
                    var other = uids[random.Next(uids.Count)];
                    Array.Copy(other, uid, random.Next(Math.Min(other.Length, length)));
                }

                if (uid[0] == 0x88 || uids.Any(u => u.SequenceEqual(uid)))
                {
                    continue;
                }

                uids.Add(uid);
                if (length == 7 && random.Next(2) == 0)
                {
                    sim.Field.Add(VirtualCard.Desfire(uid));
                }
                else
                {
                    sim.Field.Add(VirtualCard.Classic1K(uid));
                }
            }

            var card = new CardIdentity();
            var seen = new List<string>();
            for (int round = 0; round < count + 2; round++)
            {
                ReaderResult request = picc.RequestA(card);
                if (request == ReaderResult.Timeout)
                {
                    break;
                }

                Assert.AreEqual(ReaderResult.Ok, request, "run " + run);
                Assert.AreEqual(ReaderResult.Ok, picc.Select(card), "run " + run + " " + string.Join(",", uids.Select(Convert.ToHexString)));
                seen.Add(Convert.ToHexString(card.Uid, 0, card.UidLength));
                Assert.AreEqual(ReaderResult.Ok, picc.Halt(), "run " + run);
            }

            CollectionAssert.AreEquivalent(uids.Select(Convert.ToHexString).ToList(), seen, "run " + run);
        }
    }

    [TestMethod]
    public void CollisionAtAnyBitPositionOfAFourByteUid()
    {
        for (int bit = 0; bit < 32; bit++)
        {
            var (sim, _, picc) = Rig();
            var a = Convert.FromHexString("12345678");
            var b = (byte[])a.Clone();
            b[bit / 8] ^= (byte)(1 << (bit % 8));
            if (b[0] == 0x88)
            {
                continue;
            }

            sim.Field.Add(VirtualCard.Classic1K(a));
            sim.Field.Add(VirtualCard.Classic1K(b));
            var card = new CardIdentity();
            var seen = new List<string>();
            while (picc.RequestA(card) == ReaderResult.Ok && seen.Count < 3)
            {
                Assert.AreEqual(ReaderResult.Ok, picc.Select(card), "bit " + bit);
                seen.Add(Convert.ToHexString(card.Uid, 0, 4));
                picc.Halt();
            }

            CollectionAssert.AreEquivalent(new[] { Convert.ToHexString(a), Convert.ToHexString(b) }, seen, "bit " + bit);
            Assert.AreEqual(1, picc.CollisionsResolved, "bit " + bit);
        }
    }
}
