using System;
using System.Collections.Generic;
using LeoCarte.Simulator.Rf;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>
    /// A MIFARE DESFire-like ISO/IEC 14443-4 card: ATQA 0344h, SAK 20h (04h at cascade level 1), 7-byte UID,
    /// RATS → ATS (06 75 77 81 02 80: FSCI 5 = 64 bytes, TA/TB/TC present, historical byte 80h), then the
    /// block protocol of ISO/IEC 14443-4 §7 minimally: I-blocks with the block number toggling, R(NAK) answered by
    /// repeating the last block, S(DESELECT) → HALT. DESFire native commands inside I-blocks: GetVersion (60h, then
    /// AFh twice), GetApplicationIDs (6Ah), SelectApplication (5Ah); also ISO-wrapped (CLA 90h) forms.
    /// No DESFire authentication or files (later issues).
    /// </summary>
    public sealed class DesfireCard : VirtualCard
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
        }

        /// <summary>The ATS bytes (without CRC) answered to RATS; TL first.</summary>
        public byte[] Ats { get; set; } = (byte[])DefaultAts.Clone();

        /// <summary>Application IDs on the card (3 bytes each, LSB first as DESFire sends them).</summary>
        public List<byte[]> ApplicationIds { get; } = new List<byte[]>();

        /// <summary>True between RATS and DESELECT/HLTA/field loss.</summary>
        public bool ProtocolActive => layer4;

        /// <summary>Application selected by SelectApplication (000000 = PICC level).</summary>
        public byte[] SelectedApplication { get; private set; } = new byte[3];

        /// <summary>Choice: in the protocol state (after RATS) HLTA is ignored; DESELECT halts the card.</summary>
        protected override bool AcceptsHlta => !layer4;

        protected override void OnReset()
        {
            layer4 = false;
            cid = -1;
            lastBlock = null;
            versionStep = 0;
            SelectedApplication = new byte[3];
        }

        protected override CardAnswer ReceiveInActive(ReaderFrame frame)
        {
            if (!frame.HasValidCrc)
            {
                // ISO/IEC 14443-4 §7.5.5: a PICC ignores an erroneous block (no answer, no state change).
                if (layer4)
                {
                    return null;
                }

                Fallback();
                return null;
            }

            byte first = frame.Data[0];
            if (!layer4)
            {
                if (first == 0xE0 && frame.PayloadLength == 2)
                {
                    // RATS (§5.6.1): parameter byte = FSDI (high nibble) | CID (low nibble).
                    layer4 = true;
                    cid = frame.Data[1] & 0x0F;
                    return CardAnswer.WithCrc(Ats);
                }

                Fallback();
                return null;
            }

            return ReceiveBlock(frame);
        }

        private CardAnswer ReceiveBlock(ReaderFrame frame)
        {
            byte pcb = frame.Data[0];
            int index = 1;
            bool hasCid = (pcb & 0x08) != 0;
            if (hasCid)
            {
                if (frame.PayloadLength < 2 || (frame.Data[1] & 0x0F) != cid)
                {
                    return null; // another card's CID
                }

                index++;
            }

            if ((pcb & 0xC0) == 0x00 && (pcb & 0x02) == 0x02)
            {
                // I-block (§7.1.1.1): 0b00_0_CID_NAD_1_BN; NAD and chaining not supported.
                if ((pcb & 0x04) != 0)
                {
                    index++;
                }

                int length = frame.PayloadLength - index;
                var inf = new byte[length];
                Array.Copy(frame.Data, index, inf, 0, length);
                byte[] answer = Process(inf);
                var block = new List<byte> { (byte)(0x02 | (pcb & 0x01) | (hasCid ? 0x08 : 0x00)) };
                if (hasCid)
                {
                    block.Add((byte)cid);
                }

                block.AddRange(answer);
                lastBlock = block.ToArray();
                return CardAnswer.WithCrc(lastBlock);
            }

            if ((pcb & 0xE6) == 0xA2)
            {
                // R-block (§7.1.1.2): without chaining, both R(ACK) and R(NAK) get the last block again (rule 11/12).
                return lastBlock == null ? null : CardAnswer.WithCrc(lastBlock);
            }

            if ((pcb & 0xF7) == 0xC2)
            {
                // S(DESELECT) (§8): answered with the same S-block, then HALT.
                var answer = hasCid ? new[] { pcb, (byte)cid } : new[] { pcb };
                EnterHalt();
                return CardAnswer.WithCrc(answer);
            }

            return null;
        }

        /// <summary>DESFire native command set subset (NXP MF3ICD81 §9) and its ISO 7816-4 wrapping (CLA 90h).</summary>
        private byte[] Process(byte[] inf)
        {
            if (inf.Length >= 5 && inf[0] == 0x90)
            {
                int lc = inf.Length > 5 ? inf[4] : 0;
                var native = new byte[1 + lc];
                native[0] = inf[1];
                if (lc > 0 && inf.Length >= 5 + lc)
                {
                    Array.Copy(inf, 5, native, 1, lc);
                }

                byte[] reply = ProcessNative(native);
                // Wrapped answer: data, then 91h + DESFire status (§ISO wrapping).
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

        private byte[] ProcessNative(byte[] command)
        {
            if (command.Length == 0)
            {
                return new byte[] { 0x7E }; // length error
            }

            switch (command[0])
            {
                case 0x60:
                    versionStep = 1;
                    // Hardware: vendor NXP, type DESFire, subtype, v1.0, 4 KB, ISO 14443-2/3.
                    return new byte[] { 0xAF, 0x04, 0x01, 0x01, 0x01, 0x00, 0x18, 0x05 };
                case 0xAF when versionStep == 1:
                    versionStep = 2;
                    return new byte[] { 0xAF, 0x04, 0x01, 0x01, 0x01, 0x04, 0x18, 0x05 };
                case 0xAF when versionStep == 2:
                    versionStep = 0;
                    var last = new byte[15];
                    Array.Copy(Uid, 0, last, 1, 7);
                    // Batch number (5 bytes), production week and year.
                    last[8] = 0xBA; last[9] = 0x7C; last[10] = 0x00; last[11] = 0x00; last[12] = 0x00;
                    last[13] = 0x20; last[14] = 0x24;
                    return last;
                case 0x6A:
                    versionStep = 0;
                    var ids = new List<byte> { 0x00 };
                    foreach (var aid in ApplicationIds)
                    {
                        ids.AddRange(aid);
                    }

                    return ids.ToArray();
                case 0x5A:
                    versionStep = 0;
                    if (command.Length != 4)
                    {
                        return new byte[] { 0x7E };
                    }

                    var wanted = new[] { command[1], command[2], command[3] };
                    bool known = wanted[0] == 0 && wanted[1] == 0 && wanted[2] == 0;
                    foreach (var aid in ApplicationIds)
                    {
                        if (aid[0] == wanted[0] && aid[1] == wanted[1] && aid[2] == wanted[2])
                        {
                            known = true;
                        }
                    }

                    if (!known)
                    {
                        return new byte[] { 0xA0 }; // APPLICATION_NOT_FOUND
                    }

                    SelectedApplication = wanted;
                    return new byte[] { 0x00 };
                default:
                    versionStep = 0;
                    return new byte[] { 0x1C }; // ILLEGAL_COMMAND_CODE
            }
        }
    }
}
