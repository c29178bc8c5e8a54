using System;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.NanoApp
{
    /// <summary>
    /// Micro measurements of one RF exchange on nanoCLR (<see cref="NanoOp.ExchangeMicro"/>: a = which, b = repetitions,
    /// c = mode): the chip driver and the ISO/IEC 14443 layers over <see cref="MicroChipFake"/>, a register fake that
    /// answers the status read and the FIFO read from a script and asserts the IRQ line at once (so no IRQ spinning is
    /// counted, as in the benchmark's "additive" figures). Every run does the same setup and two warm-up operations
    /// (the chip's cached registers are then in their steady state), the second one logged; mode 0 then runs the operation
    /// b times, mode 1 replays the warm-up's logged fake calls b times without the driver, mode 2 runs the same replay
    /// loops without calling the fake. Driver IL per operation = (mode 0 (b) − mode 0 (0) − (mode 1 (b) − mode 2 (b))) / b.
    /// </summary>
    public static class ExchangeMicro
    {
        /// <summary>Mfrc522Chip.Transceive of a 1-byte short frame (7 bits) answered by 2 bytes: the chip layer alone.</summary>
        public const int ChipTransceive = 1;

        /// <summary>Iso14443TypeA.RequestA: REQA, ATQA 44 00.</summary>
        public const int RequestA = 2;

        /// <summary>Iso14443TypeA.Select of a 4-byte UID: one cascade level, ANTICOLLISION + SELECT (software CRC_A both ways).</summary>
        public const int SelectLevel = 3;

        /// <summary>IsoDep.Exchange of a 9-byte APDU (DESFire SelectApplication wrapped ISO 7816-4) answered by one I-block 91 00.</summary>
        public const int IsoDepBlock = 4;

        /// <summary>Iso14443TypeA.Halt (HLTA: success is silence, so the exchange ends on the chip timer).</summary>
        public const int Halt = 5;

        public const int Count = 5;

        public static string Name(int which)
        {
            switch (which)
            {
                case ChipTransceive: return "Transceive 1-byte frame, 2-byte answer";
                case RequestA: return "REQA (RequestA)";
                case SelectLevel: return "anticollision + select, 1 cascade level";
                case IsoDepBlock: return "IsoDep I-block exchange (9 B -> 91 00)";
                case Halt: return "HLTA (timeout = success)";
                default: return "?";
            }
        }

        public static void Run(int which, int repetitions, int mode)
        {
            var fake = new MicroChipFake();
            var chip = new Mfrc522Chip(fake, fake, new Mfrc522Options());
            var typeA = new Iso14443TypeA(chip);
            var isoDep = new IsoDep(chip);
            var card = new CardIdentity();
            var ats = new AtsInfo();
            ats.Clear();
            var frame = new byte[] { Iso14443TypeA.ReqA };
            var response = new byte[64];
            var apdu = new byte[] { 0x90, 0x5A, 0x00, 0x00, 0x03, 0x21, 0x43, 0x65, 0x00 };
            Script(fake, which, chip, isoDep, ats);

            // A first warm-up brings the cached registers (timer reload, BitFraming, the running command, FIFO state) to
            // their steady state; the second one is logged, and is what every repetition does.
            Once(which, chip, typeA, isoDep, card, frame, response, apdu);
            long transfersBefore = chip.Transfers;
            long bytesBefore = chip.TransferredBytes;
            fake.Logging = true;
            ReaderResult first = Once(which, chip, typeA, isoDep, card, frame, response, apdu);
            fake.Logging = false;
            Console.WriteLine("exchange micro " + which.ToString() + ": " + (first == ReaderResult.Ok ? "Ok" : "FAILED " + ((int)first).ToString())
                + ", transfers " + (chip.Transfers - transfersBefore).ToString() + ", bytes " + (chip.TransferredBytes - bytesBefore).ToString()
                + ", fake calls " + fake.LogLength.ToString());

            if (mode == 0)
            {
                for (int i = 0; i < repetitions; i++)
                {
                    Once(which, chip, typeA, isoDep, card, frame, response, apdu);
                }
            }
            else
            {
                fake.Replay(repetitions, mode == 1);
            }
        }

        private static ReaderResult Once(int which, Mfrc522Chip chip, Iso14443TypeA typeA, IsoDep isoDep, CardIdentity card, byte[] frame, byte[] response, byte[] apdu)
        {
            switch (which)
            {
                case ChipTransceive:
                    return chip.Transceive(frame, 0, 1, 7, 0, 20, response, 0, response.Length);
                case RequestA:
                    return typeA.RequestA(card);
                case SelectLevel:
                    return typeA.Select(card);
                case IsoDepBlock:
                    int length;
                    return isoDep.Exchange(apdu, 0, apdu.Length, response, 0, response.Length, out length);
                case Halt:
                    return typeA.Halt();
                default:
                    return ReaderResult.InvalidArgument;
            }
        }

        private static void Script(MicroChipFake fake, int which, Mfrc522Chip chip, IsoDep isoDep, AtsInfo ats)
        {
            switch (which)
            {
                case ChipTransceive:
                case RequestA:
                    fake.AddAnswer(new byte[] { 0x44, 0x00 }, 2);
                    break;
                case SelectLevel:
                    fake.AddAnswer(new byte[] { 0x04, 0xA1, 0xB2, 0xC3, (byte)(0x04 ^ 0xA1 ^ 0xB2 ^ 0xC3) }, 5);
                    var sak = new byte[] { 0x08, 0, 0 };
                    CrcA.Append(sak, 0, 1);
                    fake.AddAnswer(sak, 3);
                    break;
                case IsoDepBlock:
                    chip.SetHardwareCrc(true);
                    isoDep.Begin(ats);
                    fake.AddAnswer(new byte[] { 0x02, 0x91, 0x00 }, 3);
                    fake.AddAnswer(new byte[] { 0x03, 0x91, 0x00 }, 3);
                    break;
                case Halt:
                    chip.SetHardwareCrc(true);
                    fake.AddSilence();
                    break;
            }
        }
    }

    /// <summary>
    /// The MFRC522 as far as one exchange needs it: the pipelined status read (ComIrq, Error, Status2, FIFOLevel, Control,
    /// Coll) and the FIFO read answer from the current scripted answer; a BitFramingReg write with StartSend moves to the
    /// next answer (cyclically); every other read returns 0. The IRQ line is always asserted and the clock stands still.
    /// With <see cref="Logging"/> it keeps the calls it receives so they can be replayed without the driver.
    /// </summary>
    public sealed class MicroChipFake : IRegisterBus, IReaderPins
    {
        private const int KindTransfer = 0;
        private const int KindIrq = 1;
        private const int KindClock = 2;

        private readonly byte[][] answers = new byte[4][];
        private readonly byte[] answerStatus = new byte[4 * 6];
        private int answerCount;
        private int next;
        private int current;

        private readonly int[] logKind = new int[256];
        private readonly int[] logLength = new int[256];
        private readonly byte[] logTx0 = new byte[256];
        private readonly byte[] logTx1 = new byte[256];
        private int logged;

        public bool Logging;

        public int LogLength => logged;

        public void AddAnswer(byte[] data, int length)
        {
            int s = answerCount * 6;
            answers[answerCount] = data;
            answerStatus[s] = 0x20; // RxIRq
            answerStatus[s + 3] = (byte)length;
            answerCount++;
        }

        public void AddSilence()
        {
            int s = answerCount * 6;
            answers[answerCount] = new byte[0];
            answerStatus[s] = 0x01; // TimerIRq: nothing heard
            answerCount++;
        }

        public void Transfer(byte[] tx, byte[] rx, int length)
        {
            if (Logging)
            {
                Log(KindTransfer, length, tx[0], length > 1 ? tx[1] : (byte)0);
            }

            byte address = tx[0];
            if (address == 0x88)
            {
                Array.Copy(answerStatus, current * 6, rx, 1, 6);
            }
            else if (address == 0x92)
            {
                Array.Copy(answers[current], 0, rx, 1, length - 1);
            }
            else if (address == 0x1A && (tx[1] & 0x80) != 0)
            {
                current = next;
                next = next + 1 == answerCount ? 0 : next + 1;
            }
        }

        private void Log(int kind, int length, byte tx0, byte tx1)
        {
            if (logged < logKind.Length)
            {
                logKind[logged] = kind;
                logLength[logged] = length;
                logTx0[logged] = tx0;
                logTx1[logged] = tx1;
                logged++;
            }
        }

        /// <summary>Calls the fake as the logged warm-up did, <paramref name="repetitions"/> times (or only runs the loops).</summary>
        public void Replay(int repetitions, bool call)
        {
            var tx = new byte[80];
            var rx = new byte[80];
            for (int r = 0; r < repetitions; r++)
            {
                for (int i = 0; i < logged; i++)
                {
                    int kind = logKind[i];
                    if (kind == KindTransfer)
                    {
                        tx[0] = logTx0[i];
                        tx[1] = logTx1[i];
                        if (call)
                        {
                            Transfer(tx, rx, logLength[i]);
                        }
                    }
                    else if (kind == KindIrq)
                    {
                        if (call)
                        {
                            bool unused = IrqAsserted;
                        }
                    }
                    else if (call)
                    {
                        long unused = MonotonicMilliseconds;
                    }
                }
            }
        }

        public void SetResetHigh(bool high)
        {
        }

        public bool IrqAsserted
        {
            get
            {
                if (Logging)
                {
                    Log(KindIrq, 0, 0, 0);
                }

                return true;
            }
        }

        public long MonotonicMilliseconds
        {
            get
            {
                if (Logging)
                {
                    Log(KindClock, 0, 0, 0);
                }

                return 0;
            }
        }

        public void Delay(int milliseconds)
        {
        }
    }
}
