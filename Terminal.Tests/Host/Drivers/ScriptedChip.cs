#nullable enable
using System;
using System.Collections.Generic;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Terminal.Tests.Drivers;

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
    public long Bytes;

    /// <summary>When above 0, an answer is held back for that many ComIrqReg reads while IdleIRq alone asserts the IRQ
    /// line (a spurious or early interrupt): the driver must keep waiting, not take it for the end of the exchange.</summary>
    public int StatusReadsBeforeAnswer;
    private Action? heldAnswer;
    private int heldReads;
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
        Bytes += length;
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
            case Register.ComIrq:
                if (heldAnswer != null && --heldReads <= 0)
                {
                    // Released by this read: the register read after it (ErrorReg, FIFOLevel ...) already sees the answer.
                    Action release = heldAnswer;
                    heldAnswer = null;
                    release();
                    return Registers[register];
                }

                return Registers[register];
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
        if (StatusReadsBeforeAnswer > 0)
        {
            heldReads = StatusReadsBeforeAnswer;
            heldAnswer = () => Complete(answer);
            Registers[Register.ComIrq] |= 0x10;
            return;
        }

        Complete(answer);
    }

    private void Complete(ScriptedAnswer? answer)
    {
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
