using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Iso14443
{
    /// <summary>
    /// ISO/IEC 14443-3 Type A card activation over the MFRC522 (REQA/WUPA, bit-level anticollision and select at
    /// cascade levels 1..3, HLTA) and the ISO/IEC 14443-4 entry (RATS/ATS, S(DESELECT)).
    /// <para>CRC_A: the anticollision phase (SELECT frames and their SAK) uses the software CRC_A, because the
    /// chip's CRC must be off for REQA and ANTICOLLISION frames and toggling it on and off at each cascade level
    /// would cost four register writes per level; the card session after select (RATS, MIFARE commands, HLTA)
    /// runs with the chip's CRC (TxModeReg/RxModeReg), switched on once. The CalcCRC command is never used.</para>
    /// No allocation after construction.
    /// </summary>
    public sealed partial class Iso14443TypeA
    {
        // ISO/IEC 14443-3 §6.3.1 command codes.
        public const byte ReqA = 0x26;
        public const byte WupA = 0x52;
        public const byte HltA = 0x50;
        public const byte Rats = 0xE0;
        public const byte CascadeTag = 0x88;

        /// <summary>S(DESELECT) without CID (ISO/IEC 14443-4 §7.1.1.3).</summary>
        public const byte Deselect = 0xC2;

        /// <summary>FSDI 5 = 64-byte frames: what the MFRC522 FIFO holds (ISO/IEC 14443-4 §5.1).</summary>
        private const byte RatsParameter = 0x50;

        // SELECT / ANTICOLLISION codes per cascade level: 0x93, 0x95, 0x97 (§6.5.3.1).
        private const byte SelectLevel1 = 0x93;

        private readonly Mfrc522Chip chip;

        // The chip's options object (fixed at its construction; its fields are read at each use).
        private readonly Mfrc522Options options;
        private readonly byte[] frame = new byte[16];
        private readonly byte[] answer = new byte[Mfrc522Chip.FifoSize];

        // Frames that never change, CRC_A included where the chip's CRC may be off (HLTA follows the anticollision,
        // which runs with it off): built once instead of per exchange.
        private readonly byte[] haltFrame = new byte[] { HltA, 0x00, 0x00, 0x00 };
        private readonly byte[] ratsFrame = new byte[] { Rats, RatsParameter };
        private readonly byte[] deselectFrame = new byte[] { Deselect };

        // CRC_A register after the SELECT prefix (SEL, NVB 70h) of each cascade level: the SELECT's software CRC then
        // runs over the five UID CLn/BCC bytes only.
        private readonly int[] selectCrcAfterPrefix = new int[3];

        // Counters as fields behind read-only properties: nanoCLR does not inline, an auto-property is a call per use.
        private int collisionsResolved;
        private int lastSelectExchanges;
        internal int lastSelectCollisions;

        public Iso14443TypeA(Mfrc522Chip chip)
        {
            this.chip = chip;
            options = chip.Options;
            CrcA.Append(haltFrame, 0, 2);
            var prefix = new byte[2];
            prefix[1] = 0x70;
            for (int level = 0; level < 3; level++)
            {
                prefix[0] = (byte)(SelectLevel1 + 2 * level);
                selectCrcAfterPrefix[level] = CrcA.Compute(prefix, 0, 2);
            }
        }

        public Mfrc522Chip Chip => chip;

        /// <summary>Collisions resolved by anticollision since construction.</summary>
        public int CollisionsResolved => collisionsResolved;

        /// <summary>Anticollision/select exchanges of the last <see cref="Select"/>.</summary>
        public int LastSelectExchanges => lastSelectExchanges;

        /// <summary>Collisions resolved by the last <see cref="Select"/>.</summary>
        public int LastSelectCollisions => lastSelectCollisions;

        /// <summary>REQA (§6.3.1): wakes cards in IDLE only. Ok when at least one card answered; a collision between
        /// different ATQAs also means cards are present (<see cref="CardIdentity.AtqaCollided"/>).</summary>
        public ReaderResult RequestA(CardIdentity card) => Request(ReqA, card);

        /// <summary>WUPA (§6.3.1): wakes cards in IDLE and in HALT; the presence check of a resting, halted card.</summary>
        public ReaderResult WakeUpA(CardIdentity card) => Request(WupA, card);

        // Internal: CardReader calls it directly at every poll (RequestA/WakeUpA would be one more call; nanoCLR does not inline).
        internal ReaderResult Request(byte command, CardIdentity card)
        {
            card.Atqa = 0;
            card.AtqaCollided = false;

            // Every ISO/IEC 14443-3 exchange starts at 106 kbit/s (14443-4 §5.6: a PPS lasts until the card is
            // deselected) with the chip's CRC off (short frame); no writes when the chip already is, TxModeReg and
            // RxModeReg written once when both change.
            if (chip.hardwareCrc || chip.bitRate != 0)
            {
                chip.SetIso14443_3Modes();
            }

            frame[0] = command;

            // A short frame: 7 data bits (§6.2.3.1).
            byte[] received = answer;
            ReaderResult result = chip.TransceiveFrame(frame, 0, 1, 0x07, options.ShortTimeoutTicks, received, 0, received.Length);
            if (result != ReaderResult.Ok)
            {
                if (result == ReaderResult.Collision)
                {
                    card.AtqaCollided = true;
                    return ReaderResult.Ok;
                }

                return result;
            }

            if (chip.responseLength != 2 || chip.responseLastBits != 0)
            {
                return ReaderResult.Protocol;
            }

            card.Atqa = (ushort)(received[0] | (received[1] << 8));
            return ReaderResult.Ok;
        }

        /// <summary>
        /// Anticollision and select through all cascade levels (ISO/IEC 14443-3 §6.5.3, §6.5.4) after a REQA/WUPA
        /// answered. Bit-level: when cards collide, the bits before the collision are kept, the colliding bit is
        /// set to 1, and the next ANTICOLLISION frame carries the known bits with TxLastBits/RxAlign so only the
        /// cards matching them answer. Checks BCC at each level and the SAK's CRC_A. Fills
        /// <paramref name="card"/>'s UID (4, 7 or 10 bytes) and SAK; the card ends in ACTIVE state.
        /// </summary>
        public ReaderResult Select(CardIdentity card)
        {
            card.UidLength = 0;
            card.Sak = 0;
            lastSelectExchanges = 0;
            lastSelectCollisions = 0;
            if (chip.hardwareCrc)
            {
                chip.SetHardwareCrc(false);
            }

            int timeout = options.ShortTimeoutTicks;
            byte[] f = frame;
            byte[] received = answer;
            for (int level = 0; level < 3; level++)
            {
                // The first ANTICOLLISION of the level: NVB 20h, no UID bit known, so every card in READY answers its whole
                // UID CLn and BCC (§6.5.3.2). The usual answer (one card: 5 bytes, no collision) goes straight to the BCC
                // check; anything else (a collision, a short or broken answer) through the bit-level rounds.
                f[0] = (byte)(SelectLevel1 + 2 * level);
                f[1] = 0x20;
                lastSelectExchanges++;
                ReaderResult result = chip.TransceiveFrame(f, 0, 2, 0x00, timeout, received, 0, received.Length);
                if (result == ReaderResult.Ok && chip.responseLength == 5 && chip.responseLastBits == 0)
                {
                    System.Array.Copy(received, 0, f, 2, 5);
                }
                else
                {
                    result = ResolveAnticollision(result, timeout);
                    if (result != ReaderResult.Ok)
                    {
                        return result;
                    }
                }

                // BCC (§6.5.3.2), written out: the XOR of the four UID CLn bytes.
                if ((f[2] ^ f[3] ^ f[4] ^ f[5]) != f[6])
                {
                    return ReaderResult.Protocol;
                }

                ReaderResult selected = SendSelect(level, timeout);
                if (selected != ReaderResult.Ok)
                {
                    return selected;
                }

                byte sak = received[0];
                int uidLength = card.UidLength;
                if ((sak & CardTypes.SakCascadeBit) != 0)
                {
                    // UID not complete (§6.5.3.4): CLn was the cascade tag and three UID bytes. At most two such levels
                    // (3 + 3 bytes) come before the last one (4 bytes), so the UID always fits its 10 bytes.
                    if (f[2] != CascadeTag || level == 2)
                    {
                        return ReaderResult.Protocol;
                    }

                    System.Array.Copy(f, 3, card.Uid, uidLength, 3);
                    card.UidLength = uidLength + 3;
                    continue;
                }

                System.Array.Copy(f, 2, card.Uid, uidLength, 4);
                card.UidLength = uidLength + 4;
                card.Sak = sak;
                return ReaderResult.Ok;
            }

            return ReaderResult.Protocol;
        }

        /// <summary>
        /// The bit-level rounds of one cascade level (ISO/IEC 14443-3 §6.5.3) after its first ANTICOLLISION (NVB 20h) answered
        /// <paramref name="first"/> with something else than one clean UID CLn: on a collision the bits before it are kept,
        /// the colliding bit is set to 1, and the next ANTICOLLISION frame carries the known bits with TxLastBits/RxAlign so
        /// only the cards matching them answer. Ok when frame[2..7) holds a whole UID CLn and BCC (checked by the caller).
        /// </summary>
        private ReaderResult ResolveAnticollision(ReaderResult first, int timeout)
        {
            byte[] f = frame;
            byte[] received = answer;
            System.Array.Clear(f, 2, 7);
            int knownBits = 0;
            ReaderResult result = first;

            // Each collision fixes at least one more bit, so 32 rounds plus the final one always suffice.
            for (int round = 0; round <= 33; round++)
            {
                int fullBytes = knownBits >> 3;
                int extraBits = knownBits & 7;
                if (round > 0)
                {
                    if (knownBits >= 32)
                    {
                        // All UID CLn bits are known (the last one was a collision we resolved): BCC follows.
                        f[6] = Bcc.Compute(f, 2);
                        return ReaderResult.Ok;
                    }

                    // NVB (§6.5.3.2): high nibble = whole bytes sent including SEL and NVB, low nibble = extra bits.
                    f[1] = (byte)(((2 + fullBytes) << 4) | extraBits);
                    lastSelectExchanges++;
                    result = chip.TransceiveFrame(f, 0, 2 + ((knownBits + 7) >> 3), (extraBits << 4) | extraBits, timeout, received, 0, received.Length);
                }

                if (result != ReaderResult.Ok && result != ReaderResult.Collision)
                {
                    return result;
                }

                int count = chip.responseLength;
                int index = 2 + fullBytes;
                if (count < 1 || index + count > 7)
                {
                    return ReaderResult.Protocol;
                }

                if (extraBits == 0)
                {
                    System.Array.Copy(received, 0, f, index, count);
                }
                else
                {
                    // The first received bit sits at bit RxAlign (= extraBits) of answer[0], the position it has in
                    // the UID byte we sent partially; merge it with the bits we sent.
                    int lowMask = (1 << extraBits) - 1;
                    f[index] = (byte)((f[index] & lowMask) | (received[0] & ~lowMask));
                    System.Array.Copy(received, 1, f, index + 1, count - 1);
                }

                if (result == ReaderResult.Collision)
                {
                    int position = chip.CollisionPosition;
                    int bit = fullBytes * 8 + position - 1;
                    if (position == 0 || bit < knownBits || bit >= 32)
                    {
                        // No usable position, or no progress: refuse rather than loop.
                        return ReaderResult.Collision;
                    }

                    int byteIndex = 2 + bit / 8;
                    int bitInByte = bit % 8;
                    f[byteIndex] = (byte)((f[byteIndex] & ((1 << bitInByte) - 1)) | (1 << bitInByte));
                    for (int i = byteIndex + 1; i < 7; i++)
                    {
                        f[i] = 0;
                    }

                    knownBits = bit + 1;
                    collisionsResolved++;
                    lastSelectCollisions++;
                    continue;
                }

                if (count != 5 - fullBytes || chip.responseLastBits != 0)
                {
                    return ReaderResult.Protocol;
                }

                return ReaderResult.Ok;
            }

            return ReaderResult.Protocol;
        }

        /// <summary>
        /// Selects a card whose UID is already known, without anticollision: one SELECT per cascade level
        /// (§6.5.3.3 allows a reader to send the complete UID CLn directly). Used after WUPA to check that the
        /// card resting on the reader is still the same one; a different card stays silent (Timeout).
        /// </summary>
        public ReaderResult SelectKnownUid(CardIdentity card)
        {
            int levels = card.UidLength == 4 ? 1 : card.UidLength == 7 ? 2 : card.UidLength == 10 ? 3 : 0;
            if (levels == 0)
            {
                return ReaderResult.InvalidArgument;
            }

            if (chip.hardwareCrc)
            {
                chip.SetHardwareCrc(false);
            }

            int timeout = options.ShortTimeoutTicks;
            byte[] f = frame;
            for (int level = 0; level < levels; level++)
            {
                f[0] = (byte)(SelectLevel1 + 2 * level);
                int source = 3 * level;
                if (level < levels - 1)
                {
                    f[2] = CascadeTag;
                    System.Array.Copy(card.Uid, source, f, 3, 3);
                }
                else
                {
                    System.Array.Copy(card.Uid, source, f, 2, 4);
                }

                f[6] = (byte)(f[2] ^ f[3] ^ f[4] ^ f[5]);
                ReaderResult result = SendSelect(level, timeout);
                if (result != ReaderResult.Ok)
                {
                    return result;
                }

                bool lastLevel = level == levels - 1;
                if (((answer[0] & CardTypes.SakCascadeBit) == 0) != lastLevel)
                {
                    return ReaderResult.Protocol;
                }

                if (lastLevel)
                {
                    card.Sak = answer[0];
                }
            }

            return ReaderResult.Ok;
        }

        /// <summary>SELECT with NVB 0x70 over frame[0..7) of cascade level <paramref name="level"/>, CRC_A in software;
        /// checks the SAK's CRC_A (§6.5.3.4). Both CRCs are the table steps of <see cref="CrcA"/> written out: the frame's
        /// from the register after SEL and NVB (<see cref="selectCrcAfterPrefix"/>), the SAK's one step from the preset.</summary>
        private ReaderResult SendSelect(int level, int timeout)
        {
            byte[] f = frame;
            ushort[] table = CrcA.Table;
            f[1] = 0x70;
            int crc = selectCrcAfterPrefix[level];
            crc = (crc >> 8) ^ table[(f[2] ^ crc) & 0xFF];
            crc = (crc >> 8) ^ table[(f[3] ^ crc) & 0xFF];
            crc = (crc >> 8) ^ table[(f[4] ^ crc) & 0xFF];
            crc = (crc >> 8) ^ table[(f[5] ^ crc) & 0xFF];
            crc = (crc >> 8) ^ table[(f[6] ^ crc) & 0xFF];
            f[7] = (byte)crc;
            f[8] = (byte)(crc >> 8);
            lastSelectExchanges++;
            byte[] received = answer;
            ReaderResult result = chip.TransceiveFrame(f, 0, 9, 0x00, timeout, received, 0, received.Length);
            if (result != ReaderResult.Ok)
            {
                return result;
            }

            if (chip.responseLength != 3 || chip.responseLastBits != 0)
            {
                return ReaderResult.Protocol;
            }

            int sakCrc = (CrcA.Preset >> 8) ^ table[(received[0] ^ CrcA.Preset) & 0xFF];
            return received[1] == (byte)sakCrc && received[2] == (byte)(sakCrc >> 8) ? ReaderResult.Ok : ReaderResult.Crc;
        }

        /// <summary>
        /// HLTA (§6.3.3): puts the ACTIVE card in HALT, where only WUPA wakes it. Success is silence: a card that
        /// answers within the timeout (1 ms) has not accepted it (Protocol).
        /// </summary>
        public ReaderResult Halt()
        {
            // With the chip's CRC off (after the anticollision) the frame's own CRC_A (57 CDh) goes out too.
            ReaderResult result = chip.TransceiveFrame(haltFrame, 0, chip.hardwareCrc ? 2 : 4, 0x00, options.ShortTimeoutTicks, answer, 0, answer.Length);
            if (result == ReaderResult.Timeout)
            {
                return ReaderResult.Ok;
            }

            return result == ReaderResult.ChipFault ? result : ReaderResult.Protocol;
        }

        /// <summary>
        /// Sends a frame that no card state accepts (a one-byte 00h with CRC_A: neither a request, an anticollision
        /// command, HLTA, RATS nor a valid block). ISO/IEC 14443-3 §6.3: cards in READY or ACTIVE take it as an
        /// unexpected frame and fall back to IDLE, or to HALT when they were woken from there; cards in IDLE or HALT
        /// ignore it. So cards an interrupted anticollision left behind return to where the next REQA (new cards) or
        /// WUPA (the resting card) finds them, and none is halted by mistake. The answer (a MIFARE NAK) is ignored.
        /// </summary>
        public ReaderResult ReleaseCards()
        {
            chip.SetHardwareCrc(true);
            frame[0] = 0x00;
            ReaderResult result = chip.TransceiveFrame(frame, 0, 1, 0x00, options.ShortTimeoutTicks, answer, 0, answer.Length);
            return result == ReaderResult.ChipFault ? result : ReaderResult.Ok;
        }

        /// <summary>
        /// RATS (ISO/IEC 14443-4 §5.6.1) with FSDI 5 and CID 0, on a selected card whose SAK says it is ISO/IEC
        /// 14443-4 compliant; parses the ATS into <paramref name="ats"/>. The card then waits for ISO 14443-4 blocks;
        /// end with <see cref="DeselectCard"/>.
        /// </summary>
        public ReaderResult RequestAts(AtsInfo ats)
        {
            if (!chip.hardwareCrc)
            {
                chip.SetHardwareCrc(true);
            }

            ReaderResult result = chip.TransceiveFrame(ratsFrame, 0, 2, 0x00, options.MediumTimeoutTicks, answer, 0, answer.Length);
            if (result == ReaderResult.Ok)
            {
                // The chip has checked CRC_A; accept the ATS with or without the two CRC bytes left in the FIFO.
                // Parse clears the ATS first, so every outcome leaves it either parsed or cleared.
                int length = chip.responseLength;
                int tl = answer[0];
                if (length >= 1 && chip.responseLastBits == 0 && (tl == length || tl + 2 == length))
                {
                    return ats.Parse(answer, 0, tl) ? ReaderResult.Ok : ReaderResult.Protocol;
                }

                result = ReaderResult.Protocol;
            }

            ats.Clear();
            return result;
        }

        /// <summary>S(DESELECT) (ISO/IEC 14443-4 §8): the ISO 14443-4 way to put a card in HALT.</summary>
        public ReaderResult DeselectCard()
        {
            if (!chip.hardwareCrc)
            {
                chip.SetHardwareCrc(true);
            }

            ReaderResult result = chip.TransceiveFrame(deselectFrame, 0, 1, 0x00, options.MediumTimeoutTicks, answer, 0, answer.Length);
            if (result != ReaderResult.Ok)
            {
                return result;
            }

            return chip.responseLength >= 1 && answer[0] == Deselect ? ReaderResult.Ok : ReaderResult.Protocol;
        }
    }
}
