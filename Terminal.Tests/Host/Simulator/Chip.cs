using System;
using System.Collections.Generic;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Simulator;

namespace LeoCarte.Terminal.Tests.Host.Simulator
{
    /// <summary>
    /// Test-side register access to the simulator through real SPI transfers (no shortcut), plus a plain
    /// datasheet-style Transceive used to drive cards. Not a driver: it only serves these tests.
    /// </summary>
    internal sealed class Chip
    {
        public readonly Mfrc522Simulator Sim;
        private readonly byte[] tx = new byte[80];
        private readonly byte[] rx = new byte[80];

        public Chip(Mfrc522Simulator sim) { Sim = sim; }

        public static Chip New(byte version = 0x92, int seed = 1) => new Chip(new Mfrc522Simulator(version, seed));

        public byte Read(byte register)
        {
            tx[0] = Register.ReadAddress(register);
            tx[1] = 0;
            Sim.Transfer(tx, rx, 2);
            return rx[1];
        }

        public void Write(byte register, params byte[] values)
        {
            tx[0] = Register.WriteAddress(register);
            Array.Copy(values, 0, tx, 1, values.Length);
            Sim.Transfer(tx, rx, values.Length + 1);
        }

        /// <summary>Burst read of the FIFO in one transfer (address repeated, ends with 00h).</summary>
        public byte[] ReadFifo(int count)
        {
            for (int i = 0; i < count; i++)
            {
                tx[i] = Register.ReadAddress(Register.FifoData);
            }

            tx[count] = 0;
            Sim.Transfer(tx, rx, count + 1);
            var data = new byte[count];
            Array.Copy(rx, 1, data, 0, count);
            return data;
        }

        /// <summary>Usual init: TAuto timer of about 5 ms (prescaler 0xA9 → 40 kHz; reload 200), CRC preset 6363h, antenna on.</summary>
        public Chip Init(int reload = 200)
        {
            Write(Register.Command, Command.SoftReset);
            Sim.Delay(1);
            Write(Register.TMode, 0x80);
            Write(Register.TPrescaler, 0xA9);
            Write(Register.TReloadHigh, (byte)(reload >> 8));
            Write(Register.TReloadLow, (byte)reload);
            Write(Register.TxAsk, 0x40);
            Write(Register.Mode, 0x3D);
            Write(Register.TxControl, 0x83);
            return this;
        }

        public sealed class Result
        {
            public byte Irq, Error, Coll, LastBits;
            public byte[] Data = new byte[0];
            public bool TimedOut => (Irq & Mfrc522Simulator.TimerIrq) != 0 && (Irq & Mfrc522Simulator.RxIrq) == 0;
            public int Polls;
            public override string ToString() => $"irq {Irq:X2} err {Error:X2} coll {Coll:X2} bits {LastBits} data {Convert.ToHexString(Data)}";
        }

        /// <summary>Transceive per datasheet §10.3.1.8 with TxLastBits/RxAlign, polling ComIrqReg (bounded).</summary>
        public Result Transceive(byte[] frame, int txLastBits = 0, int rxAlign = 0, int maxPolls = 1000)
        {
            Write(Register.Command, Command.Idle);
            Write(Register.ComIrq, 0x7F);
            Write(Register.FifoLevel, 0x80);
            Write(Register.FifoData, frame);
            Write(Register.BitFraming, (byte)((rxAlign << 4) | txLastBits));
            Write(Register.Command, Command.Transceive);
            Write(Register.BitFraming, (byte)(0x80 | (rxAlign << 4) | txLastBits));
            var result = new Result();
            for (int i = 0; i < maxPolls; i++)
            {
                result.Polls++;
                result.Irq = Read(Register.ComIrq);
                if ((result.Irq & (Mfrc522Simulator.RxIrq | Mfrc522Simulator.TimerIrq)) != 0)
                {
                    break;
                }
            }

            Write(Register.Command, Command.Idle);
            result.Error = Read(Register.Error);
            result.Coll = Read(Register.Coll);
            result.LastBits = (byte)(Read(Register.Control) & 0x07);
            int level = Read(Register.FifoLevel);
            result.Data = level == 0 ? new byte[0] : ReadFifo(level);
            return result;
        }

        public Result TransceiveWithCrc(params byte[] payload)
        {
            var frame = new byte[payload.Length + 2];
            Array.Copy(payload, frame, payload.Length);
            CrcA.Append(frame, 0, payload.Length);
            return Transceive(frame);
        }

        public Result Reqa() => Transceive(new byte[] { 0x26 }, txLastBits: 7);
        public Result Wupa() => Transceive(new byte[] { 0x52 }, txLastBits: 7);

        public Result Hlta() => TransceiveWithCrc(0x50, 0x00);

        /// <summary>
        /// Full bit-level anticollision + SELECT over all cascade levels with ValuesAfterColl = 0, choosing the
        /// 1 branch at each collision (ISO/IEC 14443-3 §6.4.3). Returns the UID or null; SAK in <paramref name="sak"/>.
        /// </summary>
        public byte[] Select(out byte sak, out int collisions)
        {
            sak = 0;
            collisions = 0;
            Write(Register.Coll, 0x00);
            var uid = new List<byte>();
            for (int level = 1; level <= 3; level++)
            {
                byte sel = (byte)(level == 1 ? 0x93 : level == 2 ? 0x95 : 0x97);
                var cln = new byte[5];
                int known = 0;
                while (true)
                {
                    int fullBytes = known / 8, extra = known % 8;
                    var frame = new byte[2 + fullBytes + (extra > 0 ? 1 : 0)];
                    frame[0] = sel;
                    frame[1] = (byte)(((2 + fullBytes) << 4) | extra);
                    Array.Copy(cln, 0, frame, 2, fullBytes + (extra > 0 ? 1 : 0));
                    var r = Transceive(frame, extra, extra);
                    if (r.Data.Length == 0)
                    {
                        return null;
                    }
                    // Merge received bits: FIFO byte 0 continues cln[fullBytes] from bit "extra".
                    for (int i = 0; i < r.Data.Length && fullBytes + i < 5; i++)
                    {
                        byte mask = (byte)(i == 0 ? (0xFF << extra) & 0xFF : 0xFF);
                        cln[fullBytes + i] = (byte)((cln[fullBytes + i] & ~mask) | (r.Data[i] & mask));
                    }

                    if ((r.Error & Mfrc522Simulator.CollErr) == 0)
                    {
                        if ((r.Error & 0x13) != 0)
                        {
                            return null;
                        }

                        break;
                    }

                    collisions++;
                    if ((r.Coll & 0x20) != 0)
                    {
                        return null;
                    }

                    int position = r.Coll & 0x1F;
                    if (position == 0)
                    {
                        position = 32;
                    }
                    // CollPos counts from bit 0 of the first FIFO byte, i.e. from bit fullBytes*8 of UID CLn.
                    int collidedBit = fullBytes * 8 + position - 1;
                    cln[collidedBit / 8] |= (byte)(1 << (collidedBit % 8));
                    known = collidedBit + 1;
                    if (known >= 40)
                    {
                        return null;
                    }
                }

                if ((cln[0] ^ cln[1] ^ cln[2] ^ cln[3]) != cln[4])
                {
                    return null;
                }

                var select = TransceiveWithCrc(sel, 0x70, cln[0], cln[1], cln[2], cln[3], cln[4]);
                if (select.Data.Length != 3 || !CrcA.Check(select.Data, 0, 3))
                {
                    return null;
                }

                sak = select.Data[0];
                if ((sak & 0x04) != 0)
                {
                    uid.AddRange(new[] { cln[1], cln[2], cln[3] });
                    continue;
                }

                uid.AddRange(new[] { cln[0], cln[1], cln[2], cln[3] });
                return uid.ToArray();
            }

            return null;
        }

        /// <summary>MFAuthent per §10.3.1.9, waiting for IdleIRq or TimerIRq. True when MFCrypto1On is set.</summary>
        public bool Authenticate(byte keyCommand, byte block, byte[] key, byte[] uid)
        {
            Write(Register.Command, Command.Idle);
            Write(Register.ComIrq, 0x7F);
            Write(Register.FifoLevel, 0x80);
            var p = new byte[12];
            p[0] = keyCommand;
            p[1] = block;
            Array.Copy(key, 0, p, 2, 6);
            Array.Copy(uid, uid.Length - 4, p, 8, 4);
            Write(Register.FifoData, p);
            Write(Register.Command, Command.MfAuthent);
            for (int i = 0; i < 1000; i++)
            {
                byte irq = Read(Register.ComIrq);
                if ((irq & (Mfrc522Simulator.IdleIrq | Mfrc522Simulator.TimerIrq)) != 0)
                {
                    break;
                }
            }

            Write(Register.Command, Command.Idle);
            return (Read(Register.Status2) & Mfrc522Simulator.MfCrypto1On) != 0;
        }

        public static readonly byte[] DefaultKey = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
    }
}
