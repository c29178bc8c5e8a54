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

        // ---- DESFire application layer ----------------------------------------------------------------------

        /// <summary>An application: AID, key settings, AES keys with their versions, standard data files.</summary>
        public sealed class Application
        {
            public Application(byte[] aid) { Aid = (byte[])aid.Clone(); }
            public byte[] Aid { get; }

            /// <summary>
            /// The application's key settings (MF3ICDx1 "ChangeKeySettings"): bits 7..4 who may change keys (0 = the
            /// application master key, 1–Dh that key, Eh the key itself, Fh frozen), bit 3 configuration changeable,
            /// bit 2 files created/deleted without the master key, bit 1 directory listed without it, bit 0 the master
            /// key may be changed. 0Fh by default (as a test-built application had no rules).
            /// </summary>
            public byte KeySettings { get; set; } = 0x0F;

            /// <summary>AES-128 keys by number (null: the key does not exist).</summary>
            public byte[][] Keys { get; } = new byte[14][];
            public byte[] KeyVersions { get; } = new byte[14];
            public Dictionary<byte, DataFile> Files { get; } = new Dictionary<byte, DataFile>();
        }

        /// <summary>
        /// A standard data file: content, communication mode (0 plain, 1 MAC, 3 full) and access rights by key number
        /// (Eh free, Fh never): read, write, read and write, change of the access rights.
        /// </summary>
        public sealed class DataFile
        {
            public byte[] Data = new byte[0];
            public byte CommMode = 1;
            public int ReadKey;
            public int WriteKey = 0x0F;
            public int ReadWriteKey = 0x0F;
            public int ChangeKey = 0x0F;

            /// <summary>The access-rights word as CreateStdDataFile carries it (read 15..12, write 11..8, read+write 7..4, change 3..0).</summary>
            public int AccessRights => (ReadKey << 12) | (WriteKey << 8) | (ReadWriteKey << 4) | ChangeKey;
        }

        /// <summary>The PICC master key as AES-128, or null while it is a DES/2K3DES key (<see cref="PiccDesKey"/>: 16 zeros as
        /// the card leaves the factory), which AuthenticateAES cannot open (AEh) and the legacy Authenticate (0Ah) can.</summary>
        public byte[] PiccMasterKey { get; set; }

        /// <summary>Version of the PICC master key (GetKeyVersion at PICC level).</summary>
        public byte PiccKeyVersion { get; set; }

        /// <summary>PICC master key settings; 0Fh from the factory: bit 2 lets anyone create applications without the
        /// PICC master key (MF3ICDx1 "PICC master key settings").</summary>
        public byte PiccKeySettings { get; set; } = 0x0F;

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
            this.legacySession = false;
            this.legacyKey = null;
            this.legacyRndB = null;
            this.pendingWrite = null;
        }
    }
}
