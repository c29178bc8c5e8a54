using System;
using System.Linq;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>Which DESFire generation a simulated card behaves as.</summary>
    public enum DesfireGeneration
    {
        /// <summary>MF3ICDx1 (EV1): AuthenticateAES (AAh) only; 71h answers 1Ch ILLEGAL_COMMAND_CODE; GetVersion HW major 01h.</summary>
        Ev1,

        /// <summary>MF3D(H)x2 (EV2): AuthenticateEV2First and AuthenticateAES; GetVersion HW major 12h.</summary>
        Ev2,
    }

    /// <summary>
    /// The card side of DESFire EV1 AuthenticateAES and its CMAC-chained secure messaging, written over
    /// System.Security.Cryptography independently of the driver: the IV is zero when the authentication starts and
    /// chains through E(K,RndB), E(K,RndA||RndB'), E(K,RndA'); session key RndA[0..3] RndB[0..3] RndA[12..15]
    /// RndB[12..15]; afterwards every command's CMAC and every answer's CMAC (data || status) continues from the
    /// session IV, which becomes the CMAC; MACed answers carry its first 8 bytes.
    /// </summary>
    public sealed partial class DesfireCard
    {
        private bool ev1Session;
        private byte[] ev1Iv;
        private byte[] ev1Key;

        /// <summary>EV1 or EV2 behaviour (EV2 by default).</summary>
        public DesfireGeneration Generation { get; set; } = DesfireGeneration.Ev2;

        /// <summary>Answers REQA/WUPA with <paramref name="atqa"/> whatever its UID size (for clone cards).</summary>
        public void ForceAtqa(ushort atqa) => Atqa = atqa;

        private byte HardwareMajorVersion => Generation == DesfireGeneration.Ev1 ? (byte)0x01 : (byte)0x12;

        private byte[] AuthenticateAes(byte[] command)
        {
            ResetSession();
            if (command.Length != 2)
            {
                return Status(0x7E);
            }

            int keyNo = command[1];
            if (this.selected == null && keyNo == 0 && PiccMasterKey == null)
            {
                FailedAuthentications++;
                return Status(0xAE); // the factory PICC master key is a DES key: not for AuthenticateAES
            }

            if (KeyOf(keyNo) == null)
            {
                return Status(0x40); // NO_SUCH_KEY
            }

            this.authKey = keyNo;
            this.rndB = new byte[16];
            this.random.NextBytes(this.rndB);
            byte[] encrypted = AesCbc(KeyOf(keyNo), new byte[16], this.rndB, true);
            this.ev1Iv = encrypted;
            this.authStep = 2;
            return Status(0xAF, encrypted);
        }

        private byte[] AuthenticateAesSecond(byte[] command)
        {
            this.authStep = 0;
            if (command.Length != 33)
            {
                FailedAuthentications++;
                ResetSession();
                return Status(0x7E);
            }

            byte[] key = KeyOf(this.authKey);
            byte[] token = command[1..];
            byte[] plain = AesCbc(key, this.ev1Iv, token, false);
            for (int i = 0; i < 16; i++)
            {
                if (plain[16 + i] != this.rndB[(i + 1) % 16])
                {
                    FailedAuthentications++;
                    ResetSession();
                    return Status(0xAE); // AUTHENTICATION_ERROR
                }
            }

            byte[] rndA = plain[..16];
            byte[] rotated = rndA.Skip(1).Concat(rndA.Take(1)).ToArray();
            byte[] answer = AesCbc(key, token[16..], rotated, true);
            this.ev1Key = rndA[..4].Concat(this.rndB[..4]).Concat(rndA[12..]).Concat(this.rndB[12..]).ToArray();
            this.ev1Iv = new byte[16];
            this.ev1Session = true;
            this.authenticated = true;
            this.authenticatedKey = this.authKey;
            Authentications++;
            return Status(0x00, answer);
        }

        private byte[] ReadDataEv1(byte[] command, byte[] data)
        {
            if (command.Length != 8)
            {
                ResetSession();
                return Status(0x7E);
            }

            // The command's CMAC is not sent (EV1 ReadData), but it moves the IV.
            this.ev1Iv = ChainedCmac(this.ev1Key, this.ev1Iv, command);
            byte[] macInput = data.Concat(new byte[] { 0x00 }).ToArray();
            this.ev1Iv = ChainedCmac(this.ev1Key, this.ev1Iv, macInput);
            return Status(0x00, data.Concat(this.ev1Iv[..8]).ToArray());
        }

        /// <summary>SP 800-38B CMAC with the CBC chain starting at <paramref name="iv"/> (the EV1 "CMAC as IV" rule).</summary>
        private static byte[] ChainedCmac(byte[] key, byte[] iv, byte[] message)
        {
            byte[] l = AesEcb(key, new byte[16], true);
            byte[] k1 = Dbl(l), k2 = Dbl(k1);
            int blocks = Math.Max(1, (message.Length + 15) / 16);
            bool complete = message.Length > 0 && message.Length % 16 == 0;
            var padded = new byte[blocks * 16];
            Array.Copy(message, padded, message.Length);
            if (!complete)
            {
                padded[message.Length] = 0x80;
            }

            byte[] sub = complete ? k1 : k2;
            for (int i = 0; i < 16; i++)
            {
                padded[padded.Length - 16 + i] ^= sub[i];
            }

            return AesCbc(key, iv, padded, true)[^16..];
        }
    }
}

namespace LeoCarte.Simulator.Cards
{
    /// <summary>PPS (ISO/IEC 14443-4 §5.6.2–5.6.3) on the card side.</summary>
    public sealed partial class DesfireCard
    {
        private bool ppsAllowed;

        /// <summary>PPS requests answered (for tests).</summary>
        public int PpsAnswered { get; private set; }

        /// <summary>
        /// PPS is accepted only as the first frame after the ATS: PPSS (D0h | CID), PPS0 (bit 5: PPS1 present), PPS1 (DSI
        /// bits 4..3, DRI bits 2..1). Rates the ATS's TA(1) does not offer get no answer. The card answers PPSS at the
        /// current rate, then switches (§5.6.3); DESELECT, HLTA or a field reset take it back to 106 kbit/s.
        /// </summary>
        private Rf.CardAnswer ReceivePps(Rf.ReaderFrame frame)
        {
            byte ppss = frame.Data[0];
            if ((ppss & 0x0F) != (this.cid & 0x0F) || frame.PayloadLength < 2)
            {
                return null;
            }

            int dsi = 0, dri = 0;
            if ((frame.Data[1] & 0x10) != 0)
            {
                if (frame.PayloadLength < 3)
                {
                    return null;
                }

                dsi = (frame.Data[2] >> 2) & 0x03;
                dri = frame.Data[2] & 0x03;
            }

            byte ta = Ats.Length > 2 && (Ats[1] & 0x10) != 0 ? Ats[2] : (byte)0x00;
            bool supported = (dsi == 0 || (ta & (0x10 << (dsi - 1))) != 0) && (dri == 0 || (ta & (1 << (dri - 1))) != 0);
            if (!supported || ((ta & 0x80) != 0 && dsi != dri))
            {
                return null;
            }

            PpsAnswered++;
            CardToReaderRate = dsi;
            ReaderToCardRate = dri;
            return Rf.CardAnswer.WithCrc(ppss);
        }
    }
}
