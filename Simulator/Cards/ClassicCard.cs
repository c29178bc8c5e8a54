namespace LeoCarte.Simulator.Cards
{
    /// <summary>
    /// MIFARE Classic Mini/1K/4K (NXP MF1S50yyX / MF1S70yyX): sectors with trailers holding key A, access bits
    /// and key B; READ (30h), WRITE (A0h, two parts, 4-bit ACK/NAK) with the access conditions checked.
    /// Authentication is done by the chip's MFAuthent command: the simulator models both sides, so it checks the
    /// key against the trailer directly and does not cipher frames with Crypto1 (frames in a session are plain).
    /// What is modeled of Crypto1 is its state: a card in a session only understands the chip while
    /// Status2Reg.MFCrypto1On is set, and a card without a session only understands the chip while it is clear.
    /// Value blocks (MF1S50 §8.6.2.1, §9.4): INCREMENT C1h, DECREMENT C0h, RESTORE C2h (ACK, then a 4-byte operand
    /// that is not acknowledged) into the card's transfer buffer, TRANSFER B0h writes it to a value block.
    /// </summary>
    public sealed partial class ClassicCard : VirtualCard
    {
        /// <summary>MF1S50 §9.3: ACK and NAK codes (4 bits).</summary>
        public const int Ack = 0xA;
        public const int NakInvalidOperation = 0x4;
        public const int NakTransmissionError = 0x5;

        public const byte CommandRead = 0x30;
        public const byte CommandWrite = 0xA0;
        public const byte CommandAuthA = 0x60;
        public const byte CommandAuthB = 0x61;
        public const byte CommandIncrement = 0xC1;
        public const byte CommandDecrement = 0xC0;
        public const byte CommandRestore = 0xC2;
        public const byte CommandTransfer = 0xB0;

        /// <summary>Transport configuration: keys FFFFFFFFFFFFh, access bits FF 07 80 (MF1S50 §8.7.1), GPB 69h.</summary>
        public static readonly byte[] TransportKey = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
        public static readonly byte[] TransportAccessBits = { 0xFF, 0x07, 0x80, 0x69 };

        public enum Layout { Mini, Classic1K, Classic4K }

        private readonly byte[] memory;
        private readonly bool[] sectorBlocked;
        private int authSector = -1;
        private bool authWithKeyB;
        private int pendingWriteBlock = -1;
        private int pendingValueBlock = -1;
        private byte pendingValueCommand;
        private bool transferBufferValid;
        private int transferBuffer;

        internal ClassicCard(byte[] uid, Layout layout)
            : base(uid, AtqaFor(uid, layout), SakFor(layout), KindFor(layout))
        {
            CardLayout = layout;
            BlockCount = layout == Layout.Mini ? 20 : layout == Layout.Classic1K ? 64 : 256;
            SectorCount = layout == Layout.Mini ? 5 : layout == Layout.Classic1K ? 16 : 40;
            this.memory = new byte[BlockCount * 16];
            sectorBlocked = new bool[SectorCount];
            FormatTransport();
        }

        public Layout CardLayout { get; }
        public int BlockCount { get; }
        public int SectorCount { get; }

        /// <summary>Sector currently authenticated (-1 when none).</summary>
        public int AuthenticatedSector => CryptoSession ? authSector : -1;

        /// <summary>Successful and failed authentications (for tests).</summary>
        public long Authentications { get; private set; }
        public long FailedAuthentications { get; private set; }

        /// <summary>Writes accepted (second part ACKed).</summary>
        public long Writes { get; private set; }

        private static ushort AtqaFor(byte[] uid, Layout layout)
        {
            // ATQA b7b8 = UID size (00 single, 01 double, 10 triple), low bits = bit frame anticollision (§6.4.2).
            ushort sizeBits = (ushort)(uid == null || uid.Length == 4 ? 0x00 : uid.Length == 7 ? 0x40 : 0x80);
            return (ushort)(sizeBits | (layout == Layout.Classic4K ? 0x02 : 0x04));
        }

        private static byte SakFor(Layout layout) => layout == Layout.Mini ? (byte)0x09 : layout == Layout.Classic1K ? (byte)0x08 : (byte)0x18;

        private static string KindFor(Layout layout) => layout == Layout.Mini ? "MIFARE Classic Mini" : layout == Layout.Classic1K ? "MIFARE Classic 1K" : "MIFARE Classic 4K";

        /// <summary>
        /// The card side of MFAuthent. True when the card is ACTIVE, the block exists, the 4 UID bytes given to
        /// the chip are this card's (the last 4 of a 7-byte UID, as MIFARE requires) and the key matches.
        /// On failure the card falls back to IDLE/HALT (it does not answer the reader's token).
        /// </summary>
        internal bool Authenticate(byte keyCommand, byte block, byte[] key, byte[] uid4)
        {
            if (State != CardState.Active || block >= BlockCount || (keyCommand != CommandAuthA && keyCommand != CommandAuthB))
            {
                FailedAuthentications++;
                Fallback();
                return false;
            }

            bool uidMatches = true;
            for (int i = 0; i < 4; i++)
            {
                if (uid4[i] != Uid[Uid.Length - 4 + i])
                {
                    uidMatches = false;
                }
            }

            int sector = SectorOfBlock(block);
            int keyOffset = TrailerOfSector(sector) * 16 + (keyCommand == CommandAuthA ? 0 : 10);
            bool keyMatches = true;
            for (int i = 0; i < 6; i++)
            {
                if (this.memory[keyOffset + i] != key[i])
                {
                    keyMatches = false;
                }
            }

            if (!uidMatches || !keyMatches || !AccessBitsValid(sector))
            {
                FailedAuthentications++;
                Fallback();
                return false;
            }

            CryptoSession = true;
            authSector = sector;
            authWithKeyB = keyCommand == CommandAuthB;
            pendingWriteBlock = -1;
            pendingValueBlock = -1;
            transferBufferValid = false;
            Authentications++;
            return true;
        }

        protected override void OnReset()
        {
            authSector = -1;
            authWithKeyB = false;
            pendingWriteBlock = -1;
            pendingValueBlock = -1;
            transferBufferValid = false;
        }

        // ---- commands in ACTIVE state ----------------------------------------------------------------------
    }
}
