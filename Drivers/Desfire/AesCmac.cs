using System;

namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// AES-CMAC (NIST SP 800-38B, RFC 4493) over an <see cref="IBlockCipher"/>: subkeys K1/K2 derived once per key,
    /// then CBC-MAC with the last block XORed with K1 (complete) or padded 80 00.. and XORed with K2. No allocation after
    /// construction. Used for AN10922 key diversification, the DESFire EV2 session keys and the secure-messaging MACs.
    /// </summary>
    public sealed class AesCmac
    {
        public const int BlockSize = 16;

        private readonly IBlockCipher cipher;
        private readonly byte[] k1 = new byte[BlockSize];
        private readonly byte[] k2 = new byte[BlockSize];
        private readonly byte[] chain = new byte[BlockSize];

        // K2 is derived on first use: the session-key CMACs (32-byte inputs) only ever need K1, which saves one
        // doubling (≈ 350 interpreted instructions) per key on nanoCLR.
        private bool k2Ready;

        public AesCmac(IBlockCipher cipher)
        {
            this.cipher = cipher;
        }

        public IBlockCipher Cipher => cipher;

        /// <summary>Keys the cipher and derives K1, K2 (SP 800-38B §6.1: L = E(K, 0^128); K1 = L·x; K2 = K1·x).</summary>
        public void SetKey(byte[] key, int offset)
        {
            cipher.SetKey(key, offset);
            Array.Clear(chain, 0, BlockSize);
            cipher.Encrypt(chain, 0, chain, 0);
            Double(chain, k1);
            k2Ready = false;
            Array.Clear(chain, 0, BlockSize);
        }

        private byte[] K2()
        {
            if (!k2Ready)
            {
                Double(k1, k2);
                k2Ready = true;
            }

            return k2;
        }

        /// <summary>Subkey K1 or K2 (for tests against the published values).</summary>
        public void CopySubkey(int which, byte[] destination, int offset)
        {
            Array.Copy(which == 1 ? k1 : K2(), 0, destination, offset, BlockSize);
        }

        /// <summary>The 16-byte CMAC of message[offset..offset+length) into mac[macOffset..+16).</summary>
        public void Compute(byte[] message, int offset, int length, byte[] mac, int macOffset)
        {
            // Array.Clear/Array.Copy are native in nanoCLR: one call instead of 16 interpreted iterations.
            Array.Clear(chain, 0, BlockSize);

            Chain(message, offset, length, mac, macOffset);
        }

        /// <summary>
        /// The CMAC of message[offset..offset+length) with the CBC chain starting at <paramref name="iv"/> instead of
        /// zero, and <paramref name="iv"/> replaced by the full 16-byte result: the "CMAC as IV" rule of DESFire EV1
        /// secure messaging after AuthenticateAES (the session IV is zero after authentication and every command and
        /// answer MAC continues from the last one; libfreefare <c>cmac()</c>, proxmark3 <c>DesfireCryptoCMAC</c>).
        /// The full CMAC also goes to mac[macOffset..+16).
        /// </summary>
        public void ComputeChained(byte[] iv, byte[] message, int offset, int length, byte[] mac, int macOffset)
        {
            Array.Copy(iv, 0, chain, 0, BlockSize);
            Chain(message, offset, length, mac, macOffset);
            Array.Copy(mac, macOffset, iv, 0, BlockSize);
        }

        private void Chain(byte[] message, int offset, int length, byte[] mac, int macOffset)
        {
            int blocks = length == 0 ? 1 : (length + BlockSize - 1) / BlockSize;
            byte[] c = chain;
            int position = offset;
            for (int b = 0; b < blocks - 1; b++)
            {
                for (int i = 0; i < BlockSize; i++)
                {
                    c[i] ^= message[position + i];
                }

                position += BlockSize;
                cipher.Encrypt(c, 0, c, 0);
            }

            // Last block: complete → XOR K1; partial → pad 80 00.. and XOR K2 (SP 800-38B §6.2), folded into the chain
            // in one pass (no separate padded copy: fewer interpreted instructions per byte on nanoCLR).
            int lastLength = length - (blocks - 1) * BlockSize;
            byte[] subkey = length > 0 && lastLength == BlockSize ? k1 : K2();
            for (int i = 0; i < lastLength; i++)
            {
                c[i] ^= (byte)(message[position + i] ^ subkey[i]);
            }

            if (lastLength < BlockSize)
            {
                c[lastLength] ^= (byte)(0x80 ^ subkey[lastLength]);
                for (int i = lastLength + 1; i < BlockSize; i++)
                {
                    c[i] ^= subkey[i];
                }
            }

            cipher.Encrypt(c, 0, mac, macOffset);
        }

        /// <summary>
        /// The 8-byte truncated MAC of DESFire EV2 secure messaging (MF3D(H)x2 datasheet §9.1.9 "MACt"): the bytes at odd
        /// positions 1, 3, ... 15 of the full CMAC, in order. <paramref name="scratch16"/> receives the full CMAC.
        /// </summary>
        public void ComputeTruncated(byte[] message, int offset, int length, byte[] scratch16, byte[] mac8, int macOffset)
        {
            Compute(message, offset, length, scratch16, 0);
            mac8[macOffset] = scratch16[1];
            mac8[macOffset + 1] = scratch16[3];
            mac8[macOffset + 2] = scratch16[5];
            mac8[macOffset + 3] = scratch16[7];
            mac8[macOffset + 4] = scratch16[9];
            mac8[macOffset + 5] = scratch16[11];
            mac8[macOffset + 6] = scratch16[13];
            mac8[macOffset + 7] = scratch16[15];
        }

        /// <summary>Left shift by one bit, XOR Rb = 0x87 into the last byte when the top bit fell off (SP 800-38B §6.1).
        /// Each byte takes its low bit from the next byte's top bit (no carry variable, no branch per byte); input and
        /// output are different arrays.</summary>
        private static void Double(byte[] input, byte[] output)
        {
            int reduce = (input[0] >> 7) * 0x87;
            for (int i = 0; i < BlockSize - 1; i++)
            {
                output[i] = (byte)((input[i] << 1) | (input[i + 1] >> 7));
            }

            output[BlockSize - 1] = (byte)((input[BlockSize - 1] << 1) ^ reduce);
        }
    }
}
