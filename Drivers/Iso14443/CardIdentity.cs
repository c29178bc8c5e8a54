namespace LeoCarte.Drivers.Iso14443
{
    /// <summary>
    /// What ISO/IEC 14443-3 anticollision learns about one card: ATQA, UID (4, 7 or 10 bytes, in the order the
    /// bytes are received, which is ESUP-SGC's CSN order) and the final SAK. Preallocated and reused.
    /// </summary>
    public sealed class CardIdentity
    {
        /// <summary>Longest UID of ISO/IEC 14443-3 (triple size, §6.5.4).</summary>
        public const int MaxUidLength = 10;

        public readonly byte[] Uid = new byte[MaxUidLength];

        public int UidLength;

        /// <summary>ATQA as a 16-bit value, first received byte in the low half (ISO/IEC 14443-3 §6.5.2).</summary>
        public ushort Atqa;

        /// <summary>True when several cards answered REQA/WUPA with different ATQA bits (a normal multi-card field).</summary>
        public bool AtqaCollided;

        /// <summary>SAK of the last cascade level (§6.5.3.4).</summary>
        public byte Sak;

        /// <summary>How the card's ATS compares with DESFire's (<see cref="DesfireAts"/>); NotRead unless RATS was sent and answered.</summary>
        public AtsMatch Ats;

        /// <summary>True when the ATQA's UID-size bits announce the UID length the anticollision found.</summary>
        public bool AtqaAgreesWithUid => CardTypes.AtqaAgreesWithUid(Atqa, UidLength);

        public void Clear()
        {
            // Native Array.Clear/Array.Copy (one call, not an interpreted loop per byte): these run several times per poll.
            System.Array.Clear(Uid, 0, MaxUidLength);
            UidLength = 0;
            Atqa = 0;
            AtqaCollided = false;
            Sak = 0;
            Ats = AtsMatch.NotRead;
        }

        public void CopyFrom(CardIdentity other)
        {
            System.Array.Copy(other.Uid, 0, Uid, 0, MaxUidLength);
            UidLength = other.UidLength;
            Atqa = other.Atqa;
            AtqaCollided = other.AtqaCollided;
            Sak = other.Sak;
            Ats = other.Ats;
        }

        public bool SameUid(CardIdentity other)
        {
            if (other.UidLength != UidLength)
            {
                return false;
            }

            for (int i = 0; i < UidLength; i++)
            {
                if (other.Uid[i] != Uid[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
