using System;
using System.Collections.Generic;
using System.Device.Spi;
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Tools.ReaderBenchmark
{
    /// <summary>
    /// Records every transfer's bytes and every pin read of a run against a model (the simulator or a fake), so the
    /// run can be replayed by <see cref="ReplayBus"/>, which allocates nothing. A deterministic driver issues the
    /// same transfers on replay, so GC.GetAllocatedBytesForCurrentThread around a replay measures the driver alone,
    /// not the simulator.
    /// </summary>
    public sealed class RecordingBus : IRegisterBus, IReaderPins
    {
        private readonly IRegisterBus bus;
        private readonly IReaderPins pins;
        public readonly List<byte[]> Received = new List<byte[]>();
        public readonly List<byte[]> Sent = new List<byte[]>();
        public readonly List<bool> IrqReads = new List<bool>();
        public readonly List<long> ClockReads = new List<long>();

        public RecordingBus(IRegisterBus bus, IReaderPins pins)
        {
            this.bus = bus;
            this.pins = pins;
        }

        public void Transfer(byte[] tx, byte[] rx, int length)
        {
            bus.Transfer(tx, rx, length);
            Sent.Add(tx.AsSpan(0, length).ToArray());
            Received.Add(rx.AsSpan(0, length).ToArray());
        }

        public void SetResetHigh(bool high) => pins.SetResetHigh(high);

        public bool IrqAsserted
        {
            get
            {
                bool value = pins.IrqAsserted;
                IrqReads.Add(value);
                return value;
            }
        }

        public long MonotonicMilliseconds
        {
            get
            {
                long value = pins.MonotonicMilliseconds;
                ClockReads.Add(value);
                return value;
            }
        }

        public void Delay(int milliseconds) => pins.Delay(milliseconds);
    }

    /// <summary>Replays a <see cref="RecordingBus"/> without allocating; counts transfers that differ from the recording.</summary>
    public sealed class ReplayBus : IRegisterBus, IReaderPins
    {
        private readonly byte[][] received;
        private readonly byte[][] sent;
        private readonly bool[] irqReads;
        private readonly long[] clockReads;
        private int transfer;
        private int irq;
        private int clock;

        public ReplayBus(RecordingBus recording)
        {
            received = recording.Received.ToArray();
            sent = recording.Sent.ToArray();
            irqReads = recording.IrqReads.ToArray();
            clockReads = recording.ClockReads.ToArray();
        }

        public int Mismatches { get; private set; }
        public bool Exhausted { get; private set; }
        public int Position => transfer;

        public void Transfer(byte[] tx, byte[] rx, int length)
        {
            if (transfer >= received.Length)
            {
                Exhausted = true;
                Array.Clear(rx, 0, length);
                return;
            }

            byte[] expected = sent[transfer];
            if (expected.Length != length || expected[0] != tx[0])
            {
                Mismatches++;
            }

            Array.Copy(received[transfer], rx, Math.Min(length, received[transfer].Length));
            transfer++;
        }

        public void SetResetHigh(bool high)
        {
        }

        public bool IrqAsserted => irq < irqReads.Length ? irqReads[irq++] : true;

        public long MonotonicMilliseconds => clock < clockReads.Length ? clockReads[clock++] : 0;

        public void Delay(int milliseconds)
        {
        }
    }

    /// <summary>A System.Device <see cref="SpiDevice"/> over any <see cref="IRegisterBus"/> (one call = one transfer), so the
    /// .NET IoT binding can run over a recording or a replay of the simulator.</summary>
    public sealed class BusSpiDevice : SpiDevice
    {
        private readonly IRegisterBus bus;
        private byte[] tx = new byte[128];
        private byte[] rx = new byte[128];

        public BusSpiDevice(IRegisterBus bus)
        {
            this.bus = bus;
            ConnectionSettings = new SpiConnectionSettings(0, 0) { ClockFrequency = 10_000_000, Mode = SpiMode.Mode0 };
        }

        public override SpiConnectionSettings ConnectionSettings { get; }

        public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
        {
            int length = writeBuffer.Length;
            Ensure(length);
            writeBuffer.CopyTo(tx);
            bus.Transfer(tx, rx, length);
            rx.AsSpan(0, length).CopyTo(readBuffer);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Ensure(buffer.Length);
            buffer.CopyTo(tx);
            bus.Transfer(tx, rx, buffer.Length);
        }

        public override void WriteByte(byte value)
        {
            tx[0] = value;
            bus.Transfer(tx, rx, 1);
        }

        public override void Read(Span<byte> buffer)
        {
            Ensure(buffer.Length);
            Array.Clear(tx, 0, buffer.Length);
            bus.Transfer(tx, rx, buffer.Length);
            rx.AsSpan(0, buffer.Length).CopyTo(buffer);
        }

        public override byte ReadByte()
        {
            tx[0] = 0;
            bus.Transfer(tx, rx, 1);
            return rx[0];
        }

        private void Ensure(int length)
        {
            if (tx.Length < length)
            {
                tx = new byte[length];
                rx = new byte[length];
            }
        }
    }
}
