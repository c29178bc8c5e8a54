using System;

namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// NXP AN10922 §2.2 AES-128 key diversification: the card key is CMAC(master key, 01h || M) where M = UID || AID ||
    /// system identifier (at most 31 bytes in all), computed with the application note's own padding rule: the input
    /// is always padded to 32 bytes (80h 00h ...), using K2 when padding was added and K1 when 01h || M fills exactly 32
    /// bytes. (Plain CMAC would pad only to the next 16-byte boundary: the two differ for inputs under 16 bytes.)
    /// So every card carries its own key, and one card's key opened by an attacker opens only that card.
    /// Checked against the note's example (master 00112233..EEFF, UID 04782E21801D80, AID 3042F5, system identifier
    /// "NXP Abu" → A8DD63A3B89D54B37CA802473FDA9175).
    /// </summary>
    public sealed class KeyDiversification
    {
        /// <summary>The AN10922 diversification constant for an AES-128 key.</summary>
        public const byte AesConstant = 0x01;

        public const int MaxInputLength = 31;

        private readonly AesCmac cmac;
        private readonly byte[] input = new byte[32];
        private readonly byte[] subkey = new byte[16];
        private readonly byte[] chain = new byte[16];

        public KeyDiversification(IBlockCipher cipher)
        {
            cmac = new AesCmac(cipher);
        }

        /// <summary>
        /// Diversifies <paramref name="masterKey"/> for one card: <paramref name="uid"/>[0..uidLength), the 3-byte AID
        /// (as sent on the air, LSB first) and <paramref name="systemId"/>[0..systemIdLength). Writes 16 bytes to
        /// <paramref name="cardKey"/>. Returns false (and writes nothing) when the input would exceed 31 bytes.
        /// </summary>
        public bool Diversify(byte[] masterKey, int masterOffset, byte[] uid, int uidLength, byte[] aid, int aidOffset,
            byte[] systemId, int systemIdLength, byte[] cardKey, int cardKeyOffset)
        {
            int length = uidLength + 3 + systemIdLength;
            if (length > MaxInputLength || uidLength < 0 || systemIdLength < 0)
            {
                return false;
            }

            // Native Array.Copy/Array.Clear: one call per field instead of an interpreted loop per byte.
            input[0] = AesConstant;
            Array.Copy(uid, 0, input, 1, uidLength);
            Array.Copy(aid, aidOffset, input, 1 + uidLength, 3);
            Array.Copy(systemId, 0, input, 4 + uidLength, systemIdLength);
            int n = 1 + length;
            bool padded = n < 32;
            if (padded)
            {
                input[n] = 0x80;
                Array.Clear(input, n + 1, 31 - n);
            }

            cmac.SetKey(masterKey, masterOffset);
            cmac.CopySubkey(padded ? 2 : 1, subkey, 0);
            for (int i = 0; i < 16; i++)
            {
                input[16 + i] ^= subkey[i];
            }

            Array.Copy(input, 0, chain, 0, 16);

            // CBC-MAC over the two blocks, IV zero.
            IBlockCipher cipher = cmac.Cipher;
            cipher.Encrypt(chain, 0, chain, 0);
            for (int i = 0; i < 16; i++)
            {
                chain[i] ^= input[16 + i];
            }

            cipher.Encrypt(chain, 0, cardKey, cardKeyOffset);

            // The buffers held key material derived from the master key: clear them.
            Array.Clear(input, 0, 32);
            Array.Clear(chain, 0, 16);
            Array.Clear(subkey, 0, 16);

            return true;
        }
    }
}
