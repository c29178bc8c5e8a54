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
/// WriteData longer than one frame, in DESFire additional frames (AFh), against the simulated card (its side written
/// independently: it counts the whole command from the file's mode, answers AFh until it has it, refuses frames over 55
/// wrapped bytes): plain, MAC and fully enciphered writes up to 192 bytes land byte-exact; a card pulled away between
/// frames writes nothing and the write is simply repeated; a foreign command between frames abandons the write.
/// </summary>
[TestClass]
public class DesfireChainedWriteTests
{
    private static readonly byte[] Aid = { 0x01, 0x43, 0x4C };
    private static readonly byte[] Key0 = new byte[16];
    private static readonly byte[] RandomA = Convert.FromHexString("C2A1E47B96A5589FAAE90C03FE6D00A7");

    private static (DesfireCard card, CardReader reader) Opened()
    {
        var card = VirtualCard.Desfire(Convert.FromHexString("04A1B2C3D4E580"));
        var app = card.AddApplication(Aid);
        app.Keys[0] = new byte[16];
        app.Files[1] = new DesfireCard.DataFile { Data = new byte[200], CommMode = 1, ReadKey = 0, WriteKey = 0, ReadWriteKey = 0, ChangeKey = 0 };
        app.Files[2] = new DesfireCard.DataFile { Data = new byte[200], CommMode = 3, ReadKey = 0, WriteKey = 0, ReadWriteKey = 0, ChangeKey = 0 };
        app.Files[3] = new DesfireCard.DataFile { Data = new byte[200], CommMode = 0, ReadKey = 0x0E, WriteKey = 0x0E, ReadWriteKey = 0x0E, ChangeKey = 0 };
        var sim = new Mfrc522Simulator();
        var reader = new CardReader(sim, sim, new Mfrc522Options(), new CardReaderOptions());
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        sim.Field.Add(card);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(new CardReadResult()));
        Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(new AtsInfo()));
        Assert.AreEqual(ReaderResult.Ok, reader.Desfire.SelectApplication(Aid, 0));
        return (card, reader);
    }

    private static byte[] Pattern(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + seed)).ToArray();

    [TestMethod]
    public void LongWritesLandByteExactInEveryMode()
    {
        var (card, reader) = Opened();
        DesfireCommands d = reader.Desfire;
        var app = card.Applications.Single();
        int cases = 0;
        foreach (int length in new[] { 1, 32, 34, 35, 41, 42, 100, 150, 192 })
        {
            foreach (byte file in new byte[] { 1, 2, 3 })
            {
                byte[] data = Pattern(length, file + length);
                int fileOffset = 200 - length;
                if (file == 3)
                {
                    Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(Aid, 0), "unauthenticated: a free file goes plain");
                }
                else
                {
                    Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, Key0, 0, RandomA, 0));
                }

                byte mode = file == 1 ? DesfireCommands.CommMac : file == 2 ? DesfireCommands.CommFull : DesfireCommands.CommPlain;
                int chained = card.ChainedWrites;
                Assert.AreEqual(ReaderResult.Ok, d.WriteData(file, fileOffset, data, 0, length, mode), $"file {file}, {length} bytes");
                CollectionAssert.AreEqual(data, app.Files[file].Data.Skip(fileOffset).ToArray(), $"file {file}, {length} bytes");
                int stream = 7 + (file == 1 ? length + 8 : file == 2 ? (length + 4 + 15) / 16 * 16 : length);
                int frames = (stream + DesfireCommands.MaxNativeFrame - 2) / (DesfireCommands.MaxNativeFrame - 1);
                Assert.AreEqual(frames, d.LastWriteFrames, $"file {file}, {length} bytes: frames of at most 49 bytes after the command byte");
                Assert.AreEqual(frames > 1 ? chained + 1 : chained, card.ChainedWrites);
                if (file != 3)
                {
                    Assert.IsTrue(d.Session.Authenticated, "the final answer's MAC verified, the session goes on");
                }

                cases++;
            }
        }

        // Read back in the session as a terminal reads: MAC verified over the whole 192 bytes.
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, Key0, 0, RandomA, 0));
        byte[] back = new byte[192];
        Assert.AreEqual(ReaderResult.Ok, d.ReadDataMac(1, 8, 192, back, 0));
        CollectionAssert.AreEqual(Pattern(192, 1 + 192), back);
        Assert.AreEqual(ReaderResult.InvalidArgument, d.WriteData(1, 0, new byte[193], 0, 193, DesfireCommands.CommMac), "over MaxWriteLength");
        Console.WriteLine($"chained writes: {cases} cases (3 modes x 9 lengths up to {DesfireCommands.MaxWriteLength} bytes), {card.ChainedWrites} took several frames");
        reader.CloseCardSession();
    }

    [TestMethod]
    public void ACardPulledAwayBetweenFramesWritesNothingAndTheWriteIsRepeated()
    {
        var (card, reader) = Opened();
        DesfireCommands d = reader.Desfire;
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(0, Key0, 0, RandomA, 0));
        card.TearAfterCommands = card.CommandsProcessed + 1;
        byte[] data = Pattern(120, 3);
        ReaderResult torn = d.WriteData(2, 0, data, 0, 120, DesfireCommands.CommFull);
        Assert.AreNotEqual(ReaderResult.Ok, torn);
        Assert.AreNotEqual(ReaderResult.CardStatus, torn, "no answer: the card left");
        Assert.IsTrue(card.Applications.Single().Files[2].Data.All(b => b == 0), "nothing written");
        reader.CloseCardSession();

        card.ReturnToField();
        CardReader again = Reopen(card);
        Assert.AreEqual(ReaderResult.Ok, again.Desfire.SelectApplication(Aid, 0));
        Assert.AreEqual(ReaderResult.Ok, again.Desfire.AuthenticateAes(0, Key0, 0, RandomA, 0));
        Assert.AreEqual(ReaderResult.Ok, again.Desfire.WriteData(2, 0, data, 0, 120, DesfireCommands.CommFull));
        CollectionAssert.AreEqual(data, card.Applications.Single().Files[2].Data.Take(120).ToArray());
        again.CloseCardSession();
    }

    private static CardReader Reopen(DesfireCard card)
    {
        var sim = new Mfrc522Simulator();
        var reader = new CardReader(sim, sim, new Mfrc522Options(), new CardReaderOptions());
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        sim.Field.Add(card);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(new CardReadResult()));
        Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(new AtsInfo()));
        return reader;
    }

    [TestMethod]
    public void TheCardRefusesLongFramesAndForgetsAWriteInterruptedByAnotherCommand()
    {
        var (card, reader) = Opened();
        byte[] reply = new byte[64];
        byte Raw(params byte[] native)
        {
            byte[] apdu = new byte[] { 0x90, native[0], 0, 0, (byte)(native.Length - 1) }.Concat(native.Skip(1)).Concat(new byte[] { 0 }).ToArray();
            Assert.AreEqual(ReaderResult.Ok, reader.IsoDep.Exchange(apdu, 0, apdu.Length, reply, 0, reply.Length, out int received));
            return reply[received - 1];
        }

        // File 3 is free: plain, 60 bytes declared.
        byte[] header = { 0x3D, 0x03, 0, 0, 0, 60, 0, 0 };
        Assert.AreEqual(0x7E, Raw(header.Concat(new byte[43]).ToArray()), "a 51-byte native frame (56 wrapped): LENGTH_ERROR");
        Assert.AreEqual(0xAF, Raw(header.Concat(Pattern(42, 9)).ToArray()), "50 bytes: the card wants more");
        Assert.AreEqual(0x00, Raw(0x5A, Aid[0], Aid[1], Aid[2]), "another command: the write is abandoned");
        Assert.AreEqual(0x1C, Raw(new byte[] { 0xAF }.Concat(Pattern(18, 1)).ToArray()), "a continuation without a write: ILLEGAL_COMMAND");
        Assert.IsTrue(card.Applications.Single().Files[3].Data.All(b => b == 0));

        Assert.AreEqual(0xAF, Raw(header.Concat(Pattern(42, 9)).ToArray()));
        Assert.AreEqual(0x7E, Raw(new byte[] { 0xAF }.Concat(Pattern(19, 1)).ToArray()), "one byte more than declared");
        Assert.AreEqual(0xAF, Raw(header.Concat(Pattern(42, 9)).ToArray()));
        Assert.AreEqual(0x00, Raw(new byte[] { 0xAF }.Concat(Pattern(18, 1)).ToArray()));
        CollectionAssert.AreEqual(Pattern(42, 9).Concat(Pattern(18, 1)).ToArray(), card.Applications.Single().Files[3].Data.Take(60).ToArray());
        reader.CloseCardSession();
    }
}
