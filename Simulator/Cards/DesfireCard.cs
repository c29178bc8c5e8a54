using System;
using System.Collections.Generic;
using LeoCarte.Simulator.Rf;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>
    /// A MIFARE DESFire-like ISO/IEC 14443-4 card: ATQA 0344h, SAK 20h (04h at cascade level 1), 7-byte UID,
    /// RATS → ATS (06 75 77 81 02 80: FSCI 5 = 64 bytes, TA/TB/TC present, historical byte 80h), then the
    /// block protocol of ISO/IEC 14443-4 §7: block numbers (rules A–E, 11–12), chaining both ways within the FSD the
    /// reader announced, R(ACK)/R(NAK), optional S(WTX) before answers, S(DESELECT) → HALT. DESFire EV2 commands inside
    /// I-blocks, native or ISO 7816-4 wrapped (CLA 90h): GetVersion (60h + AFh twice), GetApplicationIDs (6Ah),
    /// SelectApplication (5Ah), AuthenticateEV2First (71h + AFh) with real AES-128 (System.Security.Cryptography,
    /// independent of the driver's AES), ReadData (ADh) in CommMode.Plain or MAC (EV2 MACt, CmdCtr, TI), Read_Sig (3Ch).
    /// Applications with AES keys and standard data files are set up with <see cref="AddApplication"/>.
    /// </summary>
    public sealed partial class DesfireCard : VirtualCard
    {
        public static readonly byte[] DefaultAts = { 0x06, 0x75, 0x77, 0x81, 0x02, 0x80 };

        private bool layer4;
        private int cid = -1;
        private byte[] lastBlock;
        private int versionStep;

        internal DesfireCard(byte[] uid7)
            : base(uid7, 0x0344, 0x20, "MIFARE DESFire")
        {
            if (uid7.Length != 7)
            {
                throw new ArgumentException("DESFire UIDs have 7 bytes.", nameof(uid7));
            }

            RealUid = (byte[])uid7.Clone();
        }

        /// <summary>The ATS bytes (without CRC) answered to RATS; TL first.</summary>
        public byte[] Ats { get; set; } = (byte[])DefaultAts.Clone();

        /// <summary>Application IDs on the card (3 bytes each, LSB first as DESFire sends them).</summary>
        public List<byte[]> ApplicationIds { get; } = new List<byte[]>();

        /// <summary>True between RATS and DESELECT/HLTA/field loss.</summary>
        public bool ProtocolActive => this.layer4;

        /// <summary>Application selected by SelectApplication (000000 = PICC level).</summary>
        public byte[] SelectedApplication { get; private set; } = new byte[3];

        /// <summary>Choice: in the protocol state (after RATS) HLTA is ignored; DESELECT halts the card.</summary>
        protected override bool AcceptsHlta => !this.layer4;

        protected override void OnReset()
        {
            this.layer4 = false;
            this.ppsAllowed = false;
            ReaderToCardRate = 0;
            CardToReaderRate = 0;
            this.cid = -1;
            this.lastBlock = null;
            this.versionStep = 0;
            this.blockNumber = 1;
            this.incoming?.Clear();
            this.outgoing = null;
            this.pendingAnswer = null;
            this.selected = null;
            SelectedApplication = new byte[3];
            ResetSession();
        }

        protected override CardAnswer ReceiveInActive(ReaderFrame frame)
        {
            if (!frame.HasValidCrc)
            {
                // ISO/IEC 14443-4 §7.5.5: a PICC ignores an erroneous block (no answer, no state change).
                if (this.layer4)
                {
                    return null;
                }

                Fallback();
                return null;
            }

            byte first = frame.Data[0];
            if (!this.layer4)
            {
                if (first == 0xE0 && frame.PayloadLength == 2)
                {
                    // RATS (§5.6.1): parameter byte = FSDI (high nibble) | CID (low nibble).
                    this.layer4 = true;
                    this.cid = frame.Data[1] & 0x0F;
                    int fsdi = frame.Data[1] >> 4;
                    ReaderFrameSize = fsdi switch { 0 => 16, 1 => 24, 2 => 32, 3 => 40, 4 => 48, 5 => 64, 6 => 96, 7 => 128, _ => 256 };
                    this.blockNumber = 1;
                    this.ppsAllowed = true;
                    return CardAnswer.WithCrc(Ats);
                }

                Fallback();
                return null;
            }

            if (this.ppsAllowed && (first & 0xF0) == 0xD0)
            {
                this.ppsAllowed = false;
                return ReceivePps(frame);
            }

            this.ppsAllowed = false;
            return ReceiveBlock(frame);
        }

        // ---- ISO/IEC 14443-4 block protocol (§7): block numbers, chaining both ways, R(ACK/NAK), S(WTX), S(DESELECT)

        private int blockNumber = 1;            // PICC block number, initialised to 1 (§7.5.3.2 rule C)
        private readonly List<byte> incoming = new List<byte>();
        private byte[] outgoing;                // response INF not yet sent (PICC chaining)
        private int outgoingSent;
        private int wtxLeft;
        private byte[] pendingAnswer;           // answer held back behind an S(WTX)

        /// <summary>Card frame size FSC from the ATS (FSCI 5 = 64 bytes).</summary>
        public int CardFrameSize => 64;

        /// <summary>Reader frame size FSD announced in RATS (FSDI of the parameter byte).</summary>
        public int ReaderFrameSize { get; private set; } = 256;

        /// <summary>S(WTX) requests sent before each of the next answers (the card asks for more time, §7.3).</summary>
        public int WaitingTimeExtensionsPerAnswer { get; set; }

        /// <summary>S(WTX) requests sent so far.</summary>
        public int WaitingTimeExtensionsSent { get; private set; }

        /// <summary>I-blocks the card received with the chaining bit (reader chaining) and sent with it (card chaining).</summary>
        public int ChainedBlocksReceived { get; private set; }
        public int ChainedBlocksSent { get; private set; }

        private CardAnswer ReceiveBlock(ReaderFrame frame)
        {
            byte pcb = frame.Data[0];
            int index = 1;
            bool hasCid = (pcb & 0x08) != 0;
            if (hasCid)
            {
                if (frame.PayloadLength < 2 || (frame.Data[1] & 0x0F) != this.cid)
                {
                    return null; // another card's CID
                }

                index++;
            }

            if ((pcb & 0xE2) == 0x02)
            {
                // I-block (§7.1.1.1): 0b000_C_CID_NAD_1_BN. Rule D: toggle the block number on a received I-block.
                if ((pcb & 0x04) != 0)
                {
                    index++;
                }

                this.blockNumber = pcb & 0x01;
                for (int i = index; i < frame.PayloadLength; i++)
                {
                    this.incoming.Add(frame.Data[i]);
                }

                if ((pcb & 0x10) != 0)
                {
                    // Reader chaining (§7.5.2.1): acknowledge with R(ACK) carrying the block's number.
                    ChainedBlocksReceived++;
                    return Remember(new[] { (byte)(0xA2 | this.blockNumber) });
                }

                byte[] inf = this.incoming.ToArray();
                this.incoming.Clear();
                this.outgoing = Process(inf);
                this.outgoingSent = 0;
                return NextResponseBlock(true);
            }

            if ((pcb & 0xE6) == 0xA2)
            {
                // R-blocks (§7.5.4.3, PICC rules 11–13).
                bool nak = (pcb & 0x10) != 0;
                int number = pcb & 0x01;
                if (number == this.blockNumber)
                {
                    // Rule 11: R(ACK) or R(NAK) with the current number: the last block was lost, send it again.
                    return this.lastBlock == null ? null : CardAnswer.WithCrc(this.lastBlock);
                }

                if (nak)
                {
                    // Rule 12: R(NAK) with another number: the reader's I-block never arrived; R(ACK) with ours.
                    return CardAnswer.WithCrc((byte)(0xA2 | this.blockNumber));
                }

                if (this.outgoing != null && this.outgoingSent < this.outgoing.Length)
                {
                    // Rule 13: R(ACK) with another number while chaining: toggle, send the next part.
                    this.blockNumber = number;
                    return NextResponseBlock(false);
                }

                return null;
            }

            if ((pcb & 0xF7) == 0xF2 && frame.PayloadLength >= 2)
            {
                // S(WTX) response: the reader granted the time; now the held answer follows (or another WTX).
                if (this.pendingAnswer == null)
                {
                    return null;
                }

                return SendOrExtend();
            }

            if ((pcb & 0xF7) == 0xC2)
            {
                // S(DESELECT) (§8): answered with the same S-block, then HALT.
                var answer = hasCid ? new[] { pcb, (byte)this.cid } : new[] { pcb };
                EnterHalt();
                return CardAnswer.WithCrc(answer);
            }

            return null;
        }

        private CardAnswer NextResponseBlock(bool first)
        {
            int maxInf = Math.Min(ReaderFrameSize, 256) - 3;
            int chunk = Math.Min(maxInf, this.outgoing.Length - this.outgoingSent);
            bool more = this.outgoingSent + chunk < this.outgoing.Length;
            var block = new byte[1 + chunk];
            block[0] = (byte)(0x02 | this.blockNumber | (more ? 0x10 : 0x00));
            Array.Copy(this.outgoing, this.outgoingSent, block, 1, chunk);
            this.outgoingSent += chunk;
            if (more)
            {
                ChainedBlocksSent++;
            }

            if (!more)
            {
                this.outgoing = null;
            }

            this.pendingAnswer = block;
            this.wtxLeft = first ? WaitingTimeExtensionsPerAnswer : 0;
            return SendOrExtend();
        }

        private CardAnswer SendOrExtend()
        {
            if (this.wtxLeft > 0)
            {
                this.wtxLeft--;
                WaitingTimeExtensionsSent++;
                return CardAnswer.WithCrc(0xF2, 0x01); // S(WTX), WTXM 1 (§7.3): not stored as the "last block"
            }

            byte[] block = this.pendingAnswer;
            this.pendingAnswer = null;
            return Remember(block);
        }

        private CardAnswer Remember(byte[] block)
        {
            this.lastBlock = block;
            return CardAnswer.WithCrc(block);
        }

        // ---- DESFire EV2 application layer -------------------------------------------------------------------

        /// <summary>An application: AID, AES keys (EV2 secure messaging), standard data files.</summary>
        public sealed class Application
        {
            public Application(byte[] aid) { Aid = (byte[])aid.Clone(); }
            public byte[] Aid { get; }
            /// <summary>AES-128 keys by number (null: the key does not exist).</summary>
            public byte[][] Keys { get; } = new byte[14][];
            public byte[] KeyVersions { get; } = new byte[14];
            public Dictionary<byte, DataFile> Files { get; } = new Dictionary<byte, DataFile>();
        }

        /// <summary>A standard data file: content, communication mode (0 plain, 1 MAC, 3 full) and the key that may read it.</summary>
        public sealed class DataFile
        {
            public byte[] Data = new byte[0];
            public byte CommMode = 1;
            public int ReadKey;
        }

        /// <summary>The card's applications (PICC level is AID 000000 and is not listed).</summary>
        public List<Application> Applications { get; } = new List<Application>();

        /// <summary>The 56-byte originality signature Read_Sig returns (NXP: ECDSA over the UID, secp224r1): by default the
        /// simulator manufacturer's signature over <see cref="RealUid"/> (<see cref="SimulatedManufacturer"/>), made on
        /// first use. A clone can carry a signature replayed from a genuine card, or none (zeros).</summary>
        public byte[] OriginalitySignature
        {
            get => this.originalitySignature ??= SimulatedManufacturer.Sign(RealUid);
            set => this.originalitySignature = value;
        }

        private byte[] originalitySignature;

        /// <summary>False for a card that refuses Read_Sig with ILLEGAL_COMMAND_CODE (1Ch): a DESFire EV1 made before 2018,
        /// or an emulator without the command.</summary>
        public bool AnswersReadSig { get; set; } = true;

        /// <summary>Answers with a fresh random 4-byte UID (08h + 3 random bytes, ATQA 0304h) after each power-up
        /// (privacy mode); GetVersion then reports zeros for the UID.</summary>
        public bool RandomUid { get; init; }

        /// <summary>Seed of the random-ID draws (deterministic tests).</summary>
        public int RandomSeed { get; init; } = 1;

        /// <summary>The card's real 7-byte UID (what <see cref="VirtualCard.Uid"/> shows unless in random-ID mode).</summary>
        public byte[] RealUid { get; }

        private Random idRandom;

        protected override void OnPowerOn()
        {
            if (!RandomUid)
            {
                return;
            }

            this.idRandom ??= new Random(RandomSeed);
            var id = new byte[4];
            this.idRandom.NextBytes(id);
            id[0] = 0x08; // ISO/IEC 14443-3 §6.4.4: UID0 08h = random ID
            Uid = id;
            Atqa = 0x0304;
        }

        /// <summary>Successful and failed authentications (for tests).</summary>
        public int Authentications { get; private set; }
        public int FailedAuthentications { get; private set; }

        public Application AddApplication(byte[] aid)
        {
            var app = new Application(aid);
            Applications.Add(app);
            ApplicationIds.Add((byte[])aid.Clone());
            return app;
        }

        private Application selected;
        private int authStep;
        private int authKey;
        private byte[] rndB;
        private byte[] sesEnc, sesMac, ti;
        private int cmdCtr;
        private bool authenticated;
        private int authenticatedKey = -1;
        private readonly Random random = new Random(0x0DE5F17E);

        private void ResetSession()
        {
            this.authStep = 0;
            this.authenticated = false;
            this.authenticatedKey = -1;
            this.sesEnc = this.sesMac = this.ti = null;
            this.cmdCtr = 0;
            this.ev1Session = false;
            this.ev1Iv = null;
        }

        /// <summary>DESFire native command set subset (NXP MF3D(H)x2) and its ISO 7816-4 wrapping (CLA 90h).</summary>
        private byte[] Process(byte[] inf)
        {
            if (inf.Length >= 5 && inf[0] == 0x90)
            {
                int lc = inf.Length > 5 ? inf[4] : 0;
                if (inf.Length != 5 && inf.Length != 6 + lc)
                {
                    return new byte[] { 0x67, 0x00 }; // wrong length
                }

                var native = new byte[1 + lc];
                native[0] = inf[1];
                if (lc > 0)
                {
                    Array.Copy(inf, 5, native, 1, lc);
                }

                byte[] reply = ProcessNative(native);
                // Wrapped answer: data, then 91h + DESFire status.
                var wrapped = new byte[reply.Length + 1];
                Array.Copy(reply, 1, wrapped, 0, reply.Length - 1);
                wrapped[reply.Length - 1] = 0x91;
                wrapped[reply.Length] = reply[0];
                return wrapped;
            }

            if (inf.Length >= 1 && inf[0] == 0x00)
            {
                return new byte[] { 0x6D, 0x00 }; // ISO 7816 INS not supported
            }

            return ProcessNative(inf);
        }

        private static byte[] Status(byte status, byte[] data = null)
        {
            var r = new byte[1 + (data?.Length ?? 0)];
            r[0] = status;
            if (data != null)
            {
                Array.Copy(data, 0, r, 1, data.Length);
            }

            return r;
        }

        private byte[] ProcessNative(byte[] command)
        {
            if (command.Length == 0)
            {
                return Status(0x7E); // length error
            }

            byte code = command[0];
            if (this.authStep == 1 && code == 0xAF)
            {
                return AuthenticateEv2Second(command);
            }

            if (this.authStep == 2 && code == 0xAF)
            {
                return AuthenticateAesSecond(command);
            }

            this.authStep = 0;
            switch (code)
            {
                case 0x60:
                    this.versionStep = 1;
                    // Hardware: vendor NXP, type DESFire, subtype, major version (EV1 01h, EV2 12h), minor, 4 KB, ISO 14443-2/3.
                    return new byte[] { 0xAF, 0x04, 0x01, 0x01, HardwareMajorVersion, 0x00, 0x18, 0x05 };
                case 0xAF when this.versionStep == 1:
                    this.versionStep = 2;
                    return new byte[] { 0xAF, 0x04, 0x01, 0x01, Generation == DesfireGeneration.Ev1 ? (byte)0x01 : (byte)0x02, 0x01, 0x18, 0x05 };
                case 0xAF when this.versionStep == 2:
                    this.versionStep = 0;
                    var last = new byte[15];
                    if (!RandomUid)
                    {
                        Array.Copy(RealUid, 0, last, 1, 7);
                    }

                    last[8] = 0xBA; last[9] = 0x7C; last[10] = 0x00; last[11] = 0x00; last[12] = 0x00;
                    last[13] = 0x20; last[14] = 0x24;
                    return last;
                case 0x6A:
                    this.versionStep = 0;
                    var ids = new List<byte> { 0x00 };
                    foreach (var aid in ApplicationIds)
                    {
                        ids.AddRange(aid);
                    }

                    return ids.ToArray();
                case 0x5A:
                    this.versionStep = 0;
                    if (command.Length != 4)
                    {
                        return Status(0x7E);
                    }

                    ResetSession();
                    if (command[1] == 0 && command[2] == 0 && command[3] == 0)
                    {
                        this.selected = null;
                        SelectedApplication = new byte[3];
                        return Status(0x00);
                    }

                    foreach (var app in Applications)
                    {
                        if (app.Aid[0] == command[1] && app.Aid[1] == command[2] && app.Aid[2] == command[3])
                        {
                            this.selected = app;
                            SelectedApplication = (byte[])app.Aid.Clone();
                            return Status(0x00);
                        }
                    }

                    return Status(0xA0); // APPLICATION_NOT_FOUND
                case 0x71 when Generation == DesfireGeneration.Ev1:
                    ResetSession();
                    return Status(0x1C); // an EV1 has no AuthenticateEV2First: ILLEGAL_COMMAND_CODE
                case 0x71:
                    return AuthenticateEv2First(command);
                case 0xAA:
                    return AuthenticateAes(command);
                case 0xAD:
                    return ReadData(command);
                case 0x3C:
                    // Read_Sig (EV2): address 00h; plain before authentication.
                    if (!AnswersReadSig)
                    {
                        this.versionStep = 0;
                        return Status(0x1C); // ILLEGAL_COMMAND_CODE, as a card without the command answers
                    }

                    if (command.Length != 2 || command[1] != 0x00)
                    {
                        return Status(0x7E);
                    }

                    if (this.authenticated)
                    {
                        return Status(0x9D); // this model: plain only
                    }

                    return Status(0x00, OriginalitySignature);
                default:
                    this.versionStep = 0;
                    return Status(0x1C); // ILLEGAL_COMMAND_CODE
            }
        }

        private static byte[] AesEcb(byte[] key, byte[] data, bool encrypt)
        {
            using var aes = System.Security.Cryptography.Aes.Create();
            aes.Key = key;
            return encrypt ? aes.EncryptEcb(data, System.Security.Cryptography.PaddingMode.None) : aes.DecryptEcb(data, System.Security.Cryptography.PaddingMode.None);
        }

        private static byte[] AesCbc(byte[] key, byte[] iv, byte[] data, bool encrypt)
        {
            using var aes = System.Security.Cryptography.Aes.Create();
            aes.Key = key;
            return encrypt ? aes.EncryptCbc(data, iv, System.Security.Cryptography.PaddingMode.None) : aes.DecryptCbc(data, iv, System.Security.Cryptography.PaddingMode.None);
        }

        private static byte[] Cmac(byte[] key, byte[] message)
        {
            // SP 800-38B over .NET's AES: the simulator's own implementation, independent of the driver's.
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

            byte[] cbc = AesCbc(key, new byte[16], padded, true);
            return cbc[^16..];
        }

        private static byte[] Dbl(byte[] v)
        {
            var r = new byte[16];
            for (int i = 0; i < 16; i++)
            {
                r[i] = (byte)((v[i] << 1) | (i < 15 ? v[i + 1] >> 7 : 0));
            }

            if ((v[0] & 0x80) != 0)
            {
                r[15] ^= 0x87;
            }

            return r;
        }

        private static byte[] MacT(byte[] key, byte[] message)
        {
            byte[] full = Cmac(key, message);
            var t = new byte[8];
            for (int i = 0; i < 8; i++)
            {
                t[i] = full[2 * i + 1];
            }

            return t;
        }

        private byte[] AuthenticateEv2First(byte[] command)
        {
            ResetSession();
            if (command.Length < 3)
            {
                return Status(0x7E);
            }

            int keyNo = command[1];
            if (this.selected == null || keyNo >= 14 || this.selected.Keys[keyNo] == null)
            {
                return Status(0x40); // NO_SUCH_KEY
            }

            this.authKey = keyNo;
            this.rndB = new byte[16];
            this.random.NextBytes(this.rndB);
            this.authStep = 1;
            return Status(0xAF, AesEcb(this.selected.Keys[keyNo], this.rndB, true));
        }

        private byte[] AuthenticateEv2Second(byte[] command)
        {
            this.authStep = 0;
            if (command.Length != 33) { FailedAuthentications++; return Status(0x7E); }
            byte[] key = this.selected.Keys[this.authKey];
            var enc = new byte[32];
            Array.Copy(command, 1, enc, 0, 32);
            byte[] plain = AesCbc(key, new byte[16], enc, false);
            for (int i = 0; i < 16; i++)
            {
                if (plain[16 + i] != this.rndB[(i + 1) % 16]) { FailedAuthentications++; return Status(0xAE); } // AUTHENTICATION_ERROR
            }

            var rndA = plain[..16];
            this.ti = new byte[4];
            this.random.NextBytes(this.ti);
            var answer = new byte[32];
            Array.Copy(this.ti, answer, 4);
            for (int i = 0; i < 16; i++)
            {
                answer[4 + i] = rndA[(i + 1) % 16];
            }

            byte[] sv1 = SessionVector(0xA5, 0x5A, rndA, this.rndB), sv2 = SessionVector(0x5A, 0xA5, rndA, this.rndB);
            this.sesEnc = Cmac(key, sv1);
            this.sesMac = Cmac(key, sv2);
            this.cmdCtr = 0;
            this.authenticated = true;
            this.authenticatedKey = this.authKey;
            Authentications++;
            return Status(0x00, AesCbc(key, new byte[16], answer, true));
        }

        private static byte[] SessionVector(byte a, byte b, byte[] rndA, byte[] rndB)
        {
            var sv = new byte[32];
            sv[0] = a; sv[1] = b; sv[2] = 0x00; sv[3] = 0x01; sv[4] = 0x00; sv[5] = 0x80;
            sv[6] = rndA[0]; sv[7] = rndA[1];
            for (int i = 0; i < 6; i++)
            {
                sv[8 + i] = (byte)(rndA[2 + i] ^ rndB[i]);
            }

            Array.Copy(rndB, 6, sv, 14, 10);
            Array.Copy(rndA, 8, sv, 24, 8);
            return sv;
        }

        private byte[] ReadData(byte[] command)
        {
            // AD FileNo Offset(3) Length(3) [MACt(8) in CommMode.MAC/Full after EV2 authentication].
            if (this.selected == null || command.Length < 8)
            {
                return Status(0x7E);
            }

            if (!this.selected.Files.TryGetValue(command[1], out var file))
            {
                return Status(0xF0); // FILE_NOT_FOUND
            }

            int offset = command[2] | (command[3] << 8) | (command[4] << 16);
            int length = command[5] | (command[6] << 8) | (command[7] << 16);
            if (length == 0)
            {
                length = file.Data.Length - offset;
            }

            if (offset < 0 || offset + length > file.Data.Length || length < 0)
            {
                return Status(0xBE); // BOUNDARY_ERROR
            }

            if (file.CommMode == 0)
            {
                return Status(0x00, file.Data[offset..(offset + length)]);
            }

            if (!this.authenticated || this.authenticatedKey != file.ReadKey) { ResetSession(); return Status(0xAE); }
            if (this.ev1Session)
            {
                return ReadDataEv1(command, file.Data[offset..(offset + length)]);
            }

            if (command.Length != 16) { ResetSession(); return Status(0x7E); }
            var macInput = new List<byte> { 0xAD, (byte)this.cmdCtr, (byte)(this.cmdCtr >> 8) };
            macInput.AddRange(this.ti);
            macInput.AddRange(command[1..8]);
            byte[] expected = MacT(this.sesMac, macInput.ToArray());
            for (int i = 0; i < 8; i++)
            {
                if (command[8 + i] != expected[i]) { ResetSession(); return Status(0x1E); } // INTEGRITY_ERROR
            }

            this.cmdCtr++;
            byte[] data = file.Data[offset..(offset + length)];
            var response = new List<byte> { 0x00, (byte)this.cmdCtr, (byte)(this.cmdCtr >> 8) };
            response.AddRange(this.ti);
            response.AddRange(data);
            byte[] mac = MacT(this.sesMac, response.ToArray());
            var reply = new byte[data.Length + 8];
            Array.Copy(data, reply, data.Length);
            Array.Copy(mac, 0, reply, data.Length, 8);
            return Status(0x00, reply);
        }
    }
}
