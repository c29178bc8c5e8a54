using System;
using LeoCarte.Terminal.Bytes;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Time;

namespace LeoCarte.Terminal.Journal
{
    /// <summary>
    /// One decision as journaled in flash and uploaded to the platform. The flash bytes and the wire bytes are the
    /// same 64-byte little-endian record (Terminal/Journal/FORMAT.md), so the sync client uploads raw records and
    /// the gateway checks each record's CRC-32 itself. A caller keeps one instance and reuses it: encoding and
    /// decoding allocate nothing.
    /// </summary>
    public sealed class JournalRecord
    {
        /// <summary>Bytes per record, in flash and on the wire.</summary>
        public const int Size = 64;

        /// <summary>Record layout version, byte 0 of every record; a reader rejects versions it does not know.</summary>
        public const byte FormatVersion = 1;

        /// <summary>Longest UID a record holds (ISO/IEC 14443-3 triple-size UID).</summary>
        public const int MaxUidLength = 10;

        public const int FlagApproved = 0x01;
        public const int FlagClockSynced = 0x02;
        public const int FlagCardListed = 0x04;

        /// <summary>Site policy desfire-aes: the card proved its diversified AES key and its holder file matched the list.</summary>
        public const int FlagAuthenticated = 0x08;

        /// <summary>Migration mode: a card without the site application yet, decided on its UID alone (the card office counts them).</summary>
        public const int FlagUidOnly = 0x10;

        /// <summary>The card's originality signature (Read_Sig) was compared with its list entry's digest: set on an approval
        /// under policy uid (it matched) and on a "card not genuine" refusal (it did not, or the card had none).</summary>
        public const int FlagOriginality = 0x20;

        private const int KnownFlags = FlagApproved | FlagClockSynced | FlagCardListed | FlagAuthenticated | FlagUidOnly | FlagOriginality;

        // Field offsets (FORMAT.md).
        private const int OffsetVersion = 0;
        private const int OffsetFlags = 1;
        private const int OffsetReason = 2;
        private const int OffsetMode = 3;
        private const int OffsetSequence = 4;
        private const int OffsetTime = 12;
        private const int OffsetUidLength = 20;
        private const int OffsetUid = 21;
        private const int OffsetCategory = 31;
        private const int OffsetListVersion = 32;
        private const int OffsetAmount = 40;
        private const int OffsetItem = 44;
        private const int OffsetHolder = 48;
        private const int OffsetPeriod = 52;
        private const int OffsetJournalId = 56;
        private const int OffsetCrc = 60;

        /// <summary>Journal sequence number: 1, 2, 3 … per terminal, never reused.</summary>
        public long Sequence;

        /// <summary>Decision time, milliseconds since 1970-01-01 UTC, as the terminal's clock read it.</summary>
        public long UnixMilliseconds;

        /// <summary>True when <see cref="UnixMilliseconds"/> came from a synced clock (SNTP or gateway).</summary>
        public bool ClockSynced;

        public bool Approved;

        /// <summary>True when the card was found in the allowlist (then <see cref="HolderKey"/> and <see cref="Category"/> are meaningful).</summary>
        public bool CardListed;

        /// <summary>See <see cref="FlagAuthenticated"/>.</summary>
        public bool Authenticated;

        /// <summary>See <see cref="FlagUidOnly"/>.</summary>
        public bool UidOnly;

        /// <summary>See <see cref="FlagOriginality"/>.</summary>
        public bool Originality;

        /// <summary>Decision reason code (LeoCarte.Terminal.Decisions.ReasonCode; 0 = approved).</summary>
        public byte Reason;

        /// <summary>Terminal mode at the decision (LeoCarte.Terminal.Decisions.TerminalMode).</summary>
        public byte Mode;

        public int UidLength;

        /// <summary>UID bytes in received order; bytes past <see cref="UidLength"/> are zero.</summary>
        public readonly byte[] Uid = new byte[MaxUidLength];

        public byte Category;

        /// <summary>Allowlist version in force at the decision (0 = none).</summary>
        public long ListVersion;

        /// <summary>Amount charged in euro cents (0 on a denial).</summary>
        public int AmountCents;

        /// <summary>Vending item code, or the service-window index + 1 in restaurant mode.</summary>
        public int ItemCode;

        public int HolderKey;

        /// <summary>Counter period the decision counted against (service window or day), 0 when none.</summary>
        public int PeriodKey;

        /// <summary>
        /// Random non-zero identity of the journal that holds the record, set by the journal on append. A terminal
        /// whose flash was wiped starts again at sequence 1 under a new journal id, so the platform deduplicates on
        /// (terminal id, journal id, sequence) and never mistakes new transactions for old ones.
        /// </summary>
        public int JournalId;

        public DateTime TimeUtc
        {
            get { return UnixTime.FromMilliseconds(UnixMilliseconds); }
            set { UnixMilliseconds = UnixTime.ToMilliseconds(value); }
        }

        /// <summary>Sets the UID from uid[offset..offset+length), keeping at most <see cref="MaxUidLength"/> bytes.</summary>
        public void SetUid(byte[] uid, int offset, int length)
        {
            if (uid == null || length < 0)
            {
                length = 0;
            }

            if (length > MaxUidLength)
            {
                length = MaxUidLength;
            }

            Array.Clear(Uid, 0, MaxUidLength);
            if (length > 0)
            {
                Array.Copy(uid, offset, Uid, 0, length);
            }

            UidLength = length;
        }

        public void Clear()
        {
            Sequence = 0;
            UnixMilliseconds = 0;
            ClockSynced = false;
            Approved = false;
            CardListed = false;
            Authenticated = false;
            UidOnly = false;
            Originality = false;
            Reason = 0;
            Mode = 0;
            UidLength = 0;
            Array.Clear(Uid, 0, MaxUidLength);
            Category = 0;
            ListVersion = 0;
            AmountCents = 0;
            ItemCode = 0;
            HolderKey = 0;
            PeriodKey = 0;
            JournalId = 0;
        }

        /// <summary>Writes the 64-byte record, CRC included, at buffer[offset].</summary>
        public void Encode(byte[] buffer, int offset)
        {
            // Same bytes as FORMAT.md says: the journal tests compare them with fixed vectors.
            int o = offset;
            buffer[o + OffsetVersion] = FormatVersion;
            int flags = (Approved ? FlagApproved : 0) | (ClockSynced ? FlagClockSynced : 0) | (CardListed ? FlagCardListed : 0)
                | (Authenticated ? FlagAuthenticated : 0) | (UidOnly ? FlagUidOnly : 0) | (Originality ? FlagOriginality : 0);
            buffer[o + OffsetFlags] = (byte)flags;
            buffer[o + OffsetReason] = Reason;
            buffer[o + OffsetMode] = Mode;
            LittleEndian.WriteInt64(buffer, o + OffsetSequence, Sequence);
            LittleEndian.WriteInt64(buffer, o + OffsetTime, UnixMilliseconds);
            int uidLength = UidLength < 0 ? 0 : (UidLength > MaxUidLength ? MaxUidLength : UidLength);
            buffer[o + OffsetUidLength] = (byte)uidLength;
            // Two native calls instead of a 10-step interpreted loop: the UID, then zeros up to MaxUidLength.
            Array.Copy(Uid, 0, buffer, o + OffsetUid, uidLength);
            Array.Clear(buffer, o + OffsetUid + uidLength, MaxUidLength - uidLength);

            buffer[o + OffsetCategory] = Category;
            LittleEndian.WriteInt64(buffer, o + OffsetListVersion, ListVersion);
            LittleEndian.WriteInt32(buffer, o + OffsetAmount, AmountCents);
            LittleEndian.WriteInt32(buffer, o + OffsetItem, ItemCode);
            LittleEndian.WriteInt32(buffer, o + OffsetHolder, HolderKey);
            LittleEndian.WriteInt32(buffer, o + OffsetPeriod, PeriodKey);
            LittleEndian.WriteInt32(buffer, o + OffsetJournalId, JournalId);
            LittleEndian.WriteUInt32(buffer, o + OffsetCrc, Crc32.Compute(buffer, o, OffsetCrc));
        }

        /// <summary>
        /// True when buffer[offset..offset+64) is a well-formed record: known version, CRC-32 matching, UID length
        /// at most 10 and flags within the defined bits. Never throws for any content; false when the buffer is too short.
        /// </summary>
        public static bool IsValid(byte[] buffer, int offset, int count)
        {
            if (buffer == null || offset < 0 || count < Size || offset > buffer.Length - Size)
            {
                return false;
            }

            if (buffer[offset + OffsetVersion] != FormatVersion || buffer[offset + OffsetUidLength] > MaxUidLength)
            {
                return false;
            }

            if ((buffer[offset + OffsetFlags] & ~KnownFlags) != 0)
            {
                return false;
            }

            return LittleEndian.ReadUInt32(buffer, offset + OffsetCrc) == Crc32.Compute(buffer, offset, OffsetCrc);
        }

        /// <summary>The journal id field of the record at buffer[offset] (no validation).</summary>
        public static int ReadJournalId(byte[] buffer, int offset)
        {
            return LittleEndian.ReadInt32(buffer, offset + OffsetJournalId);
        }

        /// <summary>The sequence number field of the record at buffer[offset] (no validation).</summary>
        public static long ReadSequence(byte[] buffer, int offset)
        {
            return LittleEndian.ReadInt64(buffer, offset + OffsetSequence);
        }

        /// <summary>Fills this instance from the record at buffer[offset]; false (and this instance unchanged) when the bytes are not a valid record.</summary>
        public bool Decode(byte[] buffer, int offset, int count)
        {
            if (!IsValid(buffer, offset, count))
            {
                return false;
            }

            int flags = buffer[offset + OffsetFlags];
            Approved = (flags & FlagApproved) != 0;
            ClockSynced = (flags & FlagClockSynced) != 0;
            CardListed = (flags & FlagCardListed) != 0;
            Authenticated = (flags & FlagAuthenticated) != 0;
            UidOnly = (flags & FlagUidOnly) != 0;
            Originality = (flags & FlagOriginality) != 0;
            Reason = buffer[offset + OffsetReason];
            Mode = buffer[offset + OffsetMode];
            Sequence = LittleEndian.ReadInt64(buffer, offset + OffsetSequence);
            UnixMilliseconds = LittleEndian.ReadInt64(buffer, offset + OffsetTime);
            UidLength = buffer[offset + OffsetUidLength];
            Array.Copy(buffer, offset + OffsetUid, Uid, 0, MaxUidLength);
            Category = buffer[offset + OffsetCategory];
            ListVersion = LittleEndian.ReadInt64(buffer, offset + OffsetListVersion);
            AmountCents = LittleEndian.ReadInt32(buffer, offset + OffsetAmount);
            ItemCode = LittleEndian.ReadInt32(buffer, offset + OffsetItem);
            HolderKey = LittleEndian.ReadInt32(buffer, offset + OffsetHolder);
            PeriodKey = LittleEndian.ReadInt32(buffer, offset + OffsetPeriod);
            JournalId = LittleEndian.ReadInt32(buffer, offset + OffsetJournalId);
            return true;
        }
    }
}
