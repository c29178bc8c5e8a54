#nullable enable
using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>The CardReader facade on the simulator: taps, resting cards, removal, the watchdog, injected faults.</summary>
[TestClass]
public class SimulatorCardReaderTests
{
    private static (Mfrc522Simulator sim, CardReader reader, CardReadResult result) Rig(CardReaderOptions? options = null)
    {
        var sim = new Mfrc522Simulator();
        var reader = new CardReader(sim, sim, new Mfrc522Options(), options ?? new CardReaderOptions());
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        return (sim, reader, new CardReadResult());
    }

    [TestMethod]
    public void AWalletIsFlaggedAsSeveralCardsAndACardAloneIsNot()
    {
        var (sim, reader, result) = Rig();
        var first = sim.Field.Add(VirtualCard.Desfire(VirtualCard.UidFromHex("04a1b2c3d4e580")));
        var second = sim.Field.Add(VirtualCard.Desfire(VirtualCard.UidFromHex("04a1b2c3d4e5f0")));
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        Assert.IsTrue(result.SeveralCards, "a collision was resolved during SELECT (ISO/IEC 14443-3 §6.5.3)");
        Assert.AreEqual(ReaderStep.None, result.FailedStep);
        sim.Field.Remove(first);
        sim.Field.Remove(second);
        while (reader.Poll(result) != CardEvent.CardRemoved)
        {
        }

        sim.Field.Add(VirtualCard.Desfire(VirtualCard.UidFromHex("04a1b2c3d4e580")));
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        Assert.IsFalse(result.SeveralCards);
    }

    [TestMethod]
    public void AFailedPollSaysWhichStepFailed()
    {
        var (sim, reader, result) = Rig();
        sim.Field.Add(VirtualCard.Desfire(VirtualCard.UidFromHex("04a1b2c3d4e580")));
        sim.Faults.CorruptCrcOfNextAnswers(50);
        CardEvent e = CardEvent.NoCard;
        for (int i = 0; i < 20 && e != CardEvent.Error; i++)
        {
            e = reader.Poll(result);
        }

        Assert.AreEqual(CardEvent.Error, e);
        Assert.AreEqual(ReaderStep.Select, result.FailedStep, ReaderSteps.Name(result.FailedStep) + ", " + ReaderResults.Name(result.Error));
        Assert.AreNotEqual(ReaderResult.Ok, result.Error);
        sim.Faults.ClearAll();
        for (int i = 0; i < 10 && e != CardEvent.NewCard; i++)
        {
            e = reader.Poll(result);
        }

        Assert.AreEqual(CardEvent.NewCard, e, "read once the field is clean");
        Assert.AreEqual(ReaderStep.None, result.FailedStep);
    }

    [TestMethod]
    public void OverheatingIsCountedAndRepaired()
    {
        var (sim, reader, result) = Rig();
        var health = new ReaderDiagnostics();
        reader.ReadHealth(health);
        Assert.AreEqual(0, health.Overheats);

        sim.Field.Add(VirtualCard.Desfire(VirtualCard.UidFromHex("04a1b2c3d4e580")));
        sim.Faults.Overheat();
        int polls = 0;
        while (reader.Poll(result) != CardEvent.NewCard && polls < 200)
        {
            polls++;
        }

        reader.ReadHealth(health);
        Assert.IsTrue(polls < 200, "the reader recovered and read the card");
        Assert.AreEqual(1, health.Overheats, "ErrorReg.TempErr seen by the health check (§9.3.1.7)");
        Assert.IsTrue(health.Recoveries >= 1);
        Assert.AreEqual(polls + 1L, health.Polls);
    }

    [TestMethod]
    public void ARestingLeoCarteIsReportedOnceThenRemoved()
    {
        var (sim, reader, result) = Rig();
        Assert.AreEqual(CardEvent.NoCard, reader.Poll(result));
        var uid = VirtualCard.UidFromHex("04512c7a9b3d80");
        var card = sim.Field.Add(VirtualCard.Desfire(uid));
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        Assert.IsTrue(result.UidEquals(uid, 7));
        Assert.AreEqual(CardType.MifareDesfire, result.Type);
        Assert.AreEqual(CardState.Halt, card.State);
        for (int i = 0; i < 200; i++)
        {
            sim.AdvanceTime(20_000_000); // 20 ms between polls
            Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(result), "poll " + i);
        }

        sim.Field.Remove(card);
        Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(result));
        Assert.IsTrue(result.PresenceUncertain);
        Assert.AreEqual(CardEvent.CardRemoved, reader.Poll(result));
        Assert.AreEqual(CardEvent.NoCard, reader.Poll(result));
        Assert.AreEqual(1, reader.NewCards);
    }

    [TestMethod]
    [DataRow((byte)0x91, true)]
    [DataRow((byte)0x92, true)]
    [DataRow((byte)0x88, true)]
    public void DiagnosticsReportAHealthyReader(byte version, bool healthy)
    {
        var sim = new Mfrc522Simulator(version);
        var reader = new CardReader(sim, sim, null, null);
        var diagnostics = new ReaderDiagnostics();
        reader.Diagnose(diagnostics);
        Assert.IsTrue(diagnostics.Answered);
        Assert.AreEqual(version, diagnostics.Version);
        Assert.AreEqual(ReaderResult.Ok, diagnostics.SelfTest);
        Assert.IsTrue(diagnostics.SelfTestHadReference);
        Assert.IsTrue(diagnostics.AntennaOn);
        Assert.AreEqual(healthy, diagnostics.Healthy);
        var result = new CardReadResult();
        sim.Field.Add(VirtualCard.Classic1K(VirtualCard.UidFromHex("a1b2c3d4")));
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result), "ready to poll after the diagnostics");
    }

    [TestMethod]
    public void DiagnosticsTellAMissingReaderFromAnUnknownChip()
    {
        // Nothing on the bus (MISO floating low): not even the hard reset Diagnose escalates to brings an answer.
        var sim = new Mfrc522Simulator();
        var reader = new CardReader(new NothingOnTheBus(), sim, null, null);
        var diagnostics = new ReaderDiagnostics();
        reader.Diagnose(diagnostics);
        Assert.IsFalse(diagnostics.Answered, "reader missing");
        Assert.AreEqual(ReaderResult.ChipFault, diagnostics.Initialization);
        Assert.AreEqual("no answer", diagnostics.VersionName);
        Assert.IsFalse(diagnostics.Healthy);

        // A hung chip (reads 0x00) comes back with the hard reset, as at Start.
        var hung = new Mfrc522Simulator();
        hung.Faults.StallChip(0x00);
        reader = new CardReader(hung, hung, null, null);
        reader.Diagnose(diagnostics);
        Assert.IsTrue(diagnostics.Answered && diagnostics.Healthy, "revived by the hard reset");
        Assert.AreEqual(1, diagnostics.HardResets);

        var unknown = new Mfrc522Simulator(0x90);
        reader = new CardReader(unknown, unknown, null, null);
        reader.Diagnose(diagnostics);
        Assert.IsTrue(diagnostics.Answered);
        Assert.AreEqual(ChipKind.Unknown, diagnostics.Kind);
        Assert.IsFalse(diagnostics.Healthy, "unknown chip: replace the module");
    }

    [TestMethod]
    public void AtsIsReadWhenAsked()
    {
        var (sim, reader, result) = Rig(new CardReaderOptions { RequestAts = true });
        var card = sim.Field.Add(VirtualCard.Desfire(VirtualCard.UidFromHex("04112233445566")));
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        Assert.AreEqual(CardType.MifareDesfire, result.Type);
        Assert.IsTrue(result.Ats.Valid);
        Assert.AreEqual(0x80, result.Ats.HistoricalByte(0));
        Assert.AreEqual(CardState.Halt, card.State, "S(DESELECT) halted it");
        Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(result));
    }

    [TestMethod]
    public void ClassicBlockOfTheRestingCardIsReadAndCrypto1SwitchedOff()
    {
        var (sim, reader, result) = Rig();
        var card = sim.Field.Add(VirtualCard.Classic1K(VirtualCard.UidFromHex("a1b2c3d4")));
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        var block = new byte[16];
        Assert.AreEqual(ReaderResult.Ok, reader.ReadClassicBlock(MifareKeyType.KeyA, ClassicCard.TransportKey, 4, block, 0));
        Assert.IsFalse(sim.Crypto1On);
        Assert.AreEqual(CardState.Halt, card.State);
        Assert.AreEqual(ReaderResult.AuthenticationFailed, reader.ReadClassicBlock(MifareKeyType.KeyB, new byte[6], 4, block, 0));
        Assert.IsFalse(sim.Crypto1On);
        Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(result), "the failed read did not look like a new tap");
        Assert.AreEqual(1, reader.NewCards);
    }

    [TestMethod]
    public void ASessionLeftOpenByTheApplicationIsClosedByTheNextPoll()
    {
        var (sim, reader, result) = Rig();
        var uid = VirtualCard.UidFromHex("a1b2c3d4");
        sim.Field.Add(VirtualCard.Classic1K(uid));
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        var card = new CardIdentity();
        Assert.AreEqual(ReaderResult.Ok, reader.Picc.WakeUpA(card));
        Array.Copy(uid, card.Uid, 4);
        card.UidLength = 4;
        Assert.AreEqual(ReaderResult.Ok, reader.Picc.SelectKnownUid(card));
        Assert.AreEqual(ReaderResult.Ok, reader.Classic.Authenticate(MifareKeyType.KeyA, 4, ClassicCard.TransportKey, 0, card));
        Assert.IsTrue(sim.Crypto1On);
        reader.Poll(result);
        Assert.IsFalse(sim.Crypto1On, "Crypto1 off before the field is addressed again");
        Assert.IsFalse(reader.Classic.SessionOpen);
    }

    [TestMethod]
    public void TwoCardsTappedTogetherAreReportedOneAfterTheOther()
    {
        var (sim, reader, result) = Rig();
        var first = sim.Field.Add(VirtualCard.Classic1K(VirtualCard.UidFromHex("11223344")));
        var second = sim.Field.Add(VirtualCard.Classic1K(VirtualCard.UidFromHex("11223345")));
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        var firstUid = Convert.ToHexString(result.Uid, 0, 4);
        Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(result));
        sim.Field.Remove(firstUid == "11223344" ? first : second);
        reader.Poll(result);
        Assert.AreEqual(CardEvent.CardRemoved, reader.Poll(result));
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        Assert.AreNotEqual(firstUid, Convert.ToHexString(result.Uid, 0, 4));
    }

    [TestMethod]
    [DataRow(0L)]
    [DataRow(5_000_000L)] // cards that need 5 ms after the field comes back before they answer
    public void WatchdogRecoversFromBrownOutAntennaLossOverheatAndStall(long cardPowerUpNs)
    {
        var (sim, reader, result) = Rig();
        sim.Field.CardPowerUpNs = cardPowerUpNs;
        var card = sim.Field.Add(VirtualCard.Classic1K(VirtualCard.UidFromHex("a1b2c3d4")));
        sim.AdvanceTime(20_000_000);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));

        void PollUntilHealthy(string fault)
        {
            var events = new List<CardEvent>();
            for (int i = 0; i < 120 && !(events.Count > 0 && events[^1] == CardEvent.SameCardStillPresent && !result.PresenceUncertain && sim.AntennaOn); i++)
            {
                events.Add(reader.Poll(result));
                sim.AdvanceTime(20_000_000);
            }

            Assert.IsTrue(sim.AntennaOn, fault + ": antenna back on");
            Assert.AreEqual(CardEvent.SameCardStillPresent, events[^1], fault + ": " + string.Join(",", events));
            Assert.IsFalse(events.Contains(CardEvent.NewCard), fault + ": no double tap: " + string.Join(",", events));
        }

        int recoveries = reader.Chip.Recoveries;
        sim.Faults.DropAntenna();
        PollUntilHealthy("antenna dropped");
        Assert.IsTrue(reader.Chip.Recoveries > recoveries);

        recoveries = reader.Chip.Recoveries;
        sim.Faults.BrownOut();
        PollUntilHealthy("brown-out");
        Assert.IsTrue(reader.Chip.Recoveries > recoveries);

        sim.Faults.Overheat();
        PollUntilHealthy("overheat");

        int hard = reader.Chip.HardResets;
        sim.Faults.StallChip(0xFF);
        PollUntilHealthy("stall");
        Assert.IsTrue(reader.Chip.HardResets > hard, "a stalled chip needs NRSTPD");
    }

    [TestMethod]
    public void RandomFaultsNeverThrowNorHangAndTapsStillComeThrough()
    {
        var random = new Random(1234);
        var (sim, reader, result) = Rig();
        sim.Faults.Reseed(99);
        sim.Faults.CrcErrorRate = 0.03;
        sim.Faults.BitErrorRate = 0.03;
        sim.Faults.CollisionRate = 0.02;
        sim.Faults.SilenceRate = 0.03;
        var events = new Dictionary<CardEvent, int>();
        var present = new List<VirtualCard>();
        long maxTransfers = 0;
        for (int poll = 0; poll < 4000; poll++)
        {
            int action = random.Next(100);
            if (action < 3 && present.Count < 3)
            {
                var uid = new byte[random.Next(2) == 0 ? 4 : 7];
                random.NextBytes(uid);
                if (uid[0] == 0x88)
                {
                    uid[0] = 0x08;
                }

                present.Add(uid.Length == 7 ? sim.Field.Add(VirtualCard.Desfire(uid)) : sim.Field.Add(VirtualCard.Classic1K(uid)));
            }
            else if (action < 6 && present.Count > 0)
            {
                var card = present[random.Next(present.Count)];
                if (random.Next(2) == 0)
                {
                    sim.Faults.RemoveCardAfterFrames(card, random.Next(1, 6));
                }
                else
                {
                    sim.Field.Remove(card);
                }

                present.Remove(card);
            }
            else if (action == 6)
            {
                sim.Faults.StallChipAfterTransfers(random.Next(1, 40), random.Next(2) == 0 ? (byte)0x00 : (byte)0xFF);
            }
            else if (action == 7)
            {
                sim.Faults.BrownOutAfterTransfers(random.Next(1, 40));
            }
            else if (action == 8)
            {
                sim.Faults.DropAntennaAfterTransfers(random.Next(1, 40));
            }

            long before = sim.Costs.Transfers;
            long startNs = sim.NowNs;
            CardEvent e = reader.Poll(result);
            events[e] = events.GetValueOrDefault(e) + 1;
            maxTransfers = Math.Max(maxTransfers, sim.Costs.Transfers - before);
            Assert.IsTrue(sim.NowNs - startNs < 200_000_000, "poll " + poll + " took " + (sim.NowNs - startNs) / 1e6 + " ms of model time");
            sim.AdvanceTime(20_000_000);
        }

        Console.WriteLine(string.Join(", ", events.Select(kv => kv.Key + "=" + kv.Value)) + "; max transfers per poll " + maxTransfers
            + "; recoveries " + reader.Chip.Recoveries + " (hard " + reader.Chip.HardResets + ")");
        Assert.IsTrue(events.GetValueOrDefault(CardEvent.NewCard) >= 20);
        Assert.IsTrue(events.GetValueOrDefault(CardEvent.CardRemoved) >= 10);
        Assert.IsTrue(reader.Chip.HardResets > 0);
        Assert.AreEqual(0, reader.ExceptionsCaught, "the driver itself never threw");
    }
}

/// <summary>An SPI bus with no chip on it: every byte reads 0x00.</summary>
internal sealed class NothingOnTheBus : IRegisterBus
{
    public void Transfer(byte[] tx, byte[] rx, int length) => Array.Clear(rx, 0, length);
}
