using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.NanoApp
{
    /// <summary>
    /// What the simulator answered at register level during one recorded run, as flat tables the nano app
    /// compiles in (Tools/InterpreterBenchmark writes them from a host run of the same script on the
    /// register-level MFRC522 simulator). Compact, because nanoFramework's metadata keeps array initializers in
    /// a table addressed with 16-bit offsets (a .pe with more than 64 KB of them fails to resolve).
    /// <see cref="Transfers"/> holds, per SPI transfer: its length n, the address byte the driver clocked out,
    /// a checksum of the n - 1 bytes after it (<see cref="Checksum"/>), and for a read (address bit 7 set) the n
    /// bytes the chip clocked back; a write clocks back zeros (the simulator's behaviour, checked when recording).
    /// <see cref="IrqReads"/> holds the IRQ line reads one bit each (bit i % 8 of byte i / 8),
    /// <see cref="ClockReads"/> the reader's monotonic milliseconds as the driver read them.
    /// </summary>
    public sealed class ReaderRecording
    {
        public readonly byte[] Transfers;
        public readonly byte[] IrqReads;
        public readonly int[] ClockReads;
        public readonly int TransferCount;

        public readonly int IrqReadCount;

        public ReaderRecording(byte[] transfers, byte[] irqReads, int irqReadCount, int[] clockReads, int transferCount)
        {
            Transfers = transfers;
            IrqReads = irqReads;
            IrqReadCount = irqReadCount;
            ClockReads = clockReads;
            TransferCount = transferCount;
        }

        /// <summary>Checksum of tx[1..length) as stored in the table (position-dependent, so swapped bytes differ).</summary>
        public static int Checksum(byte[] tx, int length)
        {
            int h = length;
            for (int i = 1; i < length; i++)
            {
                h = ((h * 31) + tx[i]) & 0xFF;
            }

            return h;
        }
    }

    /// <summary>
    /// The MFRC522 on the interpreter: replays a <see cref="ReaderRecording"/> to the unchanged driver. The driver
    /// is deterministic, so given the same answers it must issue the same transfers; with
    /// <see cref="VerifyTransmit"/> every byte it clocks out is compared with the recording and the first
    /// difference is kept (<see cref="FirstDivergence"/>): the run on the interpreter then did not follow the
    /// run on .NET. Allocates nothing per transfer.
    /// </summary>
    public sealed class ReplayBus : IRegisterBus, IReaderPins
    {
        private readonly ReaderRecording recording;
        private int position;
        private int transfer;
        private int irq;
        private int clock;
        private int lastClock;

        public ReplayBus(ReaderRecording recording, bool verifyTransmit)
        {
            this.recording = recording;
            VerifyTransmit = verifyTransmit;
            FirstDivergence = -1;
        }

        /// <summary>Compare every byte the driver sends with the recording (off in benchmarks: the comparison is the fake's cost, not the driver's).</summary>
        public bool VerifyTransmit;

        /// <summary>Index of the first transfer that differed from the recording (length, address or data), or -1.</summary>
        public int FirstDivergence;

        /// <summary>Transfers asked for after the recording ended (the driver did more than on .NET).</summary>
        public int Overruns;

        public int TransfersReplayed => transfer;
        public int IrqReadsReplayed => irq;
        public int ClockReadsReplayed => clock;

        public void Transfer(byte[] tx, byte[] rx, int length)
        {
            byte[] table = recording.Transfers;
            if (position >= table.Length)
            {
                Overruns++;
                for (int i = 0; i < length; i++)
                {
                    rx[i] = 0;
                }

                return;
            }

            int recorded = table[position];
            int address = table[position + 1];
            if (recorded != length || address != tx[0] || (VerifyTransmit && table[position + 2] != ReaderRecording.Checksum(tx, length)))
            {
                NoteDivergence();
            }

            position += 3;
            if ((address & 0x80) != 0)
            {
                System.Array.Copy(table, position, rx, 0, recorded < length ? recorded : length);
                position += recorded;
            }
            else
            {
                System.Array.Clear(rx, 0, length);
            }

            transfer++;
        }

        private void NoteDivergence()
        {
            if (FirstDivergence < 0)
            {
                FirstDivergence = transfer;
            }
        }

        public void SetResetHigh(bool high)
        {
        }

        public bool IrqAsserted
        {
            get
            {
                if (irq >= recording.IrqReadCount)
                {
                    Overruns++;
                    return true;
                }

                int i = irq++;
                return ((recording.IrqReads[i >> 3] >> (i & 7)) & 1) != 0;
            }
        }

        public long MonotonicMilliseconds
        {
            get
            {
                if (clock < recording.ClockReads.Length)
                {
                    lastClock = recording.ClockReads[clock++];
                }
                else
                {
                    Overruns++;
                }

                return lastClock;
            }
        }

        public void Delay(int milliseconds)
        {
        }
    }
}
