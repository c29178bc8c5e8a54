using System;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>Memory layout, sector trailers and access conditions (MF1S50yyX datasheet: memory organisation, sector trailer, access conditions).</summary>
    public sealed partial class ClassicCard
    {
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
    }
}
