#nullable enable
using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Tools.ReaderBenchmark;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>The CardReader facade over the scripted fake: tap, rest, flicker, removal, faults, allocation.</summary>
[TestClass]
public class CardReaderScriptedTests
{
    private static (ScriptedChip fake, ScriptedField field, CardReader reader) Rig(IReaderPins? pinsOverride = null)
    {
        var fake = new ScriptedChip();
        var field = new ScriptedField();
        fake.OnTransmit = field.Answer;
        var reader = new CardReader(fake, pinsOverride ?? fake, new Mfrc522Options(), new CardReaderOptions());
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        return (fake, field, reader);
    }

    [TestMethod]
    public void TapRestAndRemovalAreToldApart()
    {
        var (_, field, reader) = Rig();
        var result = new CardReadResult();
        Assert.AreEqual(CardEvent.NoCard, reader.Poll(result));

        byte[] uid = Convert.FromHexString("04a1b2c3d4e5f6");
        var card = field.Add(uid, 0x20, 0x0344);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        Assert.IsTrue(result.UidEquals(uid, 7));
        Assert.AreEqual(CardType.MifareDesfire, result.Type);
        Assert.AreEqual("Halt", card.State, "the tapped card is halted");

        for (int i = 0; i < 5; i++)
        {
            Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(result));
            Assert.IsFalse(result.PresenceUncertain);
            Assert.AreEqual("Halt", card.State);
        }

        // The card flickers out of power on the edge of the field: back in IDLE, still the same card.
        card.State = "Idle";
        Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(result));

        field.Cards.Clear();
        Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(result));
        Assert.IsTrue(result.PresenceUncertain, "one miss is not yet a removal");
        Assert.AreEqual(CardEvent.CardRemoved, reader.Poll(result));
        Assert.IsTrue(result.UidEquals(uid, 7));
        Assert.AreEqual(CardEvent.NoCard, reader.Poll(result));
        Assert.AreEqual(1, reader.NewCards);
        Assert.AreEqual(1, reader.Removals);
    }

    [TestMethod]
    public void ACardSwappedForAnotherIsARemovalThenANewTap()
    {
        var (_, field, reader) = Rig();
        var result = new CardReadResult();
        field.Add(Convert.FromHexString("11223344"), 0x08, 0x0004);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        field.Cards.Clear();
        byte[] second = Convert.FromHexString("55667788");
        field.Add(second, 0x08, 0x0004);
        Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(result));
        Assert.AreEqual(CardEvent.CardRemoved, reader.Poll(result));
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        Assert.IsTrue(result.UidEquals(second, 4));
        Assert.AreEqual(CardType.MifareClassic1K, result.Type);
    }

    [TestMethod]
    public void BusExceptionsBecomeErrorsAndTheReaderRecovers()
    {
        var (fake, field, reader) = Rig();
        var result = new CardReadResult();
        fake.ThrowOnTransfer = true;
        Assert.AreEqual(CardEvent.Error, reader.Poll(result));
        Assert.AreEqual(ReaderResult.ChipFault, result.Error);
        Assert.AreEqual(1, reader.ExceptionsCaught);
        fake.ThrowOnTransfer = false;
        field.Add(Convert.FromHexString("11223344"), 0x08, 0x0004);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        Assert.IsTrue(reader.Chip.Recoveries >= 1);
    }

    [TestMethod]
    public void StalledChipIsDetectedByTheWatchdogAndHardReset()
    {
        var (fake, _, reader) = Rig();
        var result = new CardReadResult();
        fake.Stalled = true;
        // A stalled chip never raises TimerIRq: the first poll ends as a chip fault, bounded; the next recovers.
        CardEvent first = reader.Poll(result);
        Assert.AreEqual(CardEvent.Error, first);
        Assert.AreEqual(CardEvent.NoCard, reader.Poll(result));
        Assert.AreEqual(1, reader.Chip.HardResets);
        Assert.AreEqual(1, fake.HardResets);
    }

    [TestMethod]
    public void RandomFaultsNeverThrowNorHang()
    {
        var random = new Random(7);
        var (fake, field, reader) = Rig();
        var result = new CardReadResult();
        var answer = field.Answer;
        fake.OnTransmit = (frame, bits, align) =>
        {
            var a = answer(frame, bits, align);
            switch (random.Next(12))
            {
                case 0: return null;
                case 1: if (a != null && a.Data.Length > 0) { a.Data[random.Next(a.Data.Length)] ^= (byte)(1 << random.Next(8)); } return a;
                case 2: if (a != null) { a.Error |= (byte)(1 << random.Next(8)); } return a;
                case 3: if (a != null) { a.Error |= 0x08; a.Coll = (byte)random.Next(64); } return a;
                case 4: return ScriptedAnswer.Bytes(Enumerable.Range(0, random.Next(1, 70)).Select(i => (byte)random.Next(256)).ToArray());
                default: return a;
            }
        };

        var events = new Dictionary<CardEvent, int>();
        for (int poll = 0; poll < 3000; poll++)
        {
            if (random.Next(20) == 0)
            {
                if (field.Cards.Count > 0 && random.Next(2) == 0)
                {
                    field.Cards.RemoveAt(random.Next(field.Cards.Count));
                }
                else
                {
                    var uid = new byte[random.Next(2) == 0 ? 4 : 7];
                    random.NextBytes(uid);
                    if (uid.Length == 7)
                    {
                        uid[0] = 0x04;
                    }
                    else
                    {
                        uid[0] &= 0x7F;
                    }

                    field.Add(uid, uid.Length == 4 ? (byte)0x08 : (byte)0x20, uid.Length == 4 ? (ushort)0x0004 : (ushort)0x0344);
                }
            }

            fake.Stalled = random.Next(200) == 0;
            fake.ThrowOnTransfer = random.Next(300) == 0;
            if (random.Next(150) == 0)
            {
                fake.Registers[Register.TxControl] = 0x80;
            }

            if (random.Next(150) == 0)
            {
                fake.Registers[Register.Status2] |= 0x08;
            }

            int before = fake.Transfers;
            CardEvent e = reader.Poll(result);
            events[e] = events.GetValueOrDefault(e) + 1;
            Assert.IsTrue(fake.Transfers - before < 400, "poll " + poll + " took " + (fake.Transfers - before) + " transfers");
        }

        Assert.IsTrue(events.GetValueOrDefault(CardEvent.NewCard) > 10, string.Join(", ", events));
        Assert.IsTrue(events.GetValueOrDefault(CardEvent.Error) > 0);
        Assert.IsTrue(reader.Chip.Recoveries > 0);
    }

    [TestMethod]
    public void NoManagedAllocationPerPollOrReadAfterWarmUp()
    {
        // Record a scripted session, then replay it through a non-allocating bus and measure the driver alone.
        var fake = new ScriptedChip();
        var field = new ScriptedField();
        fake.OnTransmit = field.Answer;
        var recording = new RecordingBus(fake, fake);
        byte[] key = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
        var block = new byte[16];
        fake.OnAuthenticate = _ => true;

        void Session(CardReader reader, CardReadResult result, Action<int>? script)
        {
            reader.Start();
            for (int i = 0; i < 60; i++)
            {
                script?.Invoke(i);
                reader.Poll(result);
                if (i % 10 == 3)
                {
                    reader.ReadClassicBlock(MifareKeyType.KeyA, key, 4, block, 0);
                }
            }
        }

        void Script(int i)
        {
            if (i % 20 == 2)
            {
                field.Add(new byte[] { 0x11, 0x22, 0x33, (byte)i }, 0x08, 0x0004);
            }

            if (i % 20 == 10)
            {
                field.Add(new byte[] { 0x04, 0x22, 0x33, 0x44, 0x55, 0x66, (byte)i }, 0x20, 0x0344);
            }

            if (i % 20 == 15)
            {
                field.Cards.Clear();
            }
        }

        var recorded = new CardReader(recording, recording, new Mfrc522Options(), new CardReaderOptions());
        var recordedResult = new CardReadResult();
        Session(recorded, recordedResult, Script);
        Assert.IsTrue(recorded.NewCards >= 3, "new cards " + recorded.NewCards);

        var replay = new ReplayBus(recording);
        var reader = new CardReader(replay, replay, new Mfrc522Options(), new CardReaderOptions());
        var result = new CardReadResult();
        reader.Start();
        // Warm-up: the first polls JIT the paths.
        for (int i = 0; i < 20; i++)
        {
            reader.Poll(result);
            if (i % 10 == 3)
            {
                reader.ReadClassicBlock(MifareKeyType.KeyA, key, 4, block, 0);
            }
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 20; i < 60; i++)
        {
            reader.Poll(result);
            if (i % 10 == 3)
            {
                reader.ReadClassicBlock(MifareKeyType.KeyA, key, 4, block, 0);
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.AreEqual(0, replay.Mismatches, "the replay followed the recorded transfers");
        Assert.IsFalse(replay.Exhausted);
        Assert.AreEqual(recorded.NewCards, reader.NewCards);
        Assert.AreEqual(0L, allocated, "bytes allocated by 40 polls and 4 block reads");
    }
}
