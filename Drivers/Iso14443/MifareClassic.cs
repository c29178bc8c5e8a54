using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Iso14443
{
    /// <summary>Which sector key MIFARE Classic authentication uses (MF1S50 datasheet §10.1).</summary>
    public enum MifareKeyType : byte
    {
        KeyA = 0x60,
        KeyB = 0x61,
    }

    /// <summary>
    /// MIFARE Classic (1K, 4K, Mini) commands on a selected card: authenticate (the MFRC522's MFAuthent runs
    /// Crypto1), READ and WRITE of one 16-byte block with the 4-bit ACK checked (NXP MF1S50 datasheet §10).
    /// Frames run with the chip's CRC_A; call <see cref="EndSession"/> after each card so Crypto1 is off before
    /// the next one (Status2Reg.MFCrypto1On, MFRC522 datasheet §9.3.1.9). No allocation after construction.
    /// </summary>
    public sealed class MifareClassic
    {
        public const int BlockSize = 16;
        public const int KeySize = 6;
        private const byte ReadCommand = 0x30;
        private const byte WriteCommand = 0xA0;

        /// <summary>The 4-bit acknowledge (MF1S50 §9.3); every other 4-bit value is a NAK.</summary>
        private const byte Ack = 0x0A;

        private readonly Mfrc522Chip chip;
        private readonly byte[] frame = new byte[BlockSize + 2];
        private readonly byte[] answer = new byte[BlockSize + 4];

        public MifareClassic(Mfrc522Chip chip)
        {
            this.chip = chip;
        }

        /// <summary>True between a successful <see cref="Authenticate"/> and <see cref="EndSession"/>.</summary>
        public bool SessionOpen => sessionOpen;

        // Read by CardReader at every poll (nanoCLR does not inline a property).
        internal bool sessionOpen;

        /// <summary>The 4-bit answer of the last NAK (0x0..0xF without 0xA), for diagnostics.</summary>
        public int LastNak { get; private set; }

        /// <summary>
        /// Authenticates <paramref name="block"/>'s sector with a 6-byte key. The UID bytes used are the last four
        /// of the UID (for 7-byte UIDs, the cascade level 2 bytes: NXP AN10927 §3).
        /// </summary>
        public ReaderResult Authenticate(MifareKeyType keyType, int block, byte[] key, int keyOffset, CardIdentity card)
        {
            if (block < 0 || block > 255 || key == null || keyOffset < 0 || key.Length - keyOffset < KeySize || card.UidLength < 4)
            {
                return ReaderResult.InvalidArgument;
            }

            frame[0] = (byte)keyType;
            frame[1] = (byte)block;
            for (int i = 0; i < KeySize; i++)
            {
                frame[2 + i] = key[keyOffset + i];
            }

            int uidStart = card.UidLength - 4;
            for (int i = 0; i < 4; i++)
            {
                frame[8 + i] = card.Uid[uidStart + i];
            }

            // MFAuthent frames its own CRC; the chip's TxCRCEn stays off as for the anticollision phase.
            chip.SetHardwareCrc(false);
            ReaderResult result = chip.Authenticate(frame, 0, chip.Options.MediumTimeoutTicks);
            sessionOpen = result == ReaderResult.Ok;
            return result;
        }

        /// <summary>READ (MF1S50 §10.2): 16 bytes into <paramref name="destination"/> at <paramref name="offset"/>.
        /// Nak when the card refuses (not authenticated for this sector, or access conditions forbid it).</summary>
        public ReaderResult ReadBlock(int block, byte[] destination, int offset)
        {
            if (block < 0 || block > 255 || destination == null || offset < 0 || destination.Length - offset < BlockSize)
            {
                return ReaderResult.InvalidArgument;
            }

            chip.SetHardwareCrc(true);
            frame[0] = ReadCommand;
            frame[1] = (byte)block;
            ReaderResult result = chip.TransceiveFrame(frame, 0, 2, 0x00, chip.options.ShortTimeoutTicks, answer, 0, answer.Length);
            if (result != ReaderResult.Ok)
            {
                return result;
            }

            if (IsFourBitAnswer())
            {
                LastNak = answer[0] & 0x0F;
                return ReaderResult.Nak;
            }

            // 16 data bytes; the chip checked CRC_A and may leave its two bytes in the FIFO.
            int length = chip.responseLength;
            if ((length != BlockSize && length != BlockSize + 2) || chip.responseLastBits != 0)
            {
                return ReaderResult.Protocol;
            }

            System.Array.Copy(answer, 0, destination, offset, BlockSize);
            return ReaderResult.Ok;
        }

        /// <summary>
        /// WRITE (MF1S50 §10.3), two phases each acknowledged by the card with a 4-bit ACK: the command with the
        /// block address, then the 16 data bytes (long timeout: the card programs its EEPROM before answering).
        /// A NAK in either phase is reported as <see cref="ReaderResult.Nak"/>, never as success.
        /// </summary>
        public ReaderResult WriteBlock(int block, byte[] data, int offset)
        {
            if (block <= 0 || block > 255 || data == null || offset < 0 || data.Length - offset < BlockSize)
            {
                // Block 0 (manufacturer block) is read-only on genuine cards; refuse before touching the card.
                return ReaderResult.InvalidArgument;
            }

            chip.SetHardwareCrc(true);
            frame[0] = WriteCommand;
            frame[1] = (byte)block;
            ReaderResult result = ExpectAck(2, chip.options.ShortTimeoutTicks);
            if (result != ReaderResult.Ok)
            {
                return result;
            }

            for (int i = 0; i < BlockSize; i++)
            {
                frame[i] = data[offset + i];
            }

            return ExpectAck(BlockSize, chip.options.LongTimeoutTicks);
        }

        private ReaderResult ExpectAck(int count, int timeout)
        {
            ReaderResult result = chip.TransceiveFrame(frame, 0, count, 0x00, timeout, answer, 0, answer.Length);
            if (result != ReaderResult.Ok)
            {
                return result;
            }

            if (!IsFourBitAnswer())
            {
                return ReaderResult.Protocol;
            }

            if ((answer[0] & 0x0F) != Ack)
            {
                LastNak = answer[0] & 0x0F;
                return ReaderResult.Nak;
            }

            return ReaderResult.Ok;
        }

        private bool IsFourBitAnswer() => chip.ResponseLength == 1 && chip.ResponseLastBits == 4;

        /// <summary>Switches Crypto1 off (one register write) whether or not authentication succeeded: a failed
        /// MFAuthent can leave the cipher half-initialised.</summary>
        public void EndSession()
        {
            chip.StopCrypto1();
            sessionOpen = false;
        }
    }
}
