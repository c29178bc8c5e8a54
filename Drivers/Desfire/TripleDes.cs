namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// DES (FIPS 46-3) and TDEA in EDE form (NIST SP 800-67 rev. 2 §3: C = E_K3(D_K2(E_K1(P)))) on 8-byte blocks, in the
    /// nanoFramework subset: a 8-byte key is single DES, a 16-byte key two-key TDEA (2K3DES: K1, K2, K1), a 24-byte key
    /// three-key TDEA. A key whose parts are all equal runs one DES pass (EDE with equal keys is DES: SP 800-67 §3.2), which
    /// is what a DESFire card does with its default key of 16 zero bytes (MF3ICD81 "DES and 3DES keys": equal halves = DES).
    /// Used by the card office's personalisation to open a factory-fresh DESFire (legacy Authenticate 0Ah with the default
    /// key, <see cref="DesfireSession"/>), never on the tap path: tables are built once per process, no allocation after
    /// construction. Checked against FIPS 81/NIST vectors and System.Security.Cryptography (tests). Not constant-time
    /// against cache timing (a PC at the card office, as for <see cref="Aes128"/> on the terminal).
    /// </summary>
    public sealed class TripleDes
    {
        /// <summary>DES and TDEA work on 8-byte blocks.</summary>
        public const int BlockSize = 8;

        // FIPS 46-3 tables, bit positions numbered 1..64 (or 1..32, 1..56) from the most significant bit.
        private static readonly byte[] InitialPermutation =
        {
            58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
            57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
        };

        private static readonly byte[] RoundPermutation =
        {
            16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25,
        };

        private static readonly byte[] PermutedChoice1 =
        {
            57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
            63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
        };

        private static readonly byte[] PermutedChoice2 =
        {
            14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
            41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
        };

        private static readonly byte[] KeyShifts = { 1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1 };

        /// <summary>S1..S8, each 4 rows of 16 (row = outer bits b1 b6, column = b2..b5).</summary>
        private static readonly byte[] Sboxes =
        {
            14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
            4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13,

            15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
            0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9,

            10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
            13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12,

            7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
            10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14,

            2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
            4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3,

            12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
            9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13,

            4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
            1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12,

            13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
            7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11,
        };

        /// <summary>S-box i's output already through the round permutation P, indexed [i * 64 + six input bits].</summary>
        private static readonly uint[] SpBoxes = BuildSpBoxes();

        /// <summary>The final permutation IP⁻¹, derived from IP rather than typed.</summary>
        private static readonly byte[] FinalPermutation = Invert(InitialPermutation);

        /// <summary>Round keys of up to three DES keys: [key * 128 + round * 8 + S-box] = the 6 key bits for that S-box.</summary>
        private readonly byte[] roundKeys = new byte[3 * 16 * 8];
        private readonly byte[] block = new byte[BlockSize];
        private bool singleDes;

        /// <summary>
        /// Sets the key: <paramref name="length"/> 8 (DES), 16 (2K3DES: K1 = key[0..8), K2 = key[8..16), K3 = K1) or 24
        /// (3K3DES). Parity bits (the low bit of each byte) are ignored by the cipher, as FIPS 46-3 says; DESFire keeps the
        /// key version there. False for another length (nothing changed).
        /// </summary>
        public bool SetKey(byte[] key, int offset, int length)
        {
            if (length != 8 && length != 16 && length != 24)
            {
                return false;
            }

            Schedule(key, offset, 0);
            Schedule(key, length == 8 ? offset : offset + 8, 1);
            Schedule(key, length == 24 ? offset + 16 : offset, 2);
            singleDes = SameSchedule(0, 1) && SameSchedule(1, 2);
            return true;
        }

        /// <summary>True when the key set is a single DES key (or a TDEA key whose parts are equal apart from parity).</summary>
        public bool IsSingleDes => singleDes;

        /// <summary>Encrypts the 8-byte block input[inputOffset..] into output[outputOffset..] (the two may overlap exactly).</summary>
        public void Encrypt(byte[] input, int inputOffset, byte[] output, int outputOffset) => Crypt(input, inputOffset, output, outputOffset, false);

        /// <summary>Decrypts the 8-byte block input[inputOffset..] into output[outputOffset..] (the two may overlap exactly).</summary>
        public void Decrypt(byte[] input, int inputOffset, byte[] output, int outputOffset) => Crypt(input, inputOffset, output, outputOffset, true);

        /// <summary>Overwrites the round keys.</summary>
        public void Clear()
        {
            for (int i = 0; i < roundKeys.Length; i++)
            {
                roundKeys[i] = 0;
            }

            singleDes = false;
        }

        private void Crypt(byte[] input, int inputOffset, byte[] output, int outputOffset, bool decrypt)
        {
            uint left;
            uint right;
            Permute(input, inputOffset, InitialPermutation, out left, out right);

            // EDE: E_K1, D_K2, E_K3 to encrypt; D_K3, E_K2, D_K1 to decrypt. IP⁻¹ then IP between the stages cancel, so
            // the stages run back to back on the swapped halves (FIPS 46-3: the preoutput is R16 L16).
            if (singleDes)
            {
                Rounds(ref left, ref right, 0, decrypt);
            }
            else
            {
                Rounds(ref left, ref right, decrypt ? 2 : 0, decrypt);
                Rounds(ref left, ref right, 1, !decrypt);
                Rounds(ref left, ref right, decrypt ? 0 : 2, decrypt);
            }

            Put(left, block, 0);
            Put(right, block, 4);
            Permute(block, 0, FinalPermutation, out left, out right);
            Put(left, output, outputOffset);
            Put(right, output, outputOffset + 4);
            for (int i = 0; i < BlockSize; i++)
            {
                block[i] = 0;
            }
        }

        /// <summary>The 16 rounds of FIPS 46-3 §"Enciphering" with key <paramref name="key"/>; ends with the halves swapped (the preoutput R16 L16).</summary>
        private void Rounds(ref uint left, ref uint right, int key, bool decrypt)
        {
            uint[] sp = SpBoxes;
            for (int round = 0; round < 16; round++)
            {
                int k = key * 128 + (decrypt ? 15 - round : round) * 8;

                // E expands R into eight 6-bit groups: group i is bits 4i .. 4i+5 of R (1-based, bit 0 = bit 32).
                uint f = 0;
                for (int i = 0; i < 8; i++)
                {
                    int rotation = (4 * i + 31) & 31;
                    uint rotated = rotation == 0 ? right : (right << rotation) | (right >> (32 - rotation));
                    f |= sp[i * 64 + (int)(((rotated >> 26) & 0x3F) ^ roundKeys[k + i])];
                }

                uint next = left ^ f;
                left = right;
                right = next;
            }

            uint swap = left;
            left = right;
            right = swap;
        }

        /// <summary>FIPS 46-3 "Key schedule": PC-1, left shifts of C and D, PC-2 into 16 × 8 groups of 6 bits.</summary>
        private void Schedule(byte[] key, int offset, int index)
        {
            // C and D as 28-bit values (bit 27 = the first bit of PC-1's half).
            uint c = 0;
            uint d = 0;
            for (int i = 0; i < 28; i++)
            {
                c = (c << 1) | KeyBit(key, offset, PermutedChoice1[i]);
                d = (d << 1) | KeyBit(key, offset, PermutedChoice1[28 + i]);
            }

            for (int round = 0; round < 16; round++)
            {
                int shift = KeyShifts[round];
                c = ((c << shift) | (c >> (28 - shift))) & 0x0FFFFFFF;
                d = ((d << shift) | (d >> (28 - shift))) & 0x0FFFFFFF;
                int k = index * 128 + round * 8;
                for (int group = 0; group < 8; group++)
                {
                    int value = 0;
                    for (int bit = 0; bit < 6; bit++)
                    {
                        int position = PermutedChoice2[group * 6 + bit]; // 1..56 over C || D
                        uint half = position <= 28 ? c : d;
                        int within = position <= 28 ? position : position - 28;
                        value = (value << 1) | (int)((half >> (28 - within)) & 1);
                    }

                    roundKeys[k + group] = (byte)value;
                }
            }
        }

        private bool SameSchedule(int a, int b)
        {
            for (int i = 0; i < 128; i++)
            {
                if (roundKeys[a * 128 + i] != roundKeys[b * 128 + i])
                {
                    return false;
                }
            }

            return true;
        }

        private static uint KeyBit(byte[] key, int offset, int position)
        {
            int bit = position - 1;
            return (uint)((key[offset + (bit >> 3)] >> (7 - (bit & 7))) & 1);
        }

        /// <summary>A 64-bit permutation of input[offset..offset+8): output bit j = input bit table[j].</summary>
        private static void Permute(byte[] input, int offset, byte[] table, out uint high, out uint low)
        {
            high = 0;
            low = 0;
            for (int j = 0; j < 32; j++)
            {
                high = (high << 1) | KeyBit(input, offset, table[j]);
                low = (low << 1) | KeyBit(input, offset, table[32 + j]);
            }
        }

        private static void Put(uint value, byte[] into, int offset)
        {
            into[offset] = (byte)(value >> 24);
            into[offset + 1] = (byte)(value >> 16);
            into[offset + 2] = (byte)(value >> 8);
            into[offset + 3] = (byte)value;
        }

        private static byte[] Invert(byte[] permutation)
        {
            byte[] inverse = new byte[permutation.Length];
            for (int i = 0; i < permutation.Length; i++)
            {
                inverse[permutation[i] - 1] = (byte)(i + 1);
            }

            return inverse;
        }

        private static uint[] BuildSpBoxes()
        {
            uint[] table = new uint[8 * 64];
            for (int box = 0; box < 8; box++)
            {
                for (int input = 0; input < 64; input++)
                {
                    int row = ((input >> 4) & 0x2) | (input & 0x1);
                    int column = (input >> 1) & 0xF;
                    uint s = (uint)Sboxes[box * 64 + row * 16 + column] << (28 - 4 * box);
                    uint permuted = 0;
                    for (int j = 0; j < 32; j++)
                    {
                        permuted = (permuted << 1) | ((s >> (32 - RoundPermutation[j])) & 1);
                    }

                    table[box * 64 + input] = permuted;
                }
            }

            return table;
        }
    }
}
