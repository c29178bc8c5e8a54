using System;

namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// The cryptography of a MIFARE DESFire EV2/EV3 AES session (EV2 secure messaging), independent of the transport:
    /// <list type="bullet">
    /// <item>AuthenticateEV2First (MF3D(H)x2 datasheet §9.1.5, NXP AN12343/AN12196): the card sends E(K, RndB); the
    /// reader answers E(K, RndA || RndB') with RndB' = RndB rotated left one byte (AES-CBC, IV 0); the card answers
    /// E(K, TI || RndA' || PDcap2 || PCDcap2), and RndA' must be RndA rotated left — proof the card holds K.</item>
    /// <item>Session keys (§9.1.7): SesAuthENCKey = CMAC(K, A5 5A 00 01 00 80 || RndA[15..14] || (RndA[13..8] ⊕
    /// RndB[15..10]) || RndB[9..0] || RndA[7..0]); SesAuthMACKey the same with 5A A5 (bytes numbered MSB first, so
    /// RndA[15] is the first byte sent).</item>
    /// <item>MACs (§9.1.9): MACt = the odd-position bytes of CMAC(SesAuthMACKey, ...): a command MAC over Cmd || CmdCtr
    /// || TI || header || data, a response MAC over RC || CmdCtr || TI || data after CmdCtr was incremented; CmdCtr is a
    /// 16-bit little-endian counter of the commands of the session.</item>
    /// <item>CommMode.Full data (§9.1.10): AES-CBC with SesAuthENCKey; IV = E(SesAuthENCKey, A5 5A || TI || CmdCtr ||
    /// 0^8) for commands and 5A A5 for responses; data padded 80 00.. (ISO/IEC 9797-1 method 2).</item>
    /// </list>
    /// Checked against the AN12196 worked example (authentication with key 3, then a WriteData in CommMode.Full: the
    /// ciphertext, the command MAC and the card's response MAC). No allocation after construction; keys are cleared by
    /// <see cref="Clear"/>.
    /// </summary>
    public sealed partial class DesfireSession
    {
        /// <summary>Longest MAC input: 7 bytes of header (code, CmdCtr, TI) + command header + data (a 192-byte ReadData).</summary>
        public const int MaxMacInput = 208;

        private readonly IBlockCipher keyCipher;
        private readonly IBlockCipher encCipher;
        private readonly AesCmac keyCmac;
        private readonly AesCmac macCmac;
        private readonly byte[] rndA = new byte[16];
        private readonly byte[] rndB = new byte[16];
        private readonly byte[] block = new byte[32];
        private readonly byte[] sv = new byte[32];
        private readonly byte[] svCipher = new byte[32];
        private readonly byte[] sessionKey = new byte[16];
        private readonly byte[] macInput = new byte[MaxMacInput + 16]; // + room for the CMAC padding, computed in place
        private readonly byte[] fullMac = new byte[16];
        private readonly byte[] iv = new byte[16];
        private readonly byte[] ti = new byte[4];
        private bool encryptionKeyPending;
        private readonly bool keyCipherIsMacCipher;

        /// <param name="keyCipher">keyed with the card key K during the authentication (also feeds the CMAC that derives the session keys)</param>
        /// <param name="encCipher">keyed with SesAuthENCKey</param>
        /// <param name="macCipher">keyed with SesAuthMACKey</param>
        public DesfireSession(IBlockCipher keyCipher, IBlockCipher encCipher, IBlockCipher macCipher)
        {
            this.keyCipher = keyCipher;
            this.encCipher = encCipher;
            keyCipherIsMacCipher = keyCipher == macCipher;
            keyCmac = new AesCmac(keyCipher);
            macCmac = new AesCmac(macCipher);
        }

        // Fields behind read-only properties: nanoCLR inlines nothing, so an auto-property costs a call per use; the
        // commands (same assembly) read the fields.
        internal bool authenticated;
        internal DesfireSecureMessaging secureMessaging;
        private int commandCounter;

        // True while every buffer Clear wipes is already zero (after Clear, and at construction): Clear then has nothing
        // to do. Every method that writes one of them sets it false first (authentication steps, MAC checks, IVs).
        private bool clean = true;

        /// <summary>True after a successful <see cref="CompleteAuthentication"/> or <see cref="CompleteAuthenticationEv1"/> until <see cref="Clear"/>.</summary>
        public bool Authenticated => authenticated;

        /// <summary>Which secure messaging the authentication set up: EV2 (AuthenticateEV2First) or EV1 (AuthenticateAES); None before.</summary>
        public DesfireSecureMessaging SecureMessaging => secureMessaging;

        /// <summary>CmdCtr: commands sent in this session (datasheet §9.1.2).</summary>
        public int CommandCounter => commandCounter;

        /// <summary>Transaction identifier chosen by the card (4 bytes).</summary>
        public byte[] TransactionIdentifier => ti;

        /// <summary>
        /// Step 2 of AuthenticateEV2First: decrypts <paramref name="encryptedRndB"/> (16 bytes) with key K and writes
        /// E(K, RndA || RndB') (32 bytes) to <paramref name="answer"/>. <paramref name="randomA"/> is the reader's
        /// 16-byte challenge (from a good random source on the device).
        /// </summary>
        public void BeginAuthentication(byte[] key, int keyOffset, byte[] randomA, int randomAOffset, byte[] encryptedRndB, int encryptedOffset, byte[] answer, int answerOffset)
        {
            Clear();
            BeginClearedAuthentication(key, keyOffset, randomA, randomAOffset, encryptedRndB, encryptedOffset, answer, answerOffset);
        }

        /// <summary><see cref="BeginAuthentication"/> for a caller that has just cleared the session (DesfireCommands
        /// clears it before its first exchange): the second Clear would only zero zeros.</summary>
        internal void BeginClearedAuthentication(byte[] key, int keyOffset, byte[] randomA, int randomAOffset, byte[] encryptedRndB, int encryptedOffset, byte[] answer, int answerOffset)
        {
            clean = false;
            keyCmac.SetKey(key, keyOffset);
            keyCipher.Decrypt(encryptedRndB, encryptedOffset, rndB, 0); // CBC with IV 0 over one block = ECB

            // RndA || RndB' (RndB rotated left one byte) by native Array.Copy: one call instead of 16 interpreted iterations.
            byte[] plain = block;
            Array.Copy(randomA, randomAOffset, rndA, 0, 16);
            Array.Copy(randomA, randomAOffset, plain, 0, 16);
            Array.Copy(rndB, 1, plain, 16, 15);
            plain[31] = rndB[0];

            // AES-CBC, IV 0, over RndA || RndB': one CBC call (the chaining XOR inside it, natively on the device).
            keyCipher.EncryptCbc(AesCmac.ZeroIv, plain, 0, 32, answer, answerOffset);
        }

        /// <summary>
        /// Step 3: decrypts the card's 32-byte answer, checks RndA' (the proof that the card holds K), takes TI and derives
        /// the session keys. False when the card did not prove the key (a clone without the keys): nothing is keyed then.
        /// </summary>
        public bool CompleteAuthentication(byte[] encryptedAnswer, int offset)
        {
            // AES-CBC decryption, IV 0, one call over both blocks: TI || RndA' || PDcap2 || PCDcap2.
            clean = false;
            keyCipher.DecryptCbc(AesCmac.ZeroIv, encryptedAnswer, offset, 32, block, 0);

            // RndA' = RndA rotated left one byte; compared in fixed time: the rotation built by native copies, then two
            // native 64-bit loads per side (BitConverter), XOR and OR, no early exit (16 bytes compared one by one cost
            // ≈ 130 IL instructions on nanoCLR).
            byte[] r = svCipher;
            Array.Copy(rndA, 1, r, 0, 15);
            r[15] = rndA[0];
            long difference = (BitConverter.ToInt64(block, 4) ^ BitConverter.ToInt64(r, 0))
                | (BitConverter.ToInt64(block, 12) ^ BitConverter.ToInt64(r, 8));

            if (difference != 0)
            {
                Clear();
                return false;
            }

            Array.Copy(block, 0, ti, 0, 4);

            // SV1 and SV2 differ only in their two label bytes: the vector is built once, and its second block XOR K1
            // (CMAC's last-block mask, SP 800-38B) computed once for both, in place; each CMAC is then the last block of
            // one CBC call over the vector. SesAuthMACKey now (every command of the session needs it); SesAuthENCKey
            // only when CommMode.Full data needs it (DeriveEncryptionKey): a tap that reads its file in CommMode.MAC
            // never derives it. Until then the vector stays (cleared by Clear).
            BuildSessionVector();
            keyCmac.MaskWholeLastBlockInPlace(sv, 16);
            if (keyCipherIsMacCipher)
            {
                // One cipher object for K and SesAuthMACKey: keying the MAC key ends K, so SesAuthENCKey comes first.
                ComputeEncryptionKey();
            }
            else
            {
                encryptionKeyPending = true;
            }

            sv[0] = 0x5A;
            sv[1] = 0xA5;
            keyCipher.EncryptCbc(AesCmac.ZeroIv, sv, 0, 32, svCipher, 0);
            macCmac.SetKey(svCipher, 16);
            Array.Clear(svCipher, 0, 32);
            Array.Clear(rndA, 0, 16);
            Array.Clear(rndB, 0, 16);
            if (!encryptionKeyPending)
            {
                Array.Clear(sv, 0, 32);
            }

            commandCounter = 0;
            secureMessaging = DesfireSecureMessaging.Ev2;
            authenticated = true;
            return true;
        }

        /// <summary>SesAuthENCKey = CMAC(K, SV1) (§9.1.7), keyed into the encryption cipher the first time CommMode.Full
        /// data is encrypted or decrypted in an EV2 session; then the session vector is cleared.</summary>
        private void DeriveEncryptionKey()
        {
            if (!encryptionKeyPending)
            {
                return;
            }

            ComputeEncryptionKey();
            encryptionKeyPending = false;
            Array.Clear(sv, 0, 32);
        }

        private void ComputeEncryptionKey()
        {
            sv[0] = 0xA5;
            sv[1] = 0x5A;
            keyCipher.EncryptCbc(AesCmac.ZeroIv, sv, 0, 32, svCipher, 0);
            encCipher.SetKey(svCipher, 16);
            Array.Clear(svCipher, 0, 32);
        }

        /// <summary>SV bytes 2..31 (the label at 0..1 is set per key).</summary>
        private void BuildSessionVector()
        {
            byte[] v = sv;
            byte[] a = rndA;
            byte[] b = rndB;
            v[2] = 0x00;
            v[3] = 0x01;
            v[4] = 0x00;
            v[5] = 0x80;
            v[6] = a[0];
            v[7] = a[1];
            v[8] = (byte)(a[2] ^ b[0]);
            v[9] = (byte)(a[3] ^ b[1]);
            v[10] = (byte)(a[4] ^ b[2]);
            v[11] = (byte)(a[5] ^ b[3]);
            v[12] = (byte)(a[6] ^ b[4]);
            v[13] = (byte)(a[7] ^ b[5]);
            Array.Copy(b, 6, v, 14, 10);
            Array.Copy(a, 8, v, 24, 8);
        }

        /// <summary>MACt over Cmd || CmdCtr || TI || header || data into <paramref name="mac8"/> (8 bytes). False if too long.</summary>
        public bool CommandMac(byte command, byte[] header, int headerOffset, int headerLength, byte[] data, int dataOffset, int dataLength, byte[] mac8, int macOffset)
        {
            if (secureMessaging == DesfireSecureMessaging.Ev1Aes)
            {
                return Ev1CommandMac(command, header, headerOffset, headerLength, data, dataOffset, dataLength, mac8, macOffset);
            }

            int n = StartMacInput(command, commandCounter);
            if (n + headerLength + dataLength > MaxMacInput)
            {
                return false;
            }

            Array.Copy(header, headerOffset, macInput, n, headerLength);
            n += headerLength;
            Array.Copy(data, dataOffset, macInput, n, dataLength);
            n += dataLength;
            macCmac.ComputeInPlace(macInput, n, fullMac, 0);
            AesCmac.Truncate(fullMac, mac8, macOffset);
            return true;
        }

        /// <summary>
        /// Ends a command: CmdCtr + 1, then checks the card's MACt over RC || CmdCtr || TI || data (fixed time). A wrong
        /// MAC ends the session (<see cref="Authenticated"/> false): the data must not be trusted.
        /// </summary>
        public bool VerifyResponseMac(byte status, byte[] data, int dataOffset, int dataLength, byte[] cardMac, int cardMacOffset)
        {
            if (secureMessaging == DesfireSecureMessaging.Ev1Aes)
            {
                return Ev1VerifyResponseMac(status, data, dataOffset, dataLength, cardMac, cardMacOffset);
            }

            clean = false;
            int counter = (commandCounter + 1) & 0xFFFF;
            commandCounter = counter;
            int n = StartMacInput(status, counter);
            if (!authenticated || n + dataLength > MaxMacInput)
            {
                Clear();
                return false;
            }

            Array.Copy(data, dataOffset, macInput, n, dataLength);
            n += dataLength;
            // MACt = the odd bytes of the full CMAC, compared in fixed time without extracting them first.
            macCmac.ComputeInPlace(macInput, n, fullMac, 0);
            byte[] f = fullMac;
            int o = cardMacOffset;
            int difference = (f[1] ^ cardMac[o]) | (f[3] ^ cardMac[o + 1]) | (f[5] ^ cardMac[o + 2]) | (f[7] ^ cardMac[o + 3])
                | (f[9] ^ cardMac[o + 4]) | (f[11] ^ cardMac[o + 5]) | (f[13] ^ cardMac[o + 6]) | (f[15] ^ cardMac[o + 7]);

            if (difference != 0)
            {
                Clear();
                return false;
            }

            return true;
        }

        /// <summary>
        /// CommMode.Full command data: pads data[0..length) with 80 00.. in place (the buffer must hold the padded
        /// length) and encrypts it (AES-CBC, IV = E(SesAuthENCKey, A5 5A || TI || CmdCtr || 0^8)). Returns the padded length.
        /// </summary>
        public int EncryptCommandData(byte[] data, int offset, int length)
        {
            int padded = (length / 16 + 1) * 16;
            data[offset + length] = 0x80;
            Array.Clear(data, offset + length + 1, padded - length - 1);

            BuildIv(0xA5, 0x5A, commandCounter);
            encCipher.EncryptCbc(iv, data, offset, padded, data, offset);

            return padded;
        }

        /// <summary>
        /// CommMode.Full response data, after <see cref="VerifyResponseMac"/> accepted it: decrypts in place (IV =
        /// E(SesAuthENCKey, 5A A5 || TI || CmdCtr || 0^8), CmdCtr already incremented) and returns the length without the
        /// 80 00.. padding, or -1 when the length is not whole blocks or the padding is malformed.
        /// </summary>
        public int DecryptResponseData(byte[] data, int offset, int length)
        {
            if (length <= 0 || length % 16 != 0)
            {
                return -1;
            }

            BuildIv(0x5A, 0xA5, commandCounter);
            encCipher.DecryptCbc(iv, data, offset, length, data, offset);

            int end = length - 1;
            while (end >= length - 16 && data[offset + end] == 0)
            {
                end--;
            }

            return end >= length - 16 && data[offset + end] == 0x80 ? end : -1;
        }

        /// <summary>Forgets the session: keys, challenges, TI, counter.</summary>
        public void Clear()
        {
            if (clean)
            {
                // Nothing written since the last Clear (a tap clears the session when it opens it, before
                // SelectApplication and before each authentication): ≈ 60 IL instructions each time on nanoCLR.
                return;
            }

            authenticated = false;
            secureMessaging = DesfireSecureMessaging.None;
            commandCounter = 0;

            // Native Array.Clear: the session is cleared several times per tap (SelectApplication, each authentication,
            // session open and close); as interpreted loops that was ≈ 1,100 IL instructions each.
            Array.Clear(ev1Iv, 0, 16);
            Array.Clear(rndA, 0, 16);
            Array.Clear(rndB, 0, 16);
            Array.Clear(sessionKey, 0, 16);
            Array.Clear(iv, 0, 16);
            Array.Clear(block, 0, 32);
            Array.Clear(sv, 0, 32);
            Array.Clear(svCipher, 0, 32);
            Array.Clear(ti, 0, 4);
            encryptionKeyPending = false;
            clean = true;
        }

        private int StartMacInput(byte first, int counter)
        {
            macInput[0] = first;
            macInput[1] = (byte)counter;
            macInput[2] = (byte)(counter >> 8);
            Array.Copy(ti, 0, macInput, 3, 4);

            return 7;
        }

        private void BuildIv(byte label0, byte label1, int counter)
        {
            clean = false;
            DeriveEncryptionKey();
            iv[0] = label0;
            iv[1] = label1;
            Array.Copy(ti, 0, iv, 2, 4);
            iv[6] = (byte)counter;
            iv[7] = (byte)(counter >> 8);
            Array.Clear(iv, 8, 8);

            encCipher.Encrypt(iv, 0, iv, 0);
        }
    }
}
