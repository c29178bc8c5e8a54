using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Reader
{
    /// <summary>
    /// The answer of one poll, filled in place so the tap path allocates nothing: create one at start-up and pass
    /// it to every <see cref="CardReader.Poll"/>.
    /// </summary>
    public sealed class CardReadResult
    {
        public CardEvent Event;

        /// <summary>Ok unless <see cref="Event"/> is Error.</summary>
        public ReaderResult Error;

        /// <summary>UID bytes in received order (ESUP-SGC CSN order); valid for NewCard, SameCardStillPresent, CardRemoved.</summary>
        public readonly byte[] Uid = new byte[CardIdentity.MaxUidLength];

        public int UidLength;
        public byte Sak;
        public ushort Atqa;
        public CardType Type;

        /// <summary>ATS of an ISO 14443-4 card when <see cref="CardReaderOptions.RequestAts"/> is on.</summary>
        public readonly AtsInfo Ats = new AtsInfo();

        /// <summary>How that ATS compares with a DESFire's (<see cref="DesfireAts"/>): NotRead without RATS or when the
        /// answer was lost; NotDesfire makes <see cref="Type"/> Iso14443_4, so a 7-byte UID is not taken for a LéoCarte.</summary>
        public AtsMatch AtsMatch;

        /// <summary>False when the ATQA's UID-size bits contradict the UID length (a card answering a made-up ATQA);
        /// <see cref="Type"/> is then Unknown.</summary>
        public bool AtqaAgreesWithUid;

        /// <summary>SameCardStillPresent although the last presence check missed (removal not yet confirmed).</summary>
        public bool PresenceUncertain;

        /// <summary>NewCard, but other cards are in the field too (a wallet): the collision resolved during the select
        /// was confirmed by another card answering after this one was halted. A collision that was RF noise on a
        /// single card leaves this false. Decide nothing on such a tap.</summary>
        public bool SeveralCards;

        /// <summary>Where the poll failed when <see cref="Event"/> is Error; None otherwise.</summary>
        public ReaderStep FailedStep;

        public void Reset()
        {
            Event = CardEvent.NoCard;
            Error = ReaderResult.Ok;
            System.Array.Clear(Uid, 0, Uid.Length);

            UidLength = 0;
            Sak = 0;
            Atqa = 0;
            Type = CardType.Unknown;

            // Only a poll with RATS (RequestAts) fills the ATS, and Parse and Clear are what write an AtsInfo: Parse leaves
            // Length 0 only after clearing it. So Length 0 and not Valid is a cleared ATS already: the call is skipped on
            // the polls that never read one (nanoCLR does not inline; every poll resets its result).
            AtsInfo ats = Ats;
            if (ats.Length != 0 || ats.Valid)
            {
                ats.Clear();
            }
            AtsMatch = AtsMatch.NotRead;
            AtqaAgreesWithUid = false;
            PresenceUncertain = false;
            SeveralCards = false;
            FailedStep = ReaderStep.None;
        }

        /// <summary>Copies the card; <paramref name="atqaAgrees"/> is <see cref="CardTypes.AtqaAgreesWithUid"/> of it, which the
        /// reader computed once when the card was detected.</summary>
        internal void SetCard(CardIdentity card, CardType type, bool atqaAgrees)
        {
            int length = card.UidLength;
            System.Array.Copy(card.Uid, 0, Uid, 0, length);

            UidLength = length;
            Sak = card.Sak;
            Atqa = card.Atqa;
            Type = type;
            AtsMatch = card.Ats;
            AtqaAgreesWithUid = atqaAgrees;
        }

        /// <summary>True when the UID equals <paramref name="uid"/>[0..<paramref name="length"/>).</summary>
        public bool UidEquals(byte[] uid, int length)
        {
            if (length != UidLength)
            {
                return false;
            }

            for (int i = 0; i < length; i++)
            {
                if (uid[i] != Uid[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
