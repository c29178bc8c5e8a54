using System;
using System.Globalization;
using System.Text;

namespace LeoCarte.Simulator
{
    /// <summary>
    /// What the simulated chip saw the driver do: SPI transfers and bytes, register traffic, chip commands,
    /// RF frames, GPIO reads and delays. Snapshot before an operation, subtract after
    /// (<see cref="CostSnapshot.Minus"/>) or <see cref="Reset"/> between benchmark rows.
    /// </summary>
    public sealed class CostCounters
    {
        private readonly Func<long> clock;
        private long resetAtNs;

        internal CostCounters(Func<long> clock) { this.clock = clock; }

        /// <summary>Chip selects (one <c>Transfer</c> call = one transfer).</summary>
        public long Transfers;
        /// <summary>Bytes clocked over SPI (address bytes included).</summary>
        public long Bytes;
        public long ReadTransfers;
        public long WriteTransfers;
        /// <summary>Register values returned to the host (a burst read of n registers counts n).</summary>
        public long RegisterReads;
        /// <summary>Register values written by the host (a burst write of n bytes counts n).</summary>
        public long RegisterWrites;
        public long FifoBytesWritten;
        public long FifoBytesRead;
        /// <summary>Reader → card frames sent on the air.</summary>
        public long RfFramesSent;
        /// <summary>Card → reader frames received (a collision of several answers counts once).</summary>
        public long RfFramesReceived;
        /// <summary>Air time of all frames both ways, nanoseconds.</summary>
        public long RfAirNs;
        public long GpioReads;
        public long Delays;
        public long DelayNs;
        /// <summary>SPI time (transfer overhead + bits) spent, nanoseconds.</summary>
        public long SpiNs;
        /// <summary>
        /// Managed bytes the simulator itself allocated on the calling thread inside Transfer/IrqAsserted/Delay
        /// (GC.GetAllocatedBytesForCurrentThread). A driver allocation benchmark subtracts it from its own
        /// measurement so that only the driver's allocations remain.
        /// </summary>
        public long SimulatorAllocatedBytes;
        /// <summary>Transfers per register address (index = register 0x00..0x3F), reads and writes together.</summary>
        public readonly long[] TransfersPerRegister = new long[64];
        /// <summary>Chip commands started, by command code (index 0x0..0xF).</summary>
        public readonly long[] CommandsStarted = new long[16];

        /// <summary>Model time elapsed since the last <see cref="Reset"/> (or construction), nanoseconds.</summary>
        public long ElapsedNs => this.clock() - resetAtNs;

        /// <summary>Zeroes every counter and restarts <see cref="ElapsedNs"/>.</summary>
        public void Reset()
        {
            Transfers = Bytes = ReadTransfers = WriteTransfers = RegisterReads = RegisterWrites = 0;
            FifoBytesWritten = FifoBytesRead = RfFramesSent = RfFramesReceived = RfAirNs = 0;
            GpioReads = Delays = DelayNs = SpiNs = SimulatorAllocatedBytes = 0;
            Array.Clear(TransfersPerRegister);
            Array.Clear(CommandsStarted);
            resetAtNs = this.clock();
        }

        /// <summary>An immutable copy of the counters now.</summary>
        public CostSnapshot Snapshot() => new CostSnapshot(
            Transfers, Bytes, ReadTransfers, WriteTransfers, RegisterReads, RegisterWrites, FifoBytesWritten,
            FifoBytesRead, RfFramesSent, RfFramesReceived, RfAirNs, GpioReads, Delays, DelayNs, SpiNs,
            ElapsedNs, (long[])TransfersPerRegister.Clone(), (long[])CommandsStarted.Clone());

        /// <inheritdoc />
        public override string ToString() => Snapshot().ToString();
    }

    /// <summary>A frozen copy of <see cref="CostCounters"/>; subtract two to cost an operation.</summary>
    public sealed class CostSnapshot
    {
        public readonly long Transfers, Bytes, ReadTransfers, WriteTransfers, RegisterReads, RegisterWrites;
        public readonly long FifoBytesWritten, FifoBytesRead, RfFramesSent, RfFramesReceived, RfAirNs;
        public readonly long GpioReads, Delays, DelayNs, SpiNs, ElapsedNs;
        public readonly long[] TransfersPerRegister;
        public readonly long[] CommandsStarted;

        internal CostSnapshot(long transfers, long bytes, long readTransfers, long writeTransfers, long registerReads,
            long registerWrites, long fifoBytesWritten, long fifoBytesRead, long rfFramesSent, long rfFramesReceived,
            long rfAirNs, long gpioReads, long delays, long delayNs, long spiNs, long elapsedNs,
            long[] transfersPerRegister, long[] commandsStarted)
        {
            Transfers = transfers; Bytes = bytes; ReadTransfers = readTransfers; WriteTransfers = writeTransfers;
            RegisterReads = registerReads; RegisterWrites = registerWrites; FifoBytesWritten = fifoBytesWritten;
            FifoBytesRead = fifoBytesRead; RfFramesSent = rfFramesSent; RfFramesReceived = rfFramesReceived;
            RfAirNs = rfAirNs; GpioReads = gpioReads; Delays = delays; DelayNs = delayNs; SpiNs = spiNs;
            ElapsedNs = elapsedNs; TransfersPerRegister = transfersPerRegister; CommandsStarted = commandsStarted;
        }

        /// <summary>Model time in milliseconds.</summary>
        public double ElapsedMs => ElapsedNs / 1_000_000.0;

        /// <summary>This snapshot minus an earlier one: the cost of what happened in between.</summary>
        public CostSnapshot Minus(CostSnapshot earlier)
        {
            var perRegister = new long[64];
            for (int i = 0; i < 64; i++)
            {
                perRegister[i] = TransfersPerRegister[i] - earlier.TransfersPerRegister[i];
            }

            var commands = new long[16];
            for (int i = 0; i < 16; i++)
            {
                commands[i] = CommandsStarted[i] - earlier.CommandsStarted[i];
            }

            return new CostSnapshot(Transfers - earlier.Transfers, Bytes - earlier.Bytes,
                ReadTransfers - earlier.ReadTransfers, WriteTransfers - earlier.WriteTransfers,
                RegisterReads - earlier.RegisterReads, RegisterWrites - earlier.RegisterWrites,
                FifoBytesWritten - earlier.FifoBytesWritten, FifoBytesRead - earlier.FifoBytesRead,
                RfFramesSent - earlier.RfFramesSent, RfFramesReceived - earlier.RfFramesReceived,
                RfAirNs - earlier.RfAirNs, GpioReads - earlier.GpioReads, Delays - earlier.Delays,
                DelayNs - earlier.DelayNs, SpiNs - earlier.SpiNs, ElapsedNs - earlier.ElapsedNs, perRegister, commands);
        }

        /// <summary>One line: transfers / bytes / modeled ms and the breakdown.</summary>
        public override string ToString()
        {
            var ci = CultureInfo.InvariantCulture;
            var sb = new StringBuilder();
            sb.Append(ci, $"{Transfers} transfers, {Bytes} bytes ({ReadTransfers} read / {WriteTransfers} write), ");
            sb.Append(ci, $"{ElapsedMs:0.000} ms modeled (SPI {SpiNs / 1e6:0.000} ms, RF air {RfAirNs / 1e6:0.000} ms, ");
            sb.Append(ci, $"delays {DelayNs / 1e6:0.000} ms), {RfFramesSent} RF frames out / {RfFramesReceived} in");
            if (GpioReads > 0)
            {
                sb.Append(ci, $", {GpioReads} IRQ-pin reads");
            }

            return sb.ToString();
        }

        /// <summary>Chip commands started, e.g. "Transceive×3 CalcCRC×5".</summary>
        public string CommandBreakdown()
        {
            var sb = new StringBuilder();
            for (int i = 0; i < 16; i++)
            {
                if (CommandsStarted[i] == 0)
                {
                    continue;
                }

                if (sb.Length > 0)
                {
                    sb.Append(' ');
                }

                sb.Append(ChipCommandNames.Name(i)).Append('×').Append(CommandsStarted[i]);
            }
            return sb.ToString();
        }
    }

    internal static class ChipCommandNames
    {
        public static string Name(int command) => command switch
        {
            0x0 => "Idle", 0x1 => "Mem", 0x2 => "GenerateRandomID", 0x3 => "CalcCRC", 0x4 => "Transmit",
            0x7 => "NoCmdChange", 0x8 => "Receive", 0xC => "Transceive", 0xE => "MFAuthent", 0xF => "SoftReset",
            _ => "Reserved" + command.ToString("X", CultureInfo.InvariantCulture),
        };
    }
}
