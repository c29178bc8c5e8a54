#nullable enable
using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>What a scripted card answers to one reader frame; null = silence (the chip timer fires).</summary>
internal sealed class ScriptedAnswer
{
    public byte[] Data = Array.Empty<byte>();
    public int LastBits;
    public byte Error;
    public byte Coll = 0x20;

    public static ScriptedAnswer Bytes(params byte[] data) => new() { Data = data };
    public static ScriptedAnswer WithCrc(params byte[] data)
    {
        var framed = new byte[data.Length + 2];
        Array.Copy(data, framed, data.Length);
        CrcA.Append(framed, 0, data.Length);
        return new ScriptedAnswer { Data = framed };
    }

    public static ScriptedAnswer FourBits(byte value) => new() { Data = new[] { value }, LastBits = 4 };
}

/// <summary>
/// A small register-file fake of the MFRC522 for unit tests of the chip driver, independent of the simulator:
/// registers, FIFO, ComIrq set/clear, Transceive on StartSend, MFAuthent, SoftReset, self-test output.
/// Cards are scripted by <see cref="OnTransmit"/> (frame bytes, TxLastBits, RxAlign) → answer. Model time advances
/// 50 µs per transfer and 25 µs per IRQ line read so waits terminate.
/// </summary>
internal sealed class ScriptedChip : IRegisterBus, IReaderPins
{
    public readonly byte[] Registers = new byte[64];
    public readonly Queue<byte> Fifo = new();
    public readonly List<string> Log = new();
    public Func<byte[], int, int, ScriptedAnswer?> OnTransmit = (_, _, _) => null;
    public Func<byte[], bool> OnAuthenticate = _ => false;
    public byte VersionValue = 0x92;
    public bool Stalled;
    public bool ThrowOnTransfer;
    public bool TimerNeverFires;
    public int Transfers;
    public long NowMicroseconds;
    public bool ResetLine = true;
    public int HardResets;
    public readonly List<byte[]> SentFrames = new();

    public ScriptedChip()
    {
        PowerOnReset();
    }

    private void PowerOnReset()
    {
        Array.Clear(Registers);
        Registers[Register.Command] = 0x20;
        Registers[Register.ComIEn] = 0x80;
        Registers[Register.ComIrq] = 0x14;
        Registers[Register.Control] = 0x10;
        Registers[Register.Mode] = 0x3F;
        Registers[Register.TxControl] = 0x80;
        Registers[Register.TxAsk] = 0x00;
        Registers[Register.RfCfg] = 0x48;
        Registers[Register.Coll] = 0xA0;
        Fifo.Clear();
    }

    public void Transfer(byte[] tx, byte[] rx, int length)
    {
        Transfers++;
        NowMicroseconds += 50;
        if (ThrowOnTransfer)
        {
            throw new InvalidOperationException("SPI bus error (scripted)");
        }

        if (Stalled || !ResetLine)
        {
            Array.Clear(rx, 0, length);
            return;
        }

        rx[0] = 0;
        if ((tx[0] & 0x80) != 0)
        {
            for (int i = 0; i < length - 1; i++)
            {
                rx[i + 1] = Read((byte)((tx[i] >> 1) & 0x3F));
            }

            Log.Add("R " + length);
            return;
        }

        byte register = (byte)((tx[0] >> 1) & 0x3F);
        for (int i = 1; i < length; i++)
        {
            Write(register, tx[i]);
        }

        Log.Add("W " + register.ToString("X2") + " " + length);
    }

    private byte Read(byte register)
    {
        switch (register)
        {
            case Register.FifoData: return Fifo.Count > 0 ? Fifo.Dequeue() : (byte)0;
            case Register.FifoLevel: return (byte)Fifo.Count;
            case Register.Version: return VersionValue;
            default: return Registers[register];
        }
    }

    private void Write(byte register, byte value)
    {
        switch (register)
        {
            case Register.ComIrq:
                if ((value & 0x80) != 0)
                {
                    Registers[register] |= (byte)(value & 0x7F);
                }
                else
                {
                    Registers[register] &= (byte)~value;
                }

                return;
            case Register.FifoLevel:
                if ((value & 0x80) != 0)
                {
                    Fifo.Clear();
                }

                return;
            case Register.FifoData:
                Fifo.Enqueue(value);
                return;
            case Register.Command:
                Registers[register] = (byte)((Registers[register] & 0xF0) | (value & 0x0F));
                RunCommand((byte)(value & 0x0F));
                return;
            case Register.BitFraming:
                Registers[register] = value;
                if ((value & 0x80) != 0 && (Registers[Register.Command] & 0x0F) == Command.Transceive)
                {
                    Transceive(value & 0x07, (value >> 4) & 0x07);
                }

                return;
            default:
                Registers[register] = value;
                return;
        }
    }

    private void RunCommand(byte command)
    {
        switch (command)
        {
            case Command.SoftReset:
                PowerOnReset();
                Registers[Register.Command] = 0x20;
                return;
            case Command.MfAuthent:
                var frame = Fifo.ToArray();
                Fifo.Clear();
                SentFrames.Add(frame);
                if (OnAuthenticate(frame))
                {
                    Registers[Register.Status2] |= 0x08;
                    Registers[Register.ComIrq] |= 0x10;
                    Registers[Register.Command] &= 0xF0;
                }
                else if (!TimerNeverFires)
                {
                    Registers[Register.ComIrq] |= 0x01;
                }

                return;
            case Command.Mem:
                Fifo.Clear();
                return;
            case Command.CalcCrc:
                if (Registers[Register.AutoTest] == 0x09)
                {
                    Fifo.Clear();
                    byte[]? reference = ChipVersion.SelfTestReference(VersionValue);
                    for (int i = 0; i < 64; i++)
                    {
                        Fifo.Enqueue(reference == null ? (byte)i : reference[i]);
                    }
                }

                return;
        }
    }

    private void Transceive(int txLastBits, int rxAlign)
    {
        var frame = Fifo.ToArray();
        Fifo.Clear();
        if ((Registers[Register.TxMode] & 0x80) != 0)
        {
            var withCrc = new byte[frame.Length + 2];
            Array.Copy(frame, withCrc, frame.Length);
            CrcA.Append(withCrc, 0, frame.Length);
            frame = withCrc;
        }

        SentFrames.Add(frame);
        ScriptedAnswer? answer = OnTransmit(frame, txLastBits, rxAlign);
        Registers[Register.Error] = 0;
        Registers[Register.Coll] = 0x20;
        if (answer == null)
        {
            if (!TimerNeverFires)
            {
                Registers[Register.ComIrq] |= 0x01;
            }

            return;
        }

        var data = answer.Data;
        if ((Registers[Register.RxMode] & 0x80) != 0 && data.Length >= 3 && answer.LastBits == 0)
        {
            // Model choice for the fake: the chip checks and keeps the CRC bytes.
            if (!CrcA.Check(data, 0, data.Length))
            {
                Registers[Register.Error] |= 0x04;
            }
        }

        foreach (byte b in data)
        {
            Fifo.Enqueue(b);
        }

        Registers[Register.Control] = (byte)((Registers[Register.Control] & 0xF8) | (answer.LastBits & 0x07));
        Registers[Register.Error] |= answer.Error;
        Registers[Register.Coll] = answer.Coll;
        Registers[Register.ComIrq] |= 0x20;
    }

    // IReaderPins
    public void SetResetHigh(bool high)
    {
        if (!ResetLine && high)
        {
            HardResets++;
            Stalled = false;
            PowerOnReset();
        }

        ResetLine = high;
    }

    public bool IrqAsserted
    {
        get
        {
            NowMicroseconds += 25;
            return (Registers[Register.ComIrq] & Registers[Register.ComIEn] & 0x7F) != 0;
        }
    }

    public long MonotonicMilliseconds => NowMicroseconds / 1000;

    public void Delay(int milliseconds) => NowMicroseconds += milliseconds * 1000L;
}

/// <summary>
/// Scripted ISO/IEC 14443-3A cards for <see cref="ScriptedChip"/>: a field of cards that answer REQA/WUPA,
/// ANTICOLLISION (with bit collisions reported the way the driver expects: CollPos counted in the FIFO bit layout,
/// first received bit at RxAlign), SELECT, HLTA. Small on purpose; the project's simulator is the full model.
/// </summary>
internal sealed class ScriptedField
{
    internal sealed class Card
    {
        public byte[] Uid = Array.Empty<byte>();
        public byte Sak = 0x08;
        public ushort Atqa = 0x0004;
        public string State = "Idle";
        public int Level;
        public bool FromHalt;
    }

    public readonly List<Card> Cards = new();

    public Card Add(byte[] uid, byte sak, ushort atqa)
    {
        var card = new Card { Uid = uid, Sak = sak, Atqa = atqa };
        Cards.Add(card);
        return card;
    }

    private static byte[] Cln(Card card, int level)
    {
        int levels = card.Uid.Length == 4 ? 1 : card.Uid.Length == 7 ? 2 : 3;
        var cln = new byte[5];
        if (level < levels - 1)
        {
            cln[0] = 0x88;
            Array.Copy(card.Uid, 3 * level, cln, 1, 3);
        }
        else
        {
            Array.Copy(card.Uid, 3 * level, cln, 0, 4);
        }

        cln[4] = Bcc.Compute(cln, 0);
        return cln;
    }

    private static int Bit(byte[] bytes, int index) => (bytes[index / 8] >> (index % 8)) & 1;

    public ScriptedAnswer? Answer(byte[] frame, int txLastBits, int rxAlign)
    {
        if (frame.Length == 1 && txLastBits == 7 && (frame[0] == 0x26 || frame[0] == 0x52))
        {
            bool wake = frame[0] == 0x52;
            foreach (var c in Cards)
            {
                if (c.State == "Ready" || c.State == "Active")
                {
                    c.State = c.FromHalt ? "Halt" : "Idle";
                }
            }

            var answering = Cards.FindAll(c => c.State == "Idle" || (wake && c.State == "Halt"));
            foreach (var c in answering)
            {
                c.FromHalt = c.State == "Halt";
                c.State = "Ready";
                c.Level = 0;
            }

            if (answering.Count == 0)
            {
                return null;
            }

            var atqa = answering[0].Atqa;
            if (answering.Exists(c => c.Atqa != atqa))
            {
                return new ScriptedAnswer { Data = new[] { (byte)(atqa & 0xFF), (byte)(atqa >> 8) }, Error = 0x08, Coll = 0x01 };
            }

            return ScriptedAnswer.Bytes((byte)(atqa & 0xFF), (byte)(atqa >> 8));
        }

        if (frame.Length >= 2 && (frame[0] == 0x93 || frame[0] == 0x95 || frame[0] == 0x97))
        {
            int level = (frame[0] - 0x93) / 2;
            if (frame[1] == 0x70 && frame.Length == 9)
            {
                if (!CrcA.Check(frame, 0, 9))
                {
                    return null;
                }

                var chosen = new List<Card>();
                foreach (var c in Cards)
                {
                    if (c.State != "Ready" || c.Level != level)
                    {
                        continue;
                    }

                    var cln = Cln(c, level);
                    bool match = true;
                    for (int i = 0; i < 5; i++)
                    {
                        match &= cln[i] == frame[2 + i];
                    }

                    if (match)
                    {
                        chosen.Add(c);
                    }
                    else
                    {
                        c.State = c.FromHalt ? "Halt" : "Idle";
                    }
                }

                if (chosen.Count == 0)
                {
                    return null;
                }

                int levels = chosen[0].Uid.Length == 4 ? 1 : chosen[0].Uid.Length == 7 ? 2 : 3;
                if (level < levels - 1)
                {
                    foreach (var c in chosen)
                    {
                        c.Level = level + 1;
                    }

                    return ScriptedAnswer.WithCrc(0x04);
                }

                foreach (var c in chosen)
                {
                    c.State = "Active";
                }

                return ScriptedAnswer.WithCrc(chosen[0].Sak);
            }

            int knownBits = ((frame[1] >> 4) - 2) * 8 + (frame[1] & 0x0F);
            var responders = new List<byte[]>();
            foreach (var c in Cards)
            {
                if (c.State != "Ready" || c.Level != level)
                {
                    continue;
                }

                var cln = Cln(c, level);
                bool match = true;
                for (int b = 0; b < knownBits; b++)
                {
                    match &= Bit(cln, b) == Bit(frame, 16 + b);
                }

                if (match)
                {
                    responders.Add(cln);
                }
            }

            if (responders.Count == 0)
            {
                return null;
            }

            int fullBytes = knownBits / 8;
            int count = 5 - fullBytes;
            var data = new byte[count];
            int collisionAt = -1;
            for (int b = knownBits; b < 40; b++)
            {
                int one = responders.Count(r => Bit(r, b) == 1);
                int value = one > 0 ? 1 : 0;
                if (one > 0 && one < responders.Count && collisionAt < 0)
                {
                    collisionAt = b;
                }

                if (collisionAt >= 0 && b > collisionAt)
                {
                    value = 0;
                }

                int fifoBit = b - fullBytes * 8;
                if (value == 1)
                {
                    data[fifoBit / 8] |= (byte)(1 << (fifoBit % 8));
                }
            }

            if (collisionAt < 0)
            {
                return ScriptedAnswer.Bytes(data);
            }

            int position = collisionAt - fullBytes * 8 + 1;
            return new ScriptedAnswer { Data = data, Error = 0x08, Coll = (byte)(position == 32 ? 0 : position) };
        }

        if (frame.Length == 4 && frame[0] == 0x50 && frame[1] == 0x00 && CrcA.Check(frame, 0, 4))
        {
            foreach (var c in Cards)
            {
                if (c.State == "Active")
                {
                    c.State = "Halt";
                }
            }

            return null;
        }

        foreach (var c in Cards)
        {
            if (c.State == "Ready" || c.State == "Active")
            {
                c.State = c.FromHalt ? "Halt" : "Idle";
            }
        }

        return null;
    }
}
