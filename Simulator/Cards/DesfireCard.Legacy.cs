using System;
using System.Linq;
using System.Security.Cryptography;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>
    /// The card side of the legacy DES/2K3DES authentication (native Authenticate 0Ah, MF3ICD81) and of ChangeKey under it,
    /// written over System.Security.Cryptography's TripleDES, independently of the driver. A card made by
    /// <see cref="VirtualCard.Desfire"/> is factory-fresh: PICC master key DES of 16 zero bytes (<see cref="PiccDesKey"/>,
    /// version 0), PICC key settings 0Fh.
    /// <list type="bullet">
    /// <item>The card only enciphers: it sends E(K, RndB); it reads the reader's send-mode token as RndA = E(K, T1),
    /// RndB' = E(K, T2) ⊕ T1 and answers E(K, RndA rotated left). An AES key (the PICC's after it was changed, every
    /// application key in this model) answers AEh.</item>
    /// <item>Session key RndA[0..3] RndB[0..3] (DES, when K's halves are equal) or RndA[0..3] RndB[0..3] RndA[4..7]
    /// RndB[4..7] (2K3DES).</item>
    /// <item>Plain commands and answers carry no MAC in this session. ChangeKey of the PICC master key: 24 bytes read back as
    /// P_i = E(Ks, C_i) ⊕ C_(i−1); new key ‖ [version if key number has 80h: AES] ‖ CRC_A(those bytes) ‖ zeros, checked
    /// (1Eh INTEGRITY_ERROR otherwise); the PICC key becomes AES (<see cref="DesfireCard.PiccMasterKey"/>) or another DES
    /// key; the session ends, the answer is the status alone.</item>
    /// </list>
    /// </summary>
    public sealed partial class DesfireCard
    {
        private bool legacySession;
        private byte[] legacyKey;
        private byte[] legacyRndB;

        /// <summary>
        /// The PICC master key while it is a DES/2K3DES key (<see cref="PiccMasterKey"/> null): 16 zero bytes from the
        /// factory. A DES key's version is in the low bits of its first 8 bytes (libfreefare <c>mifare_desfire_key_get_version</c>).
        /// </summary>
        public byte[] PiccDesKey { get; set; } = new byte[16];

        /// <summary>Legacy (0Ah) authentications that succeeded (for tests).</summary>
        public int LegacyAuthentications { get; private set; }

        /// <summary>The version GetKeyVersion answers for the PICC master key: the AES key's version byte, or a DES key's parity bits.</summary>
        private byte PiccVersionNow => PiccMasterKey != null ? PiccKeyVersion : DesKeyVersion(PiccDesKey);

        private static byte DesKeyVersion(byte[] key)
        {
            int version = 0;
            for (int i = 0; i < 8; i++)
            {
                version |= (key[i] & 1) << (7 - i);
            }

            return (byte)version;
        }

        private byte[] AuthenticateLegacy(byte[] command)
        {
            ResetSession();
            if (command.Length != 2)
            {
                return Status(0x7E);
            }

            int keyNo = command[1];
            bool desKey = this.selected == null && keyNo == 0 && PiccMasterKey == null;
            if (!desKey)
            {
                if (this.selected == null ? keyNo != 0 : KeyOf(keyNo) == null)
                {
                    return Status(0x40); // NO_SUCH_KEY
                }

                FailedAuthentications++;
                return Status(0xAE); // an AES key: not for the legacy authentication
            }

            this.authKey = keyNo;
            this.legacyRndB = new byte[8];
            this.random.NextBytes(this.legacyRndB);
            this.authStep = 3;
            return Status(0xAF, Des(PiccDesKey, this.legacyRndB, encrypt: true));
        }

        private byte[] AuthenticateLegacySecond(byte[] command)
        {
            this.authStep = 0;
            byte[] key = PiccDesKey;
            if (command.Length != 17)
            {
                FailedAuthentications++;
                ResetSession();
                return Status(0x7E);
            }

            byte[] first = command[1..9], second = command[9..17];
            byte[] rndA = Des(key, first, encrypt: true);
            byte[] rotatedB = Xor(Des(key, second, encrypt: true), first);
            byte[] expected = this.legacyRndB.Skip(1).Concat(this.legacyRndB.Take(1)).ToArray();
            if (!rotatedB.SequenceEqual(expected))
            {
                FailedAuthentications++;
                ResetSession();
                return Status(0xAE);
            }

            bool single = key.AsSpan(0, 8).SequenceEqual(key.AsSpan(8, 8));
            byte[] rndB = this.legacyRndB;
            this.legacyKey = single
                ? rndA[..4].Concat(rndB[..4]).Concat(rndA[..4]).Concat(rndB[..4]).ToArray()
                : rndA[..4].Concat(rndB[..4]).Concat(rndA[4..8]).Concat(rndB[4..8]).ToArray();
            this.legacySession = true;
            this.authenticated = true;
            this.authenticatedKey = this.authKey;
            this.legacyRndB = null;
            Authentications++;
            LegacyAuthentications++;
            return Status(0x00, Des(key, rndA.Skip(1).Concat(rndA.Take(1)).ToArray(), encrypt: true));
        }

        /// <summary>ChangeKey (C4h) in a legacy session: the PICC master key, to AES (80h) or to another DES/2K3DES key (00h).</summary>
        private byte[] ChangeKeyLegacy(byte[] command)
        {
            if (command.Length != 26)
            {
                return Fail(0x7E);
            }

            int keyNo = command[1] & 0x0F;
            int type = command[1] & 0xC0;
            if (this.selected != null || keyNo != 0 || (type != 0x80 && type != 0x00))
            {
                return Fail(0x9E); // this model: the PICC master key only, AES or DES/2K3DES
            }

            if (this.authenticatedKey != 0 || (PiccKeySettings & 0x01) == 0)
            {
                return Fail(0x9D);
            }

            // Receive the reader's send-mode cryptogram: P_i = E(Ks, C_i) ⊕ C_(i−1), C_0 = 0.
            byte[] cipher = command[2..];
            var plain = new byte[24];
            byte[] previous = new byte[8];
            for (int b = 0; b < 24; b += 8)
            {
                byte[] c = cipher[b..(b + 8)];
                Array.Copy(Xor(Des(this.legacyKey, c, encrypt: true), previous), 0, plain, b, 8);
                previous = c;
            }

            bool aes = type == 0x80;
            int covered = aes ? 17 : 16;
            ushort crc = CrcA(plain[..covered]);
            bool valid = plain[covered] == (byte)crc && plain[covered + 1] == (byte)(crc >> 8) && plain[(covered + 2)..].All(b => b == 0);
            if (!valid)
            {
                return Fail(0x1E); // INTEGRITY_ERROR
            }

            if (aes)
            {
                PiccMasterKey = plain[..16];
                PiccKeyVersion = plain[16];
            }
            else
            {
                PiccMasterKey = null;
                PiccDesKey = plain[..16];
            }

            KeyChanges++;
            ResetSession(); // the authenticating key changed: the card ends the session
            return Status(0x00);
        }

        /// <summary>DES/2K3DES on one 8-byte block (a 16-byte key; equal halves are DES). CreateEncryptor takes the weak default key the Key setter refuses.</summary>
        private static byte[] Des(byte[] key16, byte[] block, bool encrypt)
        {
            using var tdes = TripleDES.Create();
            tdes.Mode = CipherMode.ECB;
            tdes.Padding = PaddingMode.None;
            using ICryptoTransform transform = encrypt ? tdes.CreateEncryptor(key16, null) : tdes.CreateDecryptor(key16, null);
            return transform.TransformFinalBlock(block, 0, 8);
        }

        private static byte[] Xor(byte[] a, byte[] b) => a.Select((x, i) => (byte)(x ^ b[i])).ToArray();

        /// <summary>ISO/IEC 14443-3 CRC_A (CRC16, reflected 8408h, preset 6363h), written here independently of the driver's.</summary>
        private static ushort CrcA(byte[] data)
        {
            int crc = 0x6363;
            foreach (byte d in data)
            {
                crc ^= d;
                for (int i = 0; i < 8; i++)
                {
                    crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x8408 : crc >> 1;
                }
            }

            return (ushort)crc;
        }
    }
}
