namespace LeoCarte.Drivers.Mfrc522
{
    /// <summary>
    /// The MFRC522's SPI seam: one full-duplex transfer of <c>length</c> bytes under one chip select
    /// (MFRC522 datasheet §8.1.2). Byte 0 of <c>tx</c> is an address byte: bit 7 = 1 read / 0 write, bits 6..1
    /// the register address, bit 0 = 0. A write transfer is the address followed by data bytes (to the FIFO
    /// they are a burst); a read transfer repeats address bytes and ends with 0x00, and <c>rx[i + 1]</c> holds
    /// the register named by <c>tx[i]</c>, so several registers (or the FIFO repeatedly) can be read in one
    /// transfer.
    /// The device adapter wraps nanoFramework's SpiDevice (Drivers/Device); the host simulator implements
    /// the same interface at register level. Implementations count nothing and allocate nothing per call.
    /// </summary>
    public interface IRegisterBus
    {
        /// <summary>Clocks out tx[0..length) and stores the bytes clocked in at the same time in rx[0..length).</summary>
        void Transfer(byte[] tx, byte[] rx, int length);
    }

    /// <summary>The MFRC522's two control lines besides SPI: NRSTPD (hard reset / power-down) and IRQ.</summary>
    public interface IReaderPins
    {
        /// <summary>Drives NRSTPD: false holds the chip in hard power-down, true lets it run (datasheet §8.8.1).</summary>
        void SetResetHigh(bool high);

        /// <summary>True while the IRQ line signals a pending enabled interrupt (polarity handled by the adapter).</summary>
        bool IrqAsserted { get; }

        /// <summary>Milliseconds from a monotonic source, used only to bound waits; never wall-clock time.</summary>
        long MonotonicMilliseconds { get; }

        /// <summary>Lets time pass (Thread.Sleep on the device; the simulator advances its model clock).</summary>
        void Delay(int milliseconds);
    }
}
