namespace LeoCarte.Drivers.Mdb
{
    /// <summary>
    /// The physical MDB port as the link layer sees it: 9-bit words at 9600 baud (ICP/MDB 4.2 §2.1: 1 start bit,
    /// 8 data bits, 1 mode bit, 1 stop bit). Implemented by the device adapter (a co-processor that speaks 9-bit MDB,
    /// see hardware/mdb.md) and by the host's vending-machine-controller simulator. Never blocks.
    /// </summary>
    public interface IMdbUart
    {
        /// <summary>
        /// The next word received from the VMC, oldest first: bits 0–7 data, bit 8 (<see cref="MdbWord.ModeBit"/>)
        /// the mode bit (set on the address byte of a VMC block), or <see cref="MdbWord.BusReset"/> for a break
        /// (the VMC held its transmit line active ≥ 100 ms, §2.4 "Bus Reset"). The time the word's stop bit ended, in
        /// microseconds of a monotonic clock, times the inter-byte and response limits. False when nothing is waiting.
        /// </summary>
        bool TryRead(out int word, out long receivedAtMicroseconds);

        /// <summary>
        /// Sends a peripheral block: <paramref name="count"/> bytes, the mode bit set on the last one only (§2.2: the
        /// peripheral marks its last byte — the CHK of a data block, or a lone ACK/NAK).
        /// </summary>
        void Write(byte[] data, int offset, int count);
    }

    /// <summary>9-bit word constants (ICP/MDB 4.2 §2.2).</summary>
    public static class MdbWord
    {
        /// <summary>The 9th bit: VMC → peripheral it marks an address byte; peripheral → VMC the last byte of a block.</summary>
        public const int ModeBit = 0x100;

        /// <summary>Not a byte: the adapter saw a bus reset (break), §2.4.</summary>
        public const int BusReset = 0x200;

        /// <summary>Acknowledgement (checksum correct / data received).</summary>
        public const byte Ack = 0x00;

        /// <summary>Retransmit the previous data (VMC only).</summary>
        public const byte Ret = 0xAA;

        /// <summary>Negative acknowledgement.</summary>
        public const byte Nak = 0xFF;

        /// <summary>
        /// Duration of one word on the wire, rounded up: 11 bits (start, 8 data, mode, stop) at 9600 baud. Word times
        /// are taken at the stop bit's end, so the idle gap between two words is their time difference minus this.
        /// </summary>
        public const long WordMicroseconds = 1146;

        /// <summary>A block is at most 36 bytes including its CHK (§2.2).</summary>
        public const int MaxBlock = 36;

        /// <summary>8-bit sum of <paramref name="count"/> bytes (the CHK of a block is the sum of the bytes before it).</summary>
        public static byte Checksum(byte[] data, int offset, int count)
        {
            int sum = 0;
            for (int i = 0; i < count; i++)
            {
                sum += data[offset + i];
            }

            return (byte)sum;
        }
    }

    /// <summary>
    /// One MDB peripheral behind the link layer (e.g. the cashless device at 10h). The link layer calls it from the
    /// thread that services the UART, within the 5 ms response time: members must only parse and queue, never wait
    /// on storage or the network.
    /// </summary>
    public interface IMdbPeripheral
    {
        /// <summary>
        /// Length of the VMC block that starts with block[0..count) including its CHK, once the bytes received so far
        /// tell it; 0 while more bytes are needed to know; -1 for a command this peripheral does not know (the block
        /// is then ignored: silence, which the VMC treats as NAK, §2.2).
        /// </summary>
        int CommandLength(byte[] block, int count);

        /// <summary>True when the block (address byte first) is this peripheral's POLL.</summary>
        bool IsPoll(byte[] block);

        /// <summary>
        /// A complete, checksum-valid block. Writes the response data (without CHK) into <paramref name="reply"/> and
        /// returns its length; 0 answers ACK; -1 answers nothing.
        /// </summary>
        int OnCommand(byte[] block, int length, byte[] reply);

        /// <summary>A bus reset (break): the peripheral resets as for its RESET command.</summary>
        void OnBusReset();
    }
}
