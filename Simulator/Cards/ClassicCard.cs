using System;
using LeoCarte.Simulator.Rf;

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
    public sealed class ClassicCard : VirtualCard
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

        // ---- memory layout -----------------------------------------------------------------------------------

        public int SectorOfBlock(int block) => block < 128 ? block / 4 : 32 + (block - 128) / 16;

        public int FirstBlockOfSector(int sector) => sector < 32 ? sector * 4 : 128 + (sector - 32) * 16;

        public int TrailerOfSector(int sector) => sector < 32 ? sector * 4 + 3 : 128 + (sector - 32) * 16 + 15;

        public bool IsTrailer(int block) => block == TrailerOfSector(SectorOfBlock(block));

        /// <summary>Access-bit group of a block: 0..2 data, 3 trailer; in 16-block sectors groups of 5 blocks (MF1S70 §8.7.1).</summary>
        private int AccessGroup(int block)
        {
            if (block < 128)
            {
                return block % 4;
            }

            int index = (block - 128) % 16;
            return index == 15 ? 3 : index / 5;
        }

        /// <summary>A copy of a block's raw content (keys included), for test setup and checks.</summary>
        public byte[] ReadBlockRaw(int block)
        {
            var data = new byte[16];
            Array.Copy(this.memory, block * 16, data, 0, 16);
            return data;
        }

        /// <summary>Sets a block's raw content directly (test setup; no access check).</summary>
        public void WriteBlockRaw(int block, byte[] data)
        {
            Array.Copy(data, 0, this.memory, block * 16, 16);
        }

        /// <summary>Sets a sector trailer: key A, access bits (3 bytes + general purpose byte), key B.</summary>
        public void SetTrailer(int sector, byte[] keyA, byte[] accessBits4, byte[] keyB)
        {
            int offset = TrailerOfSector(sector) * 16;
            Array.Copy(keyA, 0, this.memory, offset, 6);
            Array.Copy(accessBits4, 0, this.memory, offset + 6, 4);
            Array.Copy(keyB, 0, this.memory, offset + 10, 6);
            sectorBlocked[sector] = false;
        }

        /// <summary>
        /// Encodes access conditions C1C2C3 (as 3-bit values c1&lt;&lt;2 | c2&lt;&lt;1 | c3) of groups 0..3 into the
        /// three access bytes plus general purpose byte (MF1S50 §8.7.1 Fig. 10: inverted copies in byte 6 and 7).
        /// </summary>
        public static byte[] EncodeAccessBits(int group0, int group1, int group2, int trailer, byte generalPurpose = 0x69)
        {
            int[] groups = { group0, group1, group2, trailer };
            int c1 = 0, c2 = 0, c3 = 0;
            for (int g = 0; g < 4; g++)
            {
                c1 |= ((groups[g] >> 2) & 1) << g;
                c2 |= ((groups[g] >> 1) & 1) << g;
                c3 |= (groups[g] & 1) << g;
            }

            return new[]
            {
                (byte)(((~c2 & 0xF) << 4) | (~c1 & 0xF)),
                (byte)((c1 << 4) | (~c3 & 0xF)),
                (byte)((c3 << 4) | c2),
                generalPurpose,
            };
        }

        private void FormatTransport()
        {
            Array.Clear(this.memory);
            // Block 0: manufacturer block (UID, BCC for 4-byte UIDs, SAK, ATQA, manufacturer data); read-only.
            Array.Copy(Uid, 0, this.memory, 0, Uid.Length);
            int at = Uid.Length;
            if (Uid.Length == 4)
            {
                this.memory[at++] = (byte)(Uid[0] ^ Uid[1] ^ Uid[2] ^ Uid[3]);
            }

            this.memory[at++] = Sak;
            this.memory[at++] = (byte)(Atqa & 0xFF);
            this.memory[at] = (byte)(Atqa >> 8);
            for (int sector = 0; sector < SectorCount; sector++)
            {
                SetTrailer(sector, TransportKey, TransportAccessBits, TransportKey);
            }
        }

        // ---- access conditions (MF1S50 §8.7.2, §8.7.3) -----------------------------------------------------

        private const int KeyA = 1, KeyB = 2, Never = 0, Both = KeyA | KeyB;

        // Data blocks, indexed by C1C2C3: read, write.
        private static readonly int[] DataRead = { Both, Both, Both, KeyB, Both, KeyB, Both, Never };
        private static readonly int[] DataWrite = { Both, Never, Never, KeyB, KeyB, Never, KeyB, Never };
        private static readonly int[] DataIncrement = { Both, Never, Never, Never, Never, Never, KeyB, Never };
        private static readonly int[] DataDecrementTransferRestore = { Both, Both, Never, Never, Never, Never, Both, Never };
        // Sector trailer, indexed by C1C2C3.
        private static readonly int[] TrailerKeyAWrite = { KeyA, KeyA, Never, KeyB, KeyB, Never, Never, Never };
        private static readonly int[] TrailerAccessRead = { KeyA, KeyA, KeyA, Both, Both, Both, Both, Both };
        private static readonly int[] TrailerAccessWrite = { Never, KeyA, Never, KeyB, Never, KeyB, Never, Never };
        private static readonly int[] TrailerKeyBRead = { KeyA, KeyA, KeyA, Never, Never, Never, Never, Never };
        private static readonly int[] TrailerKeyBWrite = { KeyA, KeyA, Never, KeyB, KeyB, Never, Never, Never };

        /// <summary>True when the trailer's access bytes and their inverted copies agree (§8.7.1).</summary>
        private bool AccessBitsValid(int sector)
        {
            int offset = TrailerOfSector(sector) * 16 + 6;
            int b6 = this.memory[offset], b7 = this.memory[offset + 1], b8 = this.memory[offset + 2];
            int c1 = b7 >> 4, c1Inv = b6 & 0xF, c2 = b8 & 0xF, c2Inv = b6 >> 4, c3 = b8 >> 4, c3Inv = b7 & 0xF;
            return (c1 ^ c1Inv) == 0xF && (c2 ^ c2Inv) == 0xF && (c3 ^ c3Inv) == 0xF;
        }

        private int AccessCode(int sector, int group)
        {
            int offset = TrailerOfSector(sector) * 16 + 6;
            int b7 = this.memory[offset + 1], b8 = this.memory[offset + 2];
            int c1 = (b7 >> (4 + group)) & 1, c2 = (b8 >> group) & 1, c3 = (b8 >> (4 + group)) & 1;
            return (c1 << 2) | (c2 << 1) | c3;
        }

        private int SessionKey => authWithKeyB ? KeyB : KeyA;

        /// <summary>
        /// MF1S50 §8.7.3 remark: when key B is readable (trailer conditions 000, 001, 010) it cannot serve for
        /// authentication: the authentication itself succeeds but every later memory access is refused.
        /// </summary>
        private bool KeyBRefused(int sector) => authWithKeyB && (TrailerKeyBRead[AccessCode(sector, 3)] & KeyA) != 0;

        private bool Allowed(int[] table, int sector, int group) =>
            !sectorBlocked[sector] && !KeyBRefused(sector) && (table[AccessCode(sector, group)] & SessionKey) != 0;

        // ---- authentication (driven by the chip's MFAuthent) ----------------------------------------------

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

        protected override CardAnswer ReceiveInActive(ReaderFrame frame)
        {
            if (pendingWriteBlock >= 0)
            {
                return WriteSecondPart(frame);
            }

            if (pendingValueBlock >= 0)
            {
                return ValueSecondPart(frame);
            }

            if (!frame.HasValidCrc)
            {
                // Transmission error: NAK and fall back, as a Classic card does after any error.
                Fallback();
                return CardAnswer.Nibble(NakTransmissionError);
            }

            byte command = frame.Data[0];
            if (!CryptoSession)
            {
                // Without authentication only AUTH (via MFAuthent) and HLTA are valid (MF1S50 Fig. 5).
                Fallback();
                return command is CommandRead or CommandWrite ? CardAnswer.Nibble(NakInvalidOperation) : null;
            }

            if (frame.PayloadLength == 2 && command == CommandRead)
            {
                return Read(frame.Data[1]);
            }

            if (frame.PayloadLength == 2 && command == CommandWrite)
            {
                int block = frame.Data[1];
                if (!CanWrite(block))
                {
                    Fallback();
                    return CardAnswer.Nibble(NakInvalidOperation);
                }

                pendingWriteBlock = block;
                return CardAnswer.Nibble(Ack);
            }

            if (frame.PayloadLength == 2 && command is CommandIncrement or CommandDecrement or CommandRestore)
            {
                int block = frame.Data[1];
                int[] table = command == CommandIncrement ? DataIncrement : DataDecrementTransferRestore;
                if (!InSession(block) || IsTrailer(block) || !Allowed(table, SectorOfBlock(block), AccessGroup(block)) || !TryReadValue(block, out _))
                {
                    Fallback();
                    return CardAnswer.Nibble(NakInvalidOperation);
                }

                pendingValueBlock = block;
                pendingValueCommand = command;
                return CardAnswer.Nibble(Ack);
            }

            if (frame.PayloadLength == 2 && command == CommandTransfer)
            {
                int block = frame.Data[1];
                if (!transferBufferValid || !InSession(block) || IsTrailer(block) || block == 0
                    || !Allowed(DataDecrementTransferRestore, SectorOfBlock(block), AccessGroup(block)))
                {
                    Fallback();
                    return CardAnswer.Nibble(NakInvalidOperation);
                }

                WriteValue(block, transferBuffer);
                transferBufferValid = false;
                Writes++;
                return CardAnswer.Nibble(Ack);
            }

            Fallback();
            return CardAnswer.Nibble(NakInvalidOperation);
        }

        /// <summary>Second part of INC/DEC/RESTORE: the 4-byte operand; no answer on success (MF1S50 §9.4).</summary>
        private CardAnswer ValueSecondPart(ReaderFrame frame)
        {
            int block = pendingValueBlock;
            pendingValueBlock = -1;
            if (!frame.HasValidCrc || frame.PayloadLength != 4)
            {
                Fallback();
                return CardAnswer.Nibble(NakTransmissionError);
            }

            TryReadValue(block, out int value);
            int operand = frame.Data[0] | (frame.Data[1] << 8) | (frame.Data[2] << 16) | (frame.Data[3] << 24);
            transferBuffer = pendingValueCommand == CommandIncrement ? value + operand
                : pendingValueCommand == CommandDecrement ? value - operand
                : value;
            transferBufferValid = true;
            return null;
        }

        /// <summary>Value block format (MF1S50 §8.6.2.1): value, ~value, value (LSB first), then addr, ~addr, addr, ~addr.</summary>
        public bool TryReadValue(int block, out int value)
        {
            int o = block * 16;
            value = this.memory[o] | (this.memory[o + 1] << 8) | (this.memory[o + 2] << 16) | (this.memory[o + 3] << 24);
            for (int i = 0; i < 4; i++)
            {
                if (this.memory[o + i] != this.memory[o + 8 + i] || this.memory[o + i] != (byte)~this.memory[o + 4 + i])
                {
                    return false;
                }
            }

            return this.memory[o + 12] == this.memory[o + 14] && this.memory[o + 13] == this.memory[o + 15] && this.memory[o + 12] == (byte)~this.memory[o + 13];
        }

        /// <summary>Writes a value block (test setup and TRANSFER); the address byte is kept when already valid.</summary>
        public void WriteValue(int block, int value, byte? address = null)
        {
            int o = block * 16;
            byte addr = address ?? (TryReadValue(block, out _) ? this.memory[o + 12] : (byte)block);
            for (int i = 0; i < 4; i++)
            {
                byte b = (byte)(value >> (8 * i));
                this.memory[o + i] = b;
                this.memory[o + 4 + i] = (byte)~b;
                this.memory[o + 8 + i] = b;
            }

            this.memory[o + 12] = addr;
            this.memory[o + 13] = (byte)~addr;
            this.memory[o + 14] = addr;
            this.memory[o + 15] = (byte)~addr;
        }

        private bool InSession(int block) => block < BlockCount && SectorOfBlock(block) == authSector;

        private CardAnswer Read(int block)
        {
            if (!InSession(block))
            {
                Fallback();
                return CardAnswer.Nibble(NakInvalidOperation);
            }

            int sector = SectorOfBlock(block);
            var data = ReadBlockRaw(block);
            if (IsTrailer(block))
            {
                if (sectorBlocked[sector] || KeyBRefused(sector))
                {
                    Fallback();
                    return CardAnswer.Nibble(NakInvalidOperation);
                }

                int code = AccessCode(sector, 3);
                // Key A is never readable; unreadable parts read as zeros (MF1S50 §8.7.3).
                Array.Clear(data, 0, 6);
                if ((TrailerAccessRead[code] & SessionKey) == 0)
                {
                    Array.Clear(data, 6, 4);
                }

                if ((TrailerKeyBRead[code] & SessionKey) == 0)
                {
                    Array.Clear(data, 10, 6);
                }
            }
            else if (!Allowed(DataRead, sector, AccessGroup(block)))
            {
                Fallback();
                return CardAnswer.Nibble(NakInvalidOperation);
            }

            return CardAnswer.WithCrc(data);
        }

        private bool CanWrite(int block)
        {
            if (!InSession(block) || block == 0)
            {
                // Block 0 (manufacturer block) is read-only on genuine cards.
                return false;
            }

            int sector = SectorOfBlock(block);
            if (IsTrailer(block))
            {
                if (sectorBlocked[sector] || KeyBRefused(sector))
                {
                    return false;
                }

                int code = AccessCode(sector, 3);
                return ((TrailerKeyAWrite[code] | TrailerAccessWrite[code] | TrailerKeyBWrite[code]) & SessionKey) != 0;
            }

            return Allowed(DataWrite, sector, AccessGroup(block));
        }

        private CardAnswer WriteSecondPart(ReaderFrame frame)
        {
            int block = pendingWriteBlock;
            pendingWriteBlock = -1;
            if (!frame.HasValidCrc || frame.PayloadLength != 16)
            {
                Fallback();
                return CardAnswer.Nibble(NakTransmissionError);
            }

            int offset = block * 16;
            if (IsTrailer(block))
            {
                int sector = SectorOfBlock(block);
                int code = AccessCode(sector, 3);
                int key = SessionKey;
                // Each part of the trailer is written only where the access conditions allow it.
                if ((TrailerKeyAWrite[code] & key) != 0)
                {
                    Array.Copy(frame.Data, 0, this.memory, offset, 6);
                }

                if ((TrailerAccessWrite[code] & key) != 0)
                {
                    Array.Copy(frame.Data, 6, this.memory, offset + 6, 4);
                }

                if ((TrailerKeyBWrite[code] & key) != 0)
                {
                    Array.Copy(frame.Data, 10, this.memory, offset + 10, 6);
                }

                if (!AccessBitsValid(sector))
                {
                    // §8.7.1: a format violation of the access bits blocks the sector irreversibly.
                    sectorBlocked[sector] = true;
                }
            }
            else
            {
                Array.Copy(frame.Data, 0, this.memory, offset, 16);
            }

            Writes++;
            return CardAnswer.Nibble(Ack);
        }
    }
}
