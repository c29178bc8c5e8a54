namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// 16-byte block operations written out, one statement per byte: nanoCLR interprets every IL instruction and
    /// inlines nothing, and a 16-iteration loop spends about 7 of its ~20 instructions per byte on the loop itself (index
    /// increment, bound check, index arithmetic). Written out, a byte costs 11 to 17 instructions (measured with
    /// Tools/DesfireOpCount). Used by <see cref="AesCmac"/>, <see cref="KeyDiversification"/> and <see cref="DesfireSession"/>
    /// on the tap path; tests compare each with the plain loop.
    /// </summary>
    public static class AesBlock
    {
        /// <summary>target[0..16) ^= a[aOffset..+16).</summary>
        public static void Xor(byte[] target, byte[] a, int aOffset)
        {
            target[0] ^= a[aOffset];
            target[1] ^= a[aOffset + 1];
            target[2] ^= a[aOffset + 2];
            target[3] ^= a[aOffset + 3];
            target[4] ^= a[aOffset + 4];
            target[5] ^= a[aOffset + 5];
            target[6] ^= a[aOffset + 6];
            target[7] ^= a[aOffset + 7];
            target[8] ^= a[aOffset + 8];
            target[9] ^= a[aOffset + 9];
            target[10] ^= a[aOffset + 10];
            target[11] ^= a[aOffset + 11];
            target[12] ^= a[aOffset + 12];
            target[13] ^= a[aOffset + 13];
            target[14] ^= a[aOffset + 14];
            target[15] ^= a[aOffset + 15];
        }

        /// <summary>target[0..16) ^= a[aOffset..+16) ^ b[0..16).</summary>
        public static void Xor2(byte[] target, byte[] a, int aOffset, byte[] b)
        {
            target[0] ^= (byte)(a[aOffset] ^ b[0]);
            target[1] ^= (byte)(a[aOffset + 1] ^ b[1]);
            target[2] ^= (byte)(a[aOffset + 2] ^ b[2]);
            target[3] ^= (byte)(a[aOffset + 3] ^ b[3]);
            target[4] ^= (byte)(a[aOffset + 4] ^ b[4]);
            target[5] ^= (byte)(a[aOffset + 5] ^ b[5]);
            target[6] ^= (byte)(a[aOffset + 6] ^ b[6]);
            target[7] ^= (byte)(a[aOffset + 7] ^ b[7]);
            target[8] ^= (byte)(a[aOffset + 8] ^ b[8]);
            target[9] ^= (byte)(a[aOffset + 9] ^ b[9]);
            target[10] ^= (byte)(a[aOffset + 10] ^ b[10]);
            target[11] ^= (byte)(a[aOffset + 11] ^ b[11]);
            target[12] ^= (byte)(a[aOffset + 12] ^ b[12]);
            target[13] ^= (byte)(a[aOffset + 13] ^ b[13]);
            target[14] ^= (byte)(a[aOffset + 14] ^ b[14]);
            target[15] ^= (byte)(a[aOffset + 15] ^ b[15]);
        }

        /// <summary>target[0..16) = a[aOffset..+16) ^ b[0..16) (target may be a when aOffset is 0).</summary>
        public static void XorInto(byte[] target, byte[] a, int aOffset, byte[] b)
        {
            target[0] = (byte)(a[aOffset] ^ b[0]);
            target[1] = (byte)(a[aOffset + 1] ^ b[1]);
            target[2] = (byte)(a[aOffset + 2] ^ b[2]);
            target[3] = (byte)(a[aOffset + 3] ^ b[3]);
            target[4] = (byte)(a[aOffset + 4] ^ b[4]);
            target[5] = (byte)(a[aOffset + 5] ^ b[5]);
            target[6] = (byte)(a[aOffset + 6] ^ b[6]);
            target[7] = (byte)(a[aOffset + 7] ^ b[7]);
            target[8] = (byte)(a[aOffset + 8] ^ b[8]);
            target[9] = (byte)(a[aOffset + 9] ^ b[9]);
            target[10] = (byte)(a[aOffset + 10] ^ b[10]);
            target[11] = (byte)(a[aOffset + 11] ^ b[11]);
            target[12] = (byte)(a[aOffset + 12] ^ b[12]);
            target[13] = (byte)(a[aOffset + 13] ^ b[13]);
            target[14] = (byte)(a[aOffset + 14] ^ b[14]);
            target[15] = (byte)(a[aOffset + 15] ^ b[15]);
        }

        /// <summary>target[targetOffset..+16) ^= a[aOffset..+16) (the CBC step between blocks at any offset).</summary>
        public static void XorAt(byte[] target, int targetOffset, byte[] a, int aOffset)
        {
            target[targetOffset] ^= a[aOffset];
            target[targetOffset + 1] ^= a[aOffset + 1];
            target[targetOffset + 2] ^= a[aOffset + 2];
            target[targetOffset + 3] ^= a[aOffset + 3];
            target[targetOffset + 4] ^= a[aOffset + 4];
            target[targetOffset + 5] ^= a[aOffset + 5];
            target[targetOffset + 6] ^= a[aOffset + 6];
            target[targetOffset + 7] ^= a[aOffset + 7];
            target[targetOffset + 8] ^= a[aOffset + 8];
            target[targetOffset + 9] ^= a[aOffset + 9];
            target[targetOffset + 10] ^= a[aOffset + 10];
            target[targetOffset + 11] ^= a[aOffset + 11];
            target[targetOffset + 12] ^= a[aOffset + 12];
            target[targetOffset + 13] ^= a[aOffset + 13];
            target[targetOffset + 14] ^= a[aOffset + 14];
            target[targetOffset + 15] ^= a[aOffset + 15];
        }

        /// <summary>
        /// Multiplication by x² in GF(2^128) (SP 800-38B's polynomial x^128 + x^7 + x^2 + x + 1): two doublings in one
        /// pass, for CMAC's K2 = L·x² when K1 is not needed. The two bits shifted out reduce as x^128 = 87h and
        /// x^129 = 10Eh (the top bit adds 01h to byte 14 and 0Eh to byte 15). Input and output are different arrays.
        /// </summary>
        public static void DoubleTwice(byte[] input, byte[] output)
        {
            int top = input[0] >> 7;
            int next = (input[0] >> 6) & 1;
            output[0] = (byte)((input[0] << 2) | (input[1] >> 6));
            output[1] = (byte)((input[1] << 2) | (input[2] >> 6));
            output[2] = (byte)((input[2] << 2) | (input[3] >> 6));
            output[3] = (byte)((input[3] << 2) | (input[4] >> 6));
            output[4] = (byte)((input[4] << 2) | (input[5] >> 6));
            output[5] = (byte)((input[5] << 2) | (input[6] >> 6));
            output[6] = (byte)((input[6] << 2) | (input[7] >> 6));
            output[7] = (byte)((input[7] << 2) | (input[8] >> 6));
            output[8] = (byte)((input[8] << 2) | (input[9] >> 6));
            output[9] = (byte)((input[9] << 2) | (input[10] >> 6));
            output[10] = (byte)((input[10] << 2) | (input[11] >> 6));
            output[11] = (byte)((input[11] << 2) | (input[12] >> 6));
            output[12] = (byte)((input[12] << 2) | (input[13] >> 6));
            output[13] = (byte)((input[13] << 2) | (input[14] >> 6));
            output[14] = (byte)(((input[14] << 2) | (input[15] >> 6)) ^ top);
            output[15] = (byte)((input[15] << 2) ^ (next * 0x87) ^ (top * 0x0E));
        }

        /// <summary>Multiplication by x in GF(2^128) (SP 800-38B §6.1): left shift by one bit, Rb = 87h XORed into the last byte when the top bit fell off; input and output are different arrays.</summary>
        public static void Double(byte[] input, byte[] output)
        {
            int reduce = (input[0] >> 7) * 0x87;
            output[0] = (byte)((input[0] << 1) | (input[1] >> 7));
            output[1] = (byte)((input[1] << 1) | (input[2] >> 7));
            output[2] = (byte)((input[2] << 1) | (input[3] >> 7));
            output[3] = (byte)((input[3] << 1) | (input[4] >> 7));
            output[4] = (byte)((input[4] << 1) | (input[5] >> 7));
            output[5] = (byte)((input[5] << 1) | (input[6] >> 7));
            output[6] = (byte)((input[6] << 1) | (input[7] >> 7));
            output[7] = (byte)((input[7] << 1) | (input[8] >> 7));
            output[8] = (byte)((input[8] << 1) | (input[9] >> 7));
            output[9] = (byte)((input[9] << 1) | (input[10] >> 7));
            output[10] = (byte)((input[10] << 1) | (input[11] >> 7));
            output[11] = (byte)((input[11] << 1) | (input[12] >> 7));
            output[12] = (byte)((input[12] << 1) | (input[13] >> 7));
            output[13] = (byte)((input[13] << 1) | (input[14] >> 7));
            output[14] = (byte)((input[14] << 1) | (input[15] >> 7));
            output[15] = (byte)((input[15] << 1) ^ reduce);
        }
    }
}
