namespace LeoCarte.Drivers.Desfire
{
    /// <summary>Secure messaging a DESFire session runs after authentication.</summary>
    public enum DesfireSecureMessaging : byte
    {
        /// <summary>Not authenticated.</summary>
        None = 0,

        /// <summary>DESFire EV1 AuthenticateAES (AAh): one session key, CMAC chained through the session IV.</summary>
        Ev1Aes = 1,

        /// <summary>DESFire EV2/EV3 AuthenticateEV2First (71h): SesAuthENC/MAC keys, TI, CmdCtr, MACt.</summary>
        Ev2 = 2,
    }

    /// <summary>
    /// DESFire EV1 AES authentication and secure messaging (MF3ICDx21/41/81 "AuthenticateAES", the scheme libfreefare
    /// and proxmark3 <c>DesfireSecureChannelEncodeEV1/DecodeEV1</c> implement; EV2/EV3 cards accept it too):
    /// <list type="bullet">
    /// <item>AuthenticateAES (AAh): every cryptogram goes through AES-CBC with ONE IV that is zero when the
    /// authentication starts and chains through the three cryptograms: RndB = D(K, E(K,RndB)) with IV 0; the reader
    /// sends E(K, RndA || RndB') with IV = the card's cryptogram; the card answers E(K, RndA') with IV = the last block
    /// the reader sent. RndA' must be RndA rotated left one byte.</item>
    /// <item>Session key = RndA[0..3] || RndB[0..3] || RndA[12..15] || RndB[12..15] (bytes in the order sent);
    /// the session IV starts at zero.</item>
    /// <item>CMAC "as IV": every command sent while authenticated is CMACed (command code || parameters || data) with
    /// the chain starting from the session IV, and the IV becomes that CMAC, whether the MAC is transmitted (MACed
    /// writes) or not (ReadData, GetValue: the MAC only keeps the IV in step). Every answer with status 00 carries
    /// the first 8 bytes of CMAC(data || status), chained the same way.</item>
    /// </list>
    /// Checked against the published DESFire EV1 AES authentication traces (key 00..00 and key 10 18 20 .. 88, RndA,
    /// E(RndB), E(RndA||RndB'), E(RndA'), session key) and, for the MAC chaining, against the simulator's independent
    /// implementation over System.Security.Cryptography.
    /// </summary>
    public sealed partial class DesfireSession
    {
        private readonly byte[] ev1Iv = new byte[16];

        /// <summary>
        /// Step 2 of AuthenticateAES (EV1): decrypts <paramref name="encryptedRndB"/> (16 bytes, IV 0) with K and writes
        /// E(K, RndA || RndB') (32 bytes, CBC with IV = the card's cryptogram) to <paramref name="answer"/>.
        /// </summary>
        public void BeginAuthenticationEv1(byte[] key, int keyOffset, byte[] randomA, int randomAOffset, byte[] encryptedRndB, int encryptedOffset, byte[] answer, int answerOffset)
        {
            Clear();
            clean = false;
            keyCipher.SetKey(key, keyOffset);
            keyCipher.Decrypt(encryptedRndB, encryptedOffset, rndB, 0); // IV 0: the decrypted block is RndB itself
            System.Array.Copy(randomA, randomAOffset, rndA, 0, 16);

            // First block of the reader's token: RndA XOR the IV, which is now the card's cryptogram.
            AesBlock.XorInto(block, encryptedRndB, encryptedOffset, rndA);
            keyCipher.Encrypt(block, 0, answer, answerOffset);

            // Second block: RndB' (RndB rotated left one byte) XOR the first block sent.
            System.Array.Copy(rndB, 1, block, 16, 15);
            block[31] = rndB[0];
            AesBlock.XorAt(block, 16, answer, answerOffset);
            keyCipher.Encrypt(block, 16, answer, answerOffset + 16);

            // The IV for the card's answer is the last block sent.
            System.Array.Copy(answer, answerOffset + 16, ev1Iv, 0, 16);
        }

        /// <summary>
        /// Step 3 of AuthenticateAES: decrypts the card's 16-byte E(K, RndA') (IV = the last block the reader sent), checks
        /// RndA' (the proof that the card holds K), derives the session key and starts EV1 secure messaging with a zero
        /// IV. False when the card did not prove the key: nothing is keyed then.
        /// </summary>
        public bool CompleteAuthenticationEv1(byte[] encryptedRndA, int offset)
        {
            clean = false;
            keyCipher.Decrypt(encryptedRndA, offset, block, 0);

            // D(E(RndA')) XOR IV = RndA', which must be RndA rotated left one byte: fixed time, written out.
            byte[] p = block;
            byte[] v = ev1Iv;
            byte[] a = rndA;
            int difference = (p[0] ^ v[0] ^ a[1]) | (p[1] ^ v[1] ^ a[2]) | (p[2] ^ v[2] ^ a[3]) | (p[3] ^ v[3] ^ a[4])
                | (p[4] ^ v[4] ^ a[5]) | (p[5] ^ v[5] ^ a[6]) | (p[6] ^ v[6] ^ a[7]) | (p[7] ^ v[7] ^ a[8])
                | (p[8] ^ v[8] ^ a[9]) | (p[9] ^ v[9] ^ a[10]) | (p[10] ^ v[10] ^ a[11]) | (p[11] ^ v[11] ^ a[12])
                | (p[12] ^ v[12] ^ a[13]) | (p[13] ^ v[13] ^ a[14]) | (p[14] ^ v[14] ^ a[15]) | (p[15] ^ v[15] ^ a[0]);

            if (difference != 0)
            {
                Clear();
                return false;
            }

            System.Array.Copy(rndA, 0, sessionKey, 0, 4);
            System.Array.Copy(rndB, 0, sessionKey, 4, 4);
            System.Array.Copy(rndA, 12, sessionKey, 8, 4);
            System.Array.Copy(rndB, 12, sessionKey, 12, 4);

            encCipher.SetKey(sessionKey, 0);
            macCmac.SetKey(sessionKey, 0);
            System.Array.Clear(sessionKey, 0, 16);
            System.Array.Clear(rndA, 0, 16);
            System.Array.Clear(rndB, 0, 16);
            System.Array.Clear(ev1Iv, 0, 16);

            commandCounter = 0;
            secureMessaging = DesfireSecureMessaging.Ev1Aes;
            authenticated = true;
            return true;
        }

        /// <summary>The session IV of EV1 secure messaging (for tests against published traces).</summary>
        public void CopyEv1Iv(byte[] destination, int offset)
        {
            System.Array.Copy(ev1Iv, 0, destination, offset, 16);
        }

        /// <summary>
        /// EV1: CMAC over Cmd || header || data continuing from the session IV, which becomes the CMAC; the first 8 bytes
        /// go to <paramref name="mac8"/> (appended only by MACed writes; a ReadData command keeps it to itself).
        /// </summary>
        private bool Ev1CommandMac(byte command, byte[] header, int headerOffset, int headerLength, byte[] data, int dataOffset, int dataLength, byte[] mac8, int macOffset)
        {
            if (!Authenticated || 1 + headerLength + dataLength > MaxMacInput)
            {
                return false;
            }

            macInput[0] = command;
            System.Array.Copy(header, headerOffset, macInput, 1, headerLength);
            System.Array.Copy(data, dataOffset, macInput, 1 + headerLength, dataLength);
            int n = 1 + headerLength + dataLength;

            macCmac.ComputeChained(ev1Iv, macInput, 0, n, fullMac, 0);
            commandCounter = (commandCounter + 1) & 0xFFFF;
            System.Array.Copy(fullMac, 0, mac8, macOffset, 8);

            return true;
        }

        /// <summary>EV1: the card's 8-byte MAC = the first half of CMAC(data || status) from the session IV (fixed-time compare).</summary>
        private bool Ev1VerifyResponseMac(byte status, byte[] data, int dataOffset, int dataLength, byte[] cardMac, int cardMacOffset)
        {
            if (!Authenticated || dataLength + 1 > MaxMacInput)
            {
                Clear();
                return false;
            }

            System.Array.Copy(data, dataOffset, macInput, 0, dataLength);
            macInput[dataLength] = status;
            macCmac.ComputeChained(ev1Iv, macInput, 0, dataLength + 1, fullMac, 0);
            byte[] f = fullMac;
            int o = cardMacOffset;
            int difference = (f[0] ^ cardMac[o]) | (f[1] ^ cardMac[o + 1]) | (f[2] ^ cardMac[o + 2]) | (f[3] ^ cardMac[o + 3])
                | (f[4] ^ cardMac[o + 4]) | (f[5] ^ cardMac[o + 5]) | (f[6] ^ cardMac[o + 6]) | (f[7] ^ cardMac[o + 7]);

            if (difference != 0)
            {
                Clear();
                return false;
            }

            return true;
        }
    }
}
