using System;

namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// AES-CMAC (NIST SP 800-38B, RFC 4493) over an <see cref="IBlockCipher"/>: subkeys K1/K2 derived once per key,
    /// then CBC-MAC with the last block XORed with K1 (complete) or padded 80 00.. and XORed with K2. No allocation after
    /// construction. Used for AN10922 key diversification, the DESFire EV2 session keys and the secure-messaging MACs.
    /// <para>
    /// Written for nanoCLR, which interprets every IL instruction and inlines nothing: a 16-byte loop costs about 20
    /// instructions per byte (7 of them the loop itself), so the block operations are written out (<see cref="AesBlock"/>,
    /// 11 to 17 per byte), the CBC chain of a zero-IV CMAC starts by encrypting the first block as it is (XOR with
    /// zero skipped), and the padded last block is built with native Array.Copy/Array.Clear.
    /// </para>
    /// </summary>
    public sealed class AesCmac
    {
        public const int BlockSize = 16;

        /// <summary>The zero IV of a CMAC's CBC chain and of DESFire's IV-0 CBC messages. Only ever read (handed to
        /// <see cref="IBlockCipher.EncryptCbc"/>/<see cref="IBlockCipher.DecryptCbc"/>, which copy it).</summary>
        internal static readonly byte[] ZeroIv = new byte[BlockSize];

        private readonly IBlockCipher cipher;
        private readonly byte[] l = new byte[BlockSize];
        private readonly byte[] k1 = new byte[BlockSize];
        private readonly byte[] k2 = new byte[BlockSize];
        private readonly byte[] chain = new byte[BlockSize];
        private readonly byte[] last = new byte[BlockSize];

        // Each subkey is derived on first use from L = E(K, 0) (a doubling is ≈ 190 IL instructions on nanoCLR): the
        // session-key CMACs (32-byte inputs) only ever need K1, the DESFire MACs of a tap (14- and 23-byte inputs) only
        // K2, which is then computed from L in one pass (L·x², AesBlock.DoubleTwice) without K1.
        private bool k1Ready;
        private bool k2Ready;

        public AesCmac(IBlockCipher cipher)
        {
            this.cipher = cipher;
        }

        public IBlockCipher Cipher => cipher;

        /// <summary>Keys the cipher and computes L = E(K, 0^128), from which K1 = L·x and K2 = L·x² (SP 800-38B §6.1) are
        /// derived when first needed.</summary>
        public void SetKey(byte[] key, int offset)
        {
            cipher.SetKey(key, offset);
            cipher.Encrypt(ZeroIv, 0, l, 0);
            k1Ready = false;
            k2Ready = false;
        }

        private byte[] K1()
        {
            if (!k1Ready)
            {
                AesBlock.Double(l, k1);
                k1Ready = true;
            }

            return k1;
        }

        private byte[] K2()
        {
            if (!k2Ready)
            {
                if (k1Ready)
                {
                    AesBlock.Double(k1, k2);
                }
                else
                {
                    AesBlock.DoubleTwice(l, k2);
                }

                k2Ready = true;
            }

            return k2;
        }

        /// <summary>Subkey K1 or K2 (for tests against the published values, and for callers that mask a last block once for several MACs).</summary>
        public void CopySubkey(int which, byte[] destination, int offset)
        {
            Array.Copy(which == 1 ? K1() : K2(), 0, destination, offset, BlockSize);
        }

        /// <summary>Zeroes the subkeys and the chain (derived from the key). The cipher keeps its key: clear it separately.</summary>
        public void Clear()
        {
            Array.Clear(l, 0, BlockSize);
            Array.Clear(k1, 0, BlockSize);
            Array.Clear(k2, 0, BlockSize);
            Array.Clear(chain, 0, BlockSize);
            Array.Clear(last, 0, BlockSize);
            k1Ready = false;
            k2Ready = false;
        }

        /// <summary>The 16-byte CMAC of message[offset..offset+length) into mac[macOffset..+16).</summary>
        public void Compute(byte[] message, int offset, int length, byte[] mac, int macOffset)
        {
            int lastStart = LastBlockStart(length);
            byte[] c = chain;
            if (lastStart == 0)
            {
                // One block: the chain is zero, so the cipher's input is the (padded) block XOR the subkey: a CBC
                // encryption with the subkey as IV does that XOR inside the (native) call.
                if (length == BlockSize)
                {
                    cipher.EncryptCbc(K1(), message, offset, BlockSize, mac, macOffset);
                    return;
                }

                byte[] p = last;
                Array.Copy(message, offset, p, 0, length);
                p[length] = 0x80;
                Array.Clear(p, length + 1, BlockSize - 1 - length);
                cipher.EncryptCbc(K2(), p, 0, BlockSize, mac, macOffset);
                return;
            }

            // IV zero: the first block enters the cipher as it is.
            cipher.Encrypt(message, offset, c, 0);
            for (int position = offset + BlockSize; position < offset + lastStart; position += BlockSize)
            {
                AesBlock.Xor(c, message, position);
                cipher.Encrypt(c, 0, c, 0);
            }

            FinishWithLastBlock(message, offset + lastStart, length - lastStart, mac, macOffset);
        }

        /// <summary>
        /// The CMAC of buffer[0..length) into mac[macOffset..+16), computed in the buffer: it is padded (80 00.. to the
        /// block boundary, SP 800-38B §6.2), its last block masked with K1 or K2, and overwritten by its CBC encryption (one
        /// call over every block: on the device one native call, the chaining XORs done natively). The buffer must have
        /// room up to the next multiple of 16 past length; its content is lost. A one-block message goes in with the
        /// subkey as the CBC IV (E(K ⊕ M), no XOR in IL at all).
        /// </summary>
        public void ComputeInPlace(byte[] buffer, int length, byte[] mac, int macOffset)
        {
            int lastStart = LastBlockStart(length);
            int lastLength = length - lastStart;
            byte[] mask;
            if (lastLength == BlockSize)
            {
                mask = K1();
            }
            else
            {
                buffer[length] = 0x80;
                Array.Clear(buffer, length + 1, BlockSize - 1 - lastLength);
                mask = K2();
            }

            if (lastStart == 0)
            {
                cipher.EncryptCbc(mask, buffer, 0, BlockSize, mac, macOffset);
                return;
            }

            AesBlock.XorAt(buffer, lastStart, mask, 0);
            cipher.EncryptCbc(ZeroIv, buffer, 0, lastStart + BlockSize, buffer, 0);
            Array.Copy(buffer, lastStart, mac, macOffset, BlockSize);
        }

        /// <summary>buffer[offset..+16) ^= K1: the last block of a whole-block CMAC input masked where it lies (SP 800-38B
        /// §6.2 step 3), for callers that CBC-encrypt the message themselves (the DESFire EV2 session vectors).</summary>
        public void MaskWholeLastBlockInPlace(byte[] buffer, int offset)
        {
            AesBlock.XorAt(buffer, offset, K1(), 0);
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
            int lastStart = LastBlockStart(length);
            for (int position = offset; position < offset + lastStart; position += BlockSize)
            {
                AesBlock.Xor(chain, message, position);
                cipher.Encrypt(chain, 0, chain, 0);
            }

            FinishWithLastBlock(message, offset + lastStart, length - lastStart, mac, macOffset);
            Array.Copy(mac, macOffset, iv, 0, BlockSize);
        }

        /// <summary>
        /// The CMAC of a two-block message whose last block was masked beforehand (<see cref="MaskLastBlock"/> of
        /// message[16..32)): E(E(first) ⊕ maskedLast). For several MACs over messages that share their second block
        /// (the DESFire EV2 session vectors SV1/SV2 differ only in their first two bytes): the mask is computed once.
        /// </summary>
        public void ComputeTwoBlocks(byte[] first, int firstOffset, byte[] maskedLast, byte[] mac, int macOffset)
        {
            cipher.Encrypt(first, firstOffset, chain, 0);
            AesBlock.Xor(chain, maskedLast, 0);
            cipher.Encrypt(chain, 0, mac, macOffset);
        }

        /// <summary>
        /// The last block of a CMAC input as it enters the chain (SP 800-38B §6.2 steps 3–4): message[offset..+length)
        /// (length 0..16 bytes) XOR K1 when complete, padded 80 00.. and XOR K2 otherwise, into masked[0..16).
        /// </summary>
        public void MaskLastBlock(byte[] message, int offset, int length, byte[] masked)
        {
            if (length == BlockSize)
            {
                AesBlock.XorInto(masked, message, offset, K1());
                return;
            }

            // Padded copy by native calls, then one written-out XOR with K2.
            byte[] p = last;
            Array.Copy(message, offset, p, 0, length);
            p[length] = 0x80;
            Array.Clear(p, length + 1, BlockSize - 1 - length);
            AesBlock.XorInto(masked, p, 0, K2());
        }

        /// <summary>
        /// The 8-byte truncated MAC of DESFire EV2 secure messaging (MF3D(H)x2 datasheet §9.1.9 "MACt"): the bytes at odd
        /// positions 1, 3, ... 15 of the full CMAC, in order. <paramref name="scratch16"/> receives the full CMAC.
        /// </summary>
        public void ComputeTruncated(byte[] message, int offset, int length, byte[] scratch16, byte[] mac8, int macOffset)
        {
            Compute(message, offset, length, scratch16, 0);
            Truncate(scratch16, mac8, macOffset);
        }

        /// <summary>MACt from a full CMAC: its bytes at odd positions 1, 3, ... 15, in order (MF3D(H)x2 §9.1.9).</summary>
        public static void Truncate(byte[] fullMac, byte[] mac8, int macOffset)
        {
            mac8[macOffset] = fullMac[1];
            mac8[macOffset + 1] = fullMac[3];
            mac8[macOffset + 2] = fullMac[5];
            mac8[macOffset + 3] = fullMac[7];
            mac8[macOffset + 4] = fullMac[9];
            mac8[macOffset + 5] = fullMac[11];
            mac8[macOffset + 6] = fullMac[13];
            mac8[macOffset + 7] = fullMac[15];
        }

        /// <summary>Where the last block starts: a message of 0..16 bytes is one block (the empty one padded).</summary>
        private static int LastBlockStart(int length) => length == 0 ? 0 : ((length - 1) >> 4) << 4;

        /// <summary>chain ⊕= masked last block, then the final encryption into mac.</summary>
        private void FinishWithLastBlock(byte[] message, int position, int lastLength, byte[] mac, int macOffset)
        {
            if (lastLength == BlockSize)
            {
                AesBlock.Xor2(chain, message, position, K1());
            }
            else
            {
                byte[] p = last;
                Array.Copy(message, position, p, 0, lastLength);
                p[lastLength] = 0x80;
                Array.Clear(p, lastLength + 1, BlockSize - 1 - lastLength);
                AesBlock.Xor2(chain, p, 0, K2());
            }

            cipher.Encrypt(chain, 0, mac, macOffset);
        }
    }
}
