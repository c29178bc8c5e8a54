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
    /// <para>
    /// The site master key is the same for every card of a key version, so its CMAC state (the cipher keyed with it,
    /// subkeys K1 and K2: one AES block and two doublings) is computed once and kept until <see cref="Diversify"/> is
    /// given another master key (compared by content, so a caller may reuse or overwrite its key buffer) or
    /// <see cref="Forget"/> is called. What stays in RAM between taps is the master key's copy and its subkeys: the
    /// terminal holds the master key itself for its whole life anyway (configuration); the card key and the input
    /// block are cleared after every call. The cipher must be this object's own (nothing else may key it).
    /// </para>
    /// </summary>
    public sealed class KeyDiversification
    {
        /// <summary>The AN10922 diversification constant for an AES-128 key.</summary>
        public const byte AesConstant = 0x01;

        public const int MaxInputLength = 31;

        private readonly AesCmac cmac;
        private readonly byte[] input = new byte[32];
        private readonly byte[] cachedMaster = new byte[16];
        private readonly byte[] k1 = new byte[16];
        private readonly byte[] k2 = new byte[16];
        private bool cached;

        public KeyDiversification(IBlockCipher cipher)
        {
            cmac = new AesCmac(cipher);
        }

        /// <summary>Master keys keyed since construction or <see cref="Forget"/> (the subkey cache's misses).</summary>
        public int MasterKeySetups { get; private set; }

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

            if (!cached || !SameMasterKey(masterKey, masterOffset))
            {
                SetUpMasterKey(masterKey, masterOffset);
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

            // CBC-MAC over the two blocks, IV zero: E(E(block 1) XOR (block 2 XOR subkey)): the subkey XORed in place,
            // then one CBC call over both blocks (the chaining XOR inside it); the second ciphertext block is the key.
            AesBlock.XorAt(input, 16, padded ? k2 : k1, 0);
            cmac.Cipher.EncryptCbc(AesCmac.ZeroIv, input, 0, 32, input, 0);
            Array.Copy(input, 16, cardKey, cardKeyOffset, 16);

            // The buffer held the card key's input and the card key: clear it.
            Array.Clear(input, 0, 32);

            return true;
        }

        /// <summary>Clears the cached master key and its subkeys (e.g. when its version is retired); the next
        /// <see cref="Diversify"/> sets them up again. The cipher keeps its key schedule: clear it separately.</summary>
        public void Forget()
        {
            cached = false;
            Array.Clear(cachedMaster, 0, 16);
            Array.Clear(k1, 0, 16);
            Array.Clear(k2, 0, 16);
            cmac.Clear();
        }

        /// <summary>Content comparison by two native 64-bit loads per side (the keys are the terminal's own, not an
        /// attacker's guess: no fixed-time need).</summary>
        private bool SameMasterKey(byte[] masterKey, int offset) =>
            BitConverter.ToInt64(masterKey, offset) == BitConverter.ToInt64(cachedMaster, 0)
            && BitConverter.ToInt64(masterKey, offset + 8) == BitConverter.ToInt64(cachedMaster, 8);

        private void SetUpMasterKey(byte[] masterKey, int offset)
        {
            cmac.SetKey(masterKey, offset);
            cmac.CopySubkey(1, k1, 0);
            cmac.CopySubkey(2, k2, 0);
            Array.Copy(masterKey, offset, cachedMaster, 0, 16);
            cached = true;
            MasterKeySetups++;
        }
    }
}
