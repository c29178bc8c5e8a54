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

        public AesCmac(IBlockCipher cipher)
        {
            this.cipher = cipher;
        }

        public IBlockCipher Cipher => cipher;

        /// <summary>Keys the cipher and derives K1, K2 (SP 800-38B §6.1: L = E(K, 0^128); K1 = L·x; K2 = K1·x).</summary>
        public void SetKey(byte[] key, int offset)
        {
            cipher.SetKey(key, offset);
            for (int i = 0; i < BlockSize; i++)
            {
                chain[i] = 0;
            }

            cipher.Encrypt(chain, 0, chain, 0);
            Double(chain, k1);
            Double(k1, k2);
            for (int i = 0; i < BlockSize; i++)
            {
                chain[i] = 0;
            }
        }

        /// <summary>Subkey K1 or K2 (for tests against the published values).</summary>
        public void CopySubkey(int which, byte[] destination, int offset)
        {
            byte[] source = which == 1 ? k1 : k2;
            for (int i = 0; i < BlockSize; i++)
            {
                destination[offset + i] = source[i];
            }
        }

        /// <summary>The 16-byte CMAC of message[offset..offset+length) into mac[macOffset..+16).</summary>
        public void Compute(byte[] message, int offset, int length, byte[] mac, int macOffset)
        {
            for (int i = 0; i < BlockSize; i++)
            {
                chain[i] = 0;
            }

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
            for (int i = 0; i < BlockSize; i++)
            {
                chain[i] = iv[i];
            }

            Chain(message, offset, length, mac, macOffset);
            for (int i = 0; i < BlockSize; i++)
            {
                iv[i] = mac[macOffset + i];
            }
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
            byte[] subkey = length > 0 && lastLength == BlockSize ? k1 : k2;
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
            for (int i = 0; i < 8; i++)
            {
                mac8[macOffset + i] = scratch16[2 * i + 1];
            }
        }

        /// <summary>Left shift by one bit, XOR Rb = 0x87 into the last byte when the top bit fell off (SP 800-38B §6.1).</summary>
        private static void Double(byte[] input, byte[] output)
        {
            int carry = 0;
            for (int i = BlockSize - 1; i >= 0; i--)
            {
                int shifted = (input[i] << 1) | carry;
                carry = (input[i] & 0x80) != 0 ? 1 : 0;
                output[i] = (byte)shifted;
            }

            if ((input[0] & 0x80) != 0)
            {
                output[BlockSize - 1] ^= 0x87;
            }
        }
    }
}
