namespace LeoCarte.Drivers.Iso14443
{
    /// <summary>
    /// Answer To Select (ISO/IEC 14443-4 §5.2): TL, T0, optional TA(1), TB(1), TC(1), historical bytes. Parsed in
    /// place into a reusable object (the raw bytes are copied into <see cref="Raw"/>; nothing is allocated).
    /// </summary>
    public sealed class AtsInfo
    {
        public const int MaxLength = 64;

        public readonly byte[] Raw = new byte[MaxLength];

        /// <summary>TL: the ATS length including TL, excluding CRC_A.</summary>
        public int Length;

        public bool Valid;

        /// <summary>FSCI (T0 bits 4..1): the card's frame size index; <see cref="CardFrameSize"/> decodes it.</summary>
        public int Fsci;

        public bool HasTa;
        public bool HasTb;
        public bool HasTc;
        public byte Ta;
        public byte Tb;
        public byte Tc;

        public int HistoricalOffset;
        public int HistoricalLength;

        /// <summary>True when <see cref="Parse"/> found exactly the factory ATS of MIFARE DESFire EV1–EV3, 06 75 77 81 02 80
        /// (<see cref="DesfireAts"/>): every LéoCarte's. <see cref="DesfireAts.Classify"/> and the PPS check read it instead
        /// of comparing the bytes again. Like every field here it is written by Parse and Clear only.</summary>
        public bool DesfireFactory;

        public byte HistoricalByte(int index) => Raw[HistoricalOffset + index];

        /// <summary>FSC for FSCI (ISO/IEC 14443-4 table 1): 16, 24, 32, 40, 48, 64, 96, 128, 256; RFU values count as 256.</summary>
        public int CardFrameSize
        {
            get
            {
                switch (Fsci)
                {
                    case 0: return 16;
                    case 1: return 24;
                    case 2: return 32;
                    case 3: return 40;
                    case 4: return 48;
                    case 5: return 64;
                    case 6: return 96;
                    case 7: return 128;
                    default: return 256;
                }
            }
        }

        /// <summary>Frame waiting time index FWI (TB(1) bits 8..5; 4 by default, ISO/IEC 14443-4 §5.2.5).</summary>
        public int Fwi => HasTb ? (Tb >> 4) & 0x0F : 4;

        public void Clear()
        {
            Length = 0;
            Valid = false;
            Fsci = 2;
            HasTa = HasTb = HasTc = false;
            Ta = Tb = Tc = 0;
            HistoricalOffset = 0;
            HistoricalLength = 0;
            DesfireFactory = false;
        }

        /// <summary>
        /// Parses <paramref name="count"/> received bytes (CRC_A already checked and possibly still attached).
        /// Returns false, leaving <see cref="Valid"/> false, for anything that is not a well-formed ATS: TL of 0,
        /// TL beyond the data, interface bytes that do not fit, or T0's bit 8 set (RFU, must be 0).
        /// </summary>
        public bool Parse(byte[] data, int offset, int count)
        {
            if (count >= DesfireAts.Tl && data[offset] == DesfireAts.Tl && data[offset + 1] == DesfireAts.T0 && data[offset + 2] == DesfireAts.Ta1
                && data[offset + 3] == DesfireAts.Tb1 && data[offset + 4] == DesfireAts.Tc1 && data[offset + 5] == DesfireAts.Historical)
            {
                // DESFire's factory ATS, the one a tap meets nearly always: its fields are known, so they are set without
                // the general parse below (which gives the same values: AtsParseTests compares them).
                System.Array.Copy(data, offset, Raw, 0, DesfireAts.Tl);
                Length = DesfireAts.Tl;
                Fsci = DesfireAts.T0 & 0x0F;
                HasTa = true;
                HasTb = true;
                HasTc = true;
                Ta = DesfireAts.Ta1;
                Tb = DesfireAts.Tb1;
                Tc = DesfireAts.Tc1;
                HistoricalOffset = 5;
                HistoricalLength = 1;
                DesfireFactory = true;
                Valid = true;
                return true;
            }

            Clear();
            if (count < 1)
            {
                return false;
            }

            int tl = data[offset];
            if (tl < 1 || tl > count || tl > MaxLength)
            {
                return false;
            }

            System.Array.Copy(data, offset, Raw, 0, tl);

            Length = tl;
            if (tl == 1)
            {
                // TL alone: all parameters take their default values (§5.2.2).
                Valid = true;
                return true;
            }

            byte t0 = Raw[1];
            if ((t0 & 0x80) != 0)
            {
                return false;
            }

            Fsci = t0 & 0x0F;
            int position = 2;
            HasTa = (t0 & 0x10) != 0;
            HasTb = (t0 & 0x20) != 0;
            HasTc = (t0 & 0x40) != 0;
            int interfaceBytes = (HasTa ? 1 : 0) + (HasTb ? 1 : 0) + (HasTc ? 1 : 0);
            if (position + interfaceBytes > tl)
            {
                HasTa = HasTb = HasTc = false;
                return false;
            }

            if (HasTa)
            {
                Ta = Raw[position++];
            }

            if (HasTb)
            {
                Tb = Raw[position++];
            }

            if (HasTc)
            {
                Tc = Raw[position++];
            }

            HistoricalOffset = position;
            HistoricalLength = tl - position;
            Valid = true;
            return true;
        }
    }
}
