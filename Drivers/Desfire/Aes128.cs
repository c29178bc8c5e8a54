using System;

namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// AES-128 (FIPS-197) in the nanoFramework subset: byte-oriented, S-box tables, key schedule expanded once per
    /// <see cref="SetKey"/>, no allocation after construction. For the host and for nanoCLR, which has no native AES;
    /// on the ESP32 the native adapter does the same work faster. Checked against FIPS-197 appendix C.1, NIST SP 800-38A
    /// ECB vectors and System.Security.Cryptography (tests). Not constant-time against cache timing: the terminal's
    /// threat is a stolen device, not a co-resident process (see hardware/security.md).
    /// </summary>
    public sealed class Aes128 : IBlockCipher
    {
        private const int Rounds = 10;

        private static readonly byte[] Sbox = BuildSbox();
        private static readonly byte[] InverseSbox = BuildInverse(Sbox);

        private readonly byte[] roundKeys = new byte[16 * (Rounds + 1)];
        private readonly byte[] state = new byte[16];
        private readonly byte[] chain = new byte[16];
        private readonly byte[] cipherBlock = new byte[16];

        public void SetKey(byte[] key, int offset)
        {
            for (int i = 0; i < 16; i++)
            {
                roundKeys[i] = key[offset + i];
            }

            // FIPS-197 §5.2: w[i] = w[i-4] ^ SubWord(RotWord(w[i-1])) ^ Rcon for i % 4 == 0.
            byte rcon = 1;
            for (int i = 16; i < roundKeys.Length; i += 4)
            {
                byte t0 = roundKeys[i - 4], t1 = roundKeys[i - 3], t2 = roundKeys[i - 2], t3 = roundKeys[i - 1];
                if (i % 16 == 0)
                {
                    byte first = t0;
                    t0 = (byte)(Sbox[t1] ^ rcon);
                    t1 = Sbox[t2];
                    t2 = Sbox[t3];
                    t3 = Sbox[first];
                    rcon = Times2(rcon);
                }

                roundKeys[i] = (byte)(roundKeys[i - 16] ^ t0);
                roundKeys[i + 1] = (byte)(roundKeys[i - 15] ^ t1);
                roundKeys[i + 2] = (byte)(roundKeys[i - 14] ^ t2);
                roundKeys[i + 3] = (byte)(roundKeys[i - 13] ^ t3);
            }
        }

        public void Encrypt(byte[] input, int inputOffset, byte[] output, int outputOffset)
        {
            byte[] s = state;
            for (int i = 0; i < 16; i++)
            {
                s[i] = (byte)(input[inputOffset + i] ^ roundKeys[i]);
            }

            for (int round = 1; round <= Rounds; round++)
            {
                // SubBytes and ShiftRows together (state is column-major: s[4c + r]).
                byte t;
                s[0] = Sbox[s[0]]; s[4] = Sbox[s[4]]; s[8] = Sbox[s[8]]; s[12] = Sbox[s[12]];
                t = s[1]; s[1] = Sbox[s[5]]; s[5] = Sbox[s[9]]; s[9] = Sbox[s[13]]; s[13] = Sbox[t];
                t = s[2]; s[2] = Sbox[s[10]]; s[10] = Sbox[t]; t = s[6]; s[6] = Sbox[s[14]]; s[14] = Sbox[t];
                t = s[15]; s[15] = Sbox[s[11]]; s[11] = Sbox[s[7]]; s[7] = Sbox[s[3]]; s[3] = Sbox[t];

                if (round != Rounds)
                {
                    // MixColumns (§5.1.3).
                    for (int c = 0; c < 16; c += 4)
                    {
                        byte a0 = s[c], a1 = s[c + 1], a2 = s[c + 2], a3 = s[c + 3];
                        byte all = (byte)(a0 ^ a1 ^ a2 ^ a3);
                        s[c] = (byte)(a0 ^ all ^ Times2((byte)(a0 ^ a1)));
                        s[c + 1] = (byte)(a1 ^ all ^ Times2((byte)(a1 ^ a2)));
                        s[c + 2] = (byte)(a2 ^ all ^ Times2((byte)(a2 ^ a3)));
                        s[c + 3] = (byte)(a3 ^ all ^ Times2((byte)(a3 ^ a0)));
                    }
                }

                int k = round * 16;
                for (int i = 0; i < 16; i++)
                {
                    s[i] ^= roundKeys[k + i];
                }
            }

            for (int i = 0; i < 16; i++)
            {
                output[outputOffset + i] = s[i];
            }
        }

        public void Decrypt(byte[] input, int inputOffset, byte[] output, int outputOffset)
        {
            byte[] s = state;
            int k = Rounds * 16;
            for (int i = 0; i < 16; i++)
            {
                s[i] = (byte)(input[inputOffset + i] ^ roundKeys[k + i]);
            }

            for (int round = Rounds - 1; round >= 0; round--)
            {
                // InvShiftRows and InvSubBytes (§5.3.1, §5.3.2).
                byte t;
                s[0] = InverseSbox[s[0]]; s[4] = InverseSbox[s[4]]; s[8] = InverseSbox[s[8]]; s[12] = InverseSbox[s[12]];
                t = s[13]; s[13] = InverseSbox[s[9]]; s[9] = InverseSbox[s[5]]; s[5] = InverseSbox[s[1]]; s[1] = InverseSbox[t];
                t = s[2]; s[2] = InverseSbox[s[10]]; s[10] = InverseSbox[t]; t = s[6]; s[6] = InverseSbox[s[14]]; s[14] = InverseSbox[t];
                t = s[3]; s[3] = InverseSbox[s[7]]; s[7] = InverseSbox[s[11]]; s[11] = InverseSbox[s[15]]; s[15] = InverseSbox[t];

                k = round * 16;
                for (int i = 0; i < 16; i++)
                {
                    s[i] ^= roundKeys[k + i];
                }

                if (round != 0)
                {
                    // InvMixColumns (§5.3.3): multiply by {0e,0b,0d,09}.
                    for (int c = 0; c < 16; c += 4)
                    {
                        byte a0 = s[c], a1 = s[c + 1], a2 = s[c + 2], a3 = s[c + 3];
                        byte u = Times2(Times2((byte)(a0 ^ a2)));
                        byte v = Times2(Times2((byte)(a1 ^ a3)));
                        a0 ^= u; a1 ^= v; a2 ^= u; a3 ^= v;
                        byte all = (byte)(a0 ^ a1 ^ a2 ^ a3);
                        s[c] = (byte)(a0 ^ all ^ Times2((byte)(a0 ^ a1)));
                        s[c + 1] = (byte)(a1 ^ all ^ Times2((byte)(a1 ^ a2)));
                        s[c + 2] = (byte)(a2 ^ all ^ Times2((byte)(a2 ^ a3)));
                        s[c + 3] = (byte)(a3 ^ all ^ Times2((byte)(a3 ^ a0)));
                    }
                }
            }

            for (int i = 0; i < 16; i++)
            {
                output[outputOffset + i] = s[i];
            }
        }

        /// <summary>CBC encryption (SP 800-38A §6.2) block by block; on the device the native adapter does it in one call.</summary>
        public void EncryptCbc(byte[] iv, byte[] input, int inputOffset, int length, byte[] output, int outputOffset)
        {
            byte[] c = chain;
            Array.Copy(iv, 0, c, 0, 16);
            for (int position = 0; position < length; position += 16)
            {
                AesBlock.Xor(c, input, inputOffset + position);
                Encrypt(c, 0, c, 0);
                Array.Copy(c, 0, output, outputOffset + position, 16);
            }
        }

        /// <summary>CBC decryption (SP 800-38A §6.2): each ciphertext block is kept before its plaintext is written, so
        /// input and output may be the same bytes.</summary>
        public void DecryptCbc(byte[] iv, byte[] input, int inputOffset, int length, byte[] output, int outputOffset)
        {
            byte[] previous = chain;
            byte[] current = cipherBlock;
            Array.Copy(iv, 0, previous, 0, 16);
            for (int position = 0; position < length; position += 16)
            {
                Array.Copy(input, inputOffset + position, current, 0, 16);
                Decrypt(current, 0, output, outputOffset + position);
                AesBlock.XorAt(output, outputOffset + position, previous, 0);
                Array.Copy(current, 0, previous, 0, 16);
            }
        }

        /// <summary>Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS-197 §4.2.1).</summary>
        private static byte Times2(byte value) => (byte)((value << 1) ^ ((value & 0x80) != 0 ? 0x1B : 0x00));

        /// <summary>The S-box computed from its definition (§5.1.1: multiplicative inverse, then the affine map), so no
        /// 256-byte literal can carry a typo.</summary>
        private static byte[] BuildSbox()
        {
            byte[] box = new byte[256];
            byte p = 1, q = 1;
            do
            {
                // p runs over the multiplicative group by powers of 3, q over the inverses (powers of 3^-1).
                p = (byte)(p ^ (byte)(p << 1) ^ ((p & 0x80) != 0 ? 0x1B : 0));
                q ^= (byte)(q << 1);
                q ^= (byte)(q << 2);
                q ^= (byte)(q << 4);
                if ((q & 0x80) != 0)
                {
                    q ^= 0x09;
                }

                int x = q ^ Rotl(q, 1) ^ Rotl(q, 2) ^ Rotl(q, 3) ^ Rotl(q, 4);
                box[p] = (byte)(x ^ 0x63);
            }
            while (p != 1);

            box[0] = 0x63;
            return box;
        }

        private static int Rotl(byte value, int shift) => ((value << shift) | (value >> (8 - shift))) & 0xFF;

        private static byte[] BuildInverse(byte[] box)
        {
            byte[] inverse = new byte[256];
            for (int i = 0; i < 256; i++)
            {
                inverse[box[i]] = (byte)i;
            }

            return inverse;
        }
    }
}
