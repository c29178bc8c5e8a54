using System;
using System.Device.Spi;

namespace LeoCarte.Simulator.IotBinding
{
    /// <summary>
    /// A <see cref="SpiDevice"/> over the simulator, so third-party MFRC522 drivers written against
    /// System.Device (the .NET IoT binding <c>Iot.Device.Mfrc522.MfRc522</c>) run on the same model as ours:
    /// <c>new MfRc522(new SimulatedSpiDevice(sim))</c>, then read <c>sim.Costs</c>.
    /// Each call is one chip select, i.e. one <see cref="Mfrc522Simulator.Transfer"/>: the counters compare
    /// drivers transfer for transfer. Reusable by benchmarks (binding vs ours side by side).
    /// </summary>
    public sealed class SimulatedSpiDevice : SpiDevice
    {
        private readonly Mfrc522Simulator chip;
        private byte[] tx = new byte[64];
        private byte[] rx = new byte[64];

        public SimulatedSpiDevice(Mfrc522Simulator chip, SpiConnectionSettings settings = null)
        {
            this.chip = chip ?? throw new ArgumentNullException(nameof(chip));
            ConnectionSettings = settings ?? new SpiConnectionSettings(0, 0)
            {
                ClockFrequency = 10_000_000,
                Mode = SpiMode.Mode0,
            };
        }

        public Mfrc522Simulator Chip => this.chip;

        public override SpiConnectionSettings ConnectionSettings { get; }

        public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
        {
            if (readBuffer.Length < writeBuffer.Length)
            {
                throw new ArgumentException("readBuffer must be at least as long as writeBuffer.");
            }

            int length = writeBuffer.Length;
            EnsureCapacity(length);
            writeBuffer.CopyTo(tx);
            this.chip.Transfer(tx, rx, length);
            rx.AsSpan(0, length).CopyTo(readBuffer);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int length = buffer.Length;
            EnsureCapacity(length);
            buffer.CopyTo(tx);
            this.chip.Transfer(tx, rx, length);
        }

        public override void WriteByte(byte value)
        {
            tx[0] = value;
            this.chip.Transfer(tx, rx, 1);
        }

        public override void Read(Span<byte> buffer)
        {
            // A read without data to send clocks out zeros (an address byte of 00h: a write to register 0).
            int length = buffer.Length;
            EnsureCapacity(length);
            Array.Clear(tx, 0, length);
            this.chip.Transfer(tx, rx, length);
            rx.AsSpan(0, length).CopyTo(buffer);
        }

        public override byte ReadByte()
        {
            tx[0] = 0;
            this.chip.Transfer(tx, rx, 1);
            return rx[0];
        }

        private void EnsureCapacity(int length)
        {
            if (tx.Length < length)
            {
                tx = new byte[length];
                rx = new byte[length];
            }
        }
    }
}
