using LeoCarte.Drivers.Iso14443;

namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// The legacy DESFire authentication with a DES or 2K3DES key (native Authenticate 0Ah, the D40 scheme DESFire EV1, EV2
    /// and EV3 keep for DES keys; MF3ICD81 "Authenticate", libfreefare <c>mifare_desfire_authenticate</c> with
    /// <c>AS_LEGACY</c>), which a factory-fresh card's PICC master key (a DES key of 16 zero bytes, "delivery
    /// configuration") needs before its PICC master key can be changed:
    /// <list type="bullet">
    /// <item>the card only enciphers; the reader only deciphers, in two modes (libfreefare <c>mifare_cypher_blocks_chained</c>,
    /// IV zero at the start of each message): "receive" P_i = D(K, C_i) ⊕ C_(i−1) and "send" C_i = D(K, P_i ⊕ C_(i−1));</item>
    /// <item>the card sends E(K, RndB) (8 bytes); the reader answers send-mode D(K, RndA ‖ RndB') with RndB' = RndB rotated
    /// left one byte; the card answers E(K, RndA'), RndA' = RndA rotated left — proof it holds K;</item>
    /// <item>session key: RndA[0..3] ‖ RndB[0..3], a DES key, when K's halves are equal (a DES key, as the default key);
    /// RndA[0..3] ‖ RndB[0..3] ‖ RndA[4..7] ‖ RndB[4..7] (2K3DES) otherwise;</item>
    /// <item>after it, plain commands and their answers carry no MAC; ChangeKey sends, in send mode with the session key,
    /// new key ‖ [key version, for an AES key] ‖ CRC_A of those bytes (ISO/IEC 14443-3's CRC16, LSB first), zero-padded
    /// to whole 8-byte blocks — for another key than the authenticating one (new ⊕ current) ‖ [version] ‖ CRC_A of
    /// that ‖ CRC_A(new key) (libfreefare <c>mifare_desfire_change_key</c>, <c>AS_LEGACY</c>).</item>
    /// </list>
    /// Checked against three real cards' traces with the default key (NXP community thread 395903; mifare.net forum replies
    /// 12600 and 18844, the last with a ChangeKeySettings the card accepted, enciphered in send mode with a session key that
    /// is not weak: it fixes the decipher direction and CRC_A) and the simulator's card side (.NET's TripleDES). The DES cipher is made on first
    /// use: a terminal, which never authenticates this way, does not carry it. Keys are wiped by <see cref="ClearLegacy"/>
    /// (not by <see cref="Clear"/>: the caller — <see cref="DesfireCommands"/> and the personaliser — ends it explicitly).
    /// </summary>
    public sealed partial class DesfireSession
    {
        /// <summary>Longest legacy ChangeKey cryptogram: 16 key bytes + version + 2 CRCs, padded to 8-byte blocks.</summary>
        public const int MaxLegacyCryptogram = 24;

        private TripleDes legacyCipher;
        private byte[] legacyRndA;
        private byte[] legacyRndB;
        private byte[] legacyBlock;
        private bool legacyDesKey;

        /// <summary>True after <see cref="CompleteLegacyAuthentication"/> succeeded, until <see cref="ClearLegacy"/>.</summary>
        public bool LegacyAuthenticated { get; private set; }

        /// <summary>True when the legacy session key is a single DES key (the card's key had equal halves).</summary>
        public bool LegacySessionIsSingleDes => LegacyAuthenticated && legacyDesKey;

        /// <summary>
        /// Step 2 of the legacy Authenticate (0Ah): with the 16-byte DES/2K3DES key K (equal halves = DES), deciphers the
        /// card's E(K, RndB) (8 bytes) and writes the send-mode D(K, RndA ‖ RndB') (16 bytes) to <paramref name="answer"/>.
        /// <paramref name="randomA"/> is the reader's 8-byte challenge. Ends any other session (AES keys are cleared).
        /// </summary>
        public void BeginLegacyAuthentication(byte[] key, int keyOffset, byte[] randomA, int randomAOffset, byte[] encryptedRndB, int encryptedOffset,
            byte[] answer, int answerOffset)
        {
            Clear();
            ClearLegacy();
            if (legacyCipher == null)
            {
                legacyCipher = new TripleDes();
                legacyRndA = new byte[8];
                legacyRndB = new byte[8];
                legacyBlock = new byte[MaxLegacyCryptogram];
            }

            legacyCipher.SetKey(key, keyOffset, 16);
            legacyDesKey = legacyCipher.IsSingleDes;

            // Receive mode, IV zero: RndB = D(K, E(K, RndB)).
            legacyCipher.Decrypt(encryptedRndB, encryptedOffset, legacyRndB, 0);
            for (int i = 0; i < 8; i++)
            {
                legacyRndA[i] = randomA[randomAOffset + i];
                legacyBlock[i] = legacyRndA[i];
                legacyBlock[8 + i] = legacyRndB[(i + 1) & 7];
            }

            SendMode(legacyBlock, 0, 16, answer, answerOffset);
            for (int i = 0; i < 16; i++)
            {
                legacyBlock[i] = 0;
            }
        }

        /// <summary>
        /// Step 3: deciphers the card's E(K, RndA') (8 bytes, receive mode from IV zero), checks it is RndA rotated left (in
        /// fixed time) and keys the session. False when the card did not prove K: nothing is keyed then.
        /// </summary>
        public bool CompleteLegacyAuthentication(byte[] encryptedRndA, int offset)
        {
            if (legacyCipher == null)
            {
                return false;
            }

            legacyCipher.Decrypt(encryptedRndA, offset, legacyBlock, 0);
            int difference = 0;
            for (int i = 0; i < 8; i++)
            {
                difference |= legacyBlock[i] ^ legacyRndA[(i + 1) & 7];
            }

            if (difference != 0)
            {
                ClearLegacy();
                return false;
            }

            // Session key (MF3ICD81 "Authenticate"; libfreefare mifare_desfire_session_key_new, T_DES / T_3DES).
            for (int i = 0; i < 4; i++)
            {
                legacyBlock[i] = legacyRndA[i];
                legacyBlock[4 + i] = legacyRndB[i];
                legacyBlock[8 + i] = legacyDesKey ? legacyRndA[i] : legacyRndA[4 + i];
                legacyBlock[12 + i] = legacyDesKey ? legacyRndB[i] : legacyRndB[4 + i];
            }

            legacyCipher.SetKey(legacyBlock, 0, 16);
            for (int i = 0; i < MaxLegacyCryptogram; i++)
            {
                legacyBlock[i] = 0;
            }

            for (int i = 0; i < 8; i++)
            {
                legacyRndA[i] = 0;
                legacyRndB[i] = 0;
            }

            LegacyAuthenticated = true;
            return true;
        }

        /// <summary>
        /// The legacy ChangeKey cryptogram into output[offset..) and its length (24), or -1 without a legacy session.
        /// <paramref name="currentKey"/> null: the key changed is the one that authenticated; otherwise its current value
        /// (16 bytes). <paramref name="aesKey"/>: the new key is AES, so its version byte follows it (a DES key keeps its
        /// version in its parity bits).
        /// </summary>
        public int BuildLegacyChangeKeyCryptogram(byte[] newKey, int newKeyOffset, byte[] currentKey, int currentKeyOffset, bool aesKey, byte keyVersion,
            byte[] output, int offset)
        {
            if (!LegacyAuthenticated)
            {
                return -1;
            }

            for (int i = 0; i < 16; i++)
            {
                byte k = newKey[newKeyOffset + i];
                legacyBlock[i] = currentKey == null ? k : (byte)(k ^ currentKey[currentKeyOffset + i]);
            }

            int used = 16;
            if (aesKey)
            {
                legacyBlock[used++] = keyVersion;
            }

            CrcA.Append(legacyBlock, 0, used);
            used += 2;
            if (currentKey != null)
            {
                ushort crc = CrcA.Compute(newKey, newKeyOffset, 16);
                legacyBlock[used] = (byte)crc;
                legacyBlock[used + 1] = (byte)(crc >> 8);
                used += 2;
            }

            int padded = (used + 7) / 8 * 8;
            for (int i = used; i < MaxLegacyCryptogram; i++)
            {
                legacyBlock[i] = 0;
            }

            SendMode(legacyBlock, 0, padded, output, offset);
            for (int i = 0; i < MaxLegacyCryptogram; i++)
            {
                legacyBlock[i] = 0;
            }

            return padded;
        }

        /// <summary>
        /// Enciphered command data under the legacy session (e.g. ChangeKeySettings 54h): data[offset..offset+length)
        /// followed by its CRC_A, zero-padded to whole 8-byte blocks and put through send mode in place (the buffer must hold
        /// the padded length). Returns the padded length, or -1 without a legacy session.
        /// </summary>
        public int EncipherLegacy(byte[] data, int offset, int length)
        {
            if (!LegacyAuthenticated)
            {
                return -1;
            }

            CrcA.Append(data, offset, length);
            int padded = (length + 2 + 7) / 8 * 8;
            for (int i = length + 2; i < padded; i++)
            {
                data[offset + i] = 0;
            }

            SendMode(data, offset, padded, data, offset);
            return padded;
        }

        /// <summary>Ends the legacy session: the session key, challenges and scratch wiped.</summary>
        public void ClearLegacy()
        {
            LegacyAuthenticated = false;
            legacyDesKey = false;
            if (legacyCipher == null)
            {
                return;
            }

            legacyCipher.Clear();
            for (int i = 0; i < 8; i++)
            {
                legacyRndA[i] = 0;
                legacyRndB[i] = 0;
            }

            for (int i = 0; i < MaxLegacyCryptogram; i++)
            {
                legacyBlock[i] = 0;
            }
        }

        /// <summary>Send mode (IV zero): C_i = D(K, P_i ⊕ C_(i−1)), in place allowed.</summary>
        private void SendMode(byte[] input, int inputOffset, int length, byte[] output, int outputOffset)
        {
            for (int b = 0; b < length; b += 8)
            {
                for (int i = 0; i < 8; i++)
                {
                    byte previous = b == 0 ? (byte)0 : output[outputOffset + b - 8 + i];
                    output[outputOffset + b + i] = (byte)(input[inputOffset + b + i] ^ previous);
                }

                legacyCipher.Decrypt(output, outputOffset + b, output, outputOffset + b);
            }
        }
    }
}
