using System;
using LeoCarte.Simulator.Rf;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>ISO/IEC 14443-3 §6.3 PICC states (READY*/ACTIVE* are READY/ACTIVE with <see cref="VirtualCard.WokenFromHalt"/>).</summary>
    public enum CardState
    {
        /// <summary>Not in a powered field.</summary>
        PowerOff,
        Idle,
        Ready,
        Active,
        Halt,
    }

    /// <summary>
    /// A type A card in the simulated field: the ISO/IEC 14443-3 state machine, REQA/WUPA, bit-oriented
    /// anticollision and SELECT over cascade levels 1–3, HLTA. Subclasses add what an ACTIVE card understands
    /// (MIFARE Classic memory, ISO/IEC 14443-4). Build one with the factories:
    /// <c>VirtualCard.Classic1K(uid)</c>, <c>Classic4K</c>, <c>ClassicMini</c>, <c>Ultralight</c>, <c>Desfire</c>.
    /// </summary>
    public abstract class VirtualCard
    {
        public const byte Reqa = 0x26;
        public const byte Wupa = 0x52;
        public const byte CascadeTag = 0x88;
        public const byte SelCascadeLevel1 = 0x93;
        public const byte SelCascadeLevel2 = 0x95;
        public const byte SelCascadeLevel3 = 0x97;
        public const byte Hlta = 0x50;

        private int cascadeLevel = 1;

        protected VirtualCard(byte[] uid, ushort atqa, byte sak, string kind)
        {
            if (uid == null || (uid.Length != 4 && uid.Length != 7 && uid.Length != 10))
            {
                throw new ArgumentException("A type A UID has 4, 7 or 10 bytes (ISO/IEC 14443-3 §6.4.4).", nameof(uid));
            }

            if (uid[0] == CascadeTag)
            {
                // §6.4.4: uid0 of a single size UID shall not be 0x88 (it would read as a cascade tag).
                throw new ArgumentException("UID0 must not be the cascade tag 0x88.", nameof(uid));
            }

            Uid = (byte[])uid.Clone();
            Atqa = atqa;
            Sak = sak;
            Kind = kind;
        }

        /// <summary>The UID as the card sends it (UID0 first). A card in random-ID mode draws a new one at each power-up.</summary>
        public byte[] Uid { get; protected set; }

        /// <summary>ATQA as a 16-bit value; sent LSB first (0x0344 goes on the air as 44 03).</summary>
        public ushort Atqa { get; protected set; }

        /// <summary>SAK of the last cascade level (the one a driver decodes to tell the card type).</summary>
        public byte Sak { get; }

        /// <summary>Human-readable card type ("MIFARE Classic 1K", ...).</summary>
        public string Kind { get; }

        public CardState State { get; private set; } = CardState.PowerOff;

        /// <summary>READY*/ACTIVE*: the card left HALT through WUPA and returns to HALT, not IDLE, on error (§6.3).</summary>
        public bool WokenFromHalt { get; private set; }

        /// <summary>Number of cascade levels: 1, 2 or 3 for 4-, 7- and 10-byte UIDs.</summary>
        public int CascadeLevels => Uid.Length == 4 ? 1 : Uid.Length == 7 ? 2 : 3;

        /// <summary>Current cascade level while READY (1-based).</summary>
        public int CascadeLevel => cascadeLevel;

        /// <summary>True while a MIFARE Crypto1 session with the reader is open (the card expects ciphered frames).</summary>
        public bool CryptoSession { get; protected set; }

        /// <summary>Divisor index the card listens at (DR; 0 = 106 kbit/s), changed only by PPS (ISO/IEC 14443-4 cards).</summary>
        public int ReaderToCardRate { get; protected set; }

        /// <summary>Divisor index the card answers at (DS; 0 = 106 kbit/s).</summary>
        public int CardToReaderRate { get; protected set; }

        /// <summary>Model time at which the card last got power.</summary>
        public long PoweredAtNs { get; private set; }

        /// <summary>Frames this card has seen while powered (for tests and fault injection).</summary>
        public long FramesReceived { get; private set; }

        /// <summary>Times the card was selected (reached ACTIVE).</summary>
        public long Selections { get; private set; }

        /// <summary>The 40-bit UID CLn (4 UID bytes or CT + 3 bytes, then BCC) of a cascade level (§6.4.4, Fig. 13).</summary>
        public byte[] CascadeLevelBytes(int level)
        {
            var cln = new byte[5];
            bool last = level == CascadeLevels;
            int offset = (level - 1) * 3;
            if (last)
            {
                Array.Copy(Uid, offset, cln, 0, 4);
            }
            else
            {
                cln[0] = CascadeTag;
                Array.Copy(Uid, offset, cln, 1, 3);
            }

            cln[4] = (byte)(cln[0] ^ cln[1] ^ cln[2] ^ cln[3]);
            return cln;
        }

        /// <summary>Lowercase hex of the UID in received order (ESUP-SGC's canonical CSN text).</summary>
        public string UidHex => Convert.ToHexString(Uid).ToLowerInvariant();

        public override string ToString() => Kind + " " + UidHex + " (" + State + ")";

        // ---- factories -------------------------------------------------------------------------------------

        /// <summary>MIFARE Classic 1K (SAK 0x08; ATQA 0x0004 for 4-byte UIDs, 0x0044 for 7-byte), transport keys.</summary>
        public static ClassicCard Classic1K(byte[] uid) => new ClassicCard(uid, ClassicCard.Layout.Classic1K);

        /// <summary>MIFARE Classic 4K (SAK 0x18; ATQA 0x0002 / 0x0042).</summary>
        public static ClassicCard Classic4K(byte[] uid) => new ClassicCard(uid, ClassicCard.Layout.Classic4K);

        /// <summary>MIFARE Classic Mini (SAK 0x09, 5 sectors).</summary>
        public static ClassicCard ClassicMini(byte[] uid) => new ClassicCard(uid, ClassicCard.Layout.Mini);

        /// <summary>MIFARE Ultralight (SAK 0x00, ATQA 0x0044, 7-byte UID, 16 pages).</summary>
        public static UltralightCard Ultralight(byte[] uid7) => new UltralightCard(uid7);

        /// <summary>MIFARE DESFire-like ISO/IEC 14443-4 card (ATQA 0x0344, SAK 0x20, 7-byte UID).</summary>
        public static DesfireCard Desfire(byte[] uid7) => new DesfireCard(uid7);

        /// <summary>A DESFire in random-ID mode (EV1+ privacy option): at each power-up a fresh 4-byte UID 08h xx xx xx
        /// (ATQA 0x0304); GetVersion hides the real UID (<see cref="DesfireCard.RealUid"/>).</summary>
        public static DesfireCard DesfireRandomUid(byte[] uid7, int seed = 1) => new DesfireCard(uid7) { RandomUid = true, RandomSeed = seed };

        /// <summary>Parses "04a1b2c3d4e5f6" or "04:A1:..." into UID bytes.</summary>
        public static byte[] UidFromHex(string hex) => Convert.FromHexString(hex.Replace(":", "").Replace(" ", ""));

        // ---- field interface -------------------------------------------------------------------------------

        /// <summary>Field switched on or card brought into a powered field: power-on reset into IDLE (§6.3.1).</summary>
        internal void PowerOn(long nowNs)
        {
            OnPowerOn();
            PoweredAtNs = nowNs;
            State = CardState.Idle;
            WokenFromHalt = false;
            cascadeLevel = 1;
            CryptoSession = false;
            OnReset();
        }

        /// <summary>Field off or card taken away: every volatile state is lost.</summary>
        internal void PowerOff()
        {
            State = CardState.PowerOff;
            WokenFromHalt = false;
            cascadeLevel = 1;
            CryptoSession = false;
            OnReset();
        }

        /// <summary>
        /// One reader frame reaches the card. <paramref name="understood"/> is false when the frame is ciphered
        /// with a Crypto1 state the card does not share (or plain while the card expects ciphered frames): the card
        /// then sees garbage. Returns the answer, or null for silence.
        /// </summary>
        internal CardAnswer Receive(ReaderFrame frame, bool understood)
        {
            if (State == CardState.PowerOff || Silent)
            {
                return null;
            }

            FramesReceived++;
            if (!understood)
            {
                // A frame the card cannot decode is a transmission error: READY/ACTIVE fall back (§6.3.3, §6.3.4).
                Fallback();
                return null;
            }

            switch (State)
            {
                case CardState.Idle:
                    if (frame.IsShortFrame && (frame.Data[0] & 0x7F) is Reqa or Wupa)
                    {
                        return EnterReady(false);
                    }

                    return null;

                case CardState.Halt:
                    if (frame.IsShortFrame && (frame.Data[0] & 0x7F) == Wupa)
                    {
                        return EnterReady(true);
                    }

                    return null;

                case CardState.Ready:
                    return ReceiveInReady(frame);

                case CardState.Active:
                    if (frame.IsShortFrame && AcceptsHlta)
                    {
                        // REQA/WUPA (or any short frame) is not a command of the ACTIVE state: an unexpected frame
                        // that sends the card back to IDLE, or HALT for ACTIVE* (§6.3, Fig. 6), without an answer.
                        // A card in the ISO/IEC 14443-4 protocol state ignores it like any invalid block (below).
                        Fallback();
                        return null;
                    }

                    if (IsHlta(frame) && AcceptsHlta)
                    {
                        // §6.4.3: HLTA puts an ACTIVE card to HALT; it does not answer.
                        EnterHalt();
                        return null;
                    }

                    return ReceiveInActive(frame);
            }

            return null;
        }

        /// <summary>
        /// False while the card is in the ISO/IEC 14443-4 protocol state: there only blocks are valid and an HLTA is
        /// ignored like any invalid block (14443-4 §7.5.5); S(DESELECT) is the way to HALT.
        /// </summary>
        protected virtual bool AcceptsHlta => true;

        /// <summary>True while the card is out of reach although the field still lists it (a card pulled away in the
        /// middle of a command, see DesfireCard.TearAfterCommands): it answers nothing.</summary>
        protected virtual bool Silent => false;

        /// <summary>The AUTH request of an MFAuthent that this card is not the target of (its answer is lost).</summary>
        internal void ReceiveForAuthentication(ReaderFrame frame, bool understood) => Receive(frame, understood);

        /// <summary>What an ACTIVE card does with a frame other than HLTA; default: not understood → fall back.</summary>
        protected virtual CardAnswer ReceiveInActive(ReaderFrame frame)
        {
            Fallback();
            return null;
        }

        /// <summary>Called when the card gets power, before it enters IDLE (a random-ID card draws its UID here).</summary>
        protected virtual void OnPowerOn()
        {
        }

        /// <summary>Clears card-type state (Crypto1 session, ISO 14443-4 layer, pending commands).</summary>
        protected virtual void OnReset()
        {
        }

        /// <summary>READY/ACTIVE → IDLE, or READY*/ACTIVE* → HALT, after an error or an unexpected command (§6.3).</summary>
        protected void Fallback()
        {
            if (State == CardState.Ready || State == CardState.Active)
            {
                State = WokenFromHalt ? CardState.Halt : CardState.Idle;
                cascadeLevel = 1;
                CryptoSession = false;
                OnReset();
            }
        }

        /// <summary>ACTIVE → HALT (HLTA, ISO 14443-4 DESELECT).</summary>
        protected void EnterHalt()
        {
            State = CardState.Halt;
            WokenFromHalt = false;
            cascadeLevel = 1;
            CryptoSession = false;
            OnReset();
        }

        private CardAnswer EnterReady(bool fromHalt)
        {
            State = CardState.Ready;
            WokenFromHalt = fromHalt;
            cascadeLevel = 1;
            return CardAnswer.Bytes((byte)(Atqa & 0xFF), (byte)(Atqa >> 8));
        }

        private static bool IsHlta(ReaderFrame frame) =>
            frame.BitCount == 32 && frame.HasValidCrc && frame.Data[0] == Hlta && frame.Data[1] == 0x00;

        private static byte SelCode(int level) => level == 1 ? SelCascadeLevel1 : level == 2 ? SelCascadeLevel2 : SelCascadeLevel3;

        /// <summary>ANTICOLLISION and SELECT for the current cascade level (§6.4.3.1 to §6.4.3.3).</summary>
        private CardAnswer ReceiveInReady(ReaderFrame frame)
        {
            if (frame.BitCount < 16 || frame.Data[0] != SelCode(cascadeLevel))
            {
                Fallback();
                return null;
            }

            byte nvb = frame.Data[1];
            int nvbBytes = nvb >> 4;
            int nvbBits = nvb & 0x0F;
            byte[] cln = CascadeLevelBytes(cascadeLevel);

            if (nvb == 0x70)
            {
                // SELECT: SEL, NVB = 70h, the 40 bits of UID CLn (with BCC), CRC_A.
                if (frame.BitCount != 72 || !frame.HasValidCrc)
                {
                    Fallback();
                    return null;
                }

                for (int i = 0; i < 5; i++)
                {
                    if (frame.Data[2 + i] != cln[i])
                    {
                        // Another card is being selected: this one stays READY (§6.4.3.3).
                        return null;
                    }
                }

                if (cascadeLevel < CascadeLevels)
                {
                    // §6.4.3.4: SAK with the cascade bit (b3): UID not complete, next cascade level.
                    cascadeLevel++;
                    return CardAnswer.WithCrc(0x04);
                }

                State = CardState.Active;
                Selections++;
                return CardAnswer.WithCrc(Sak);
            }

            if (nvbBits > 7 || nvbBytes < 2 || nvbBytes > 6)
            {
                Fallback();
                return null;
            }

            int knownBits = (nvbBytes - 2) * 8 + nvbBits;
            if (knownBits >= 40 || frame.BitCount != 16 + knownBits)
            {
                Fallback();
                return null;
            }

            for (int bit = 0; bit < knownBits; bit++)
            {
                int sent = (frame.Data[2 + bit / 8] >> (bit % 8)) & 1;
                int mine = (cln[bit / 8] >> (bit % 8)) & 1;
                if (sent != mine)
                {
                    // Not this card's UID prefix: it keeps silent and stays READY (§6.4.3.2 step 6).
                    return null;
                }
            }

            // Answer the remaining bits of UID CLn + BCC, continuing the split byte (§6.4.3.2 Fig. 11).
            return new CardAnswer(cln, knownBits, 40);
        }
    }
}
