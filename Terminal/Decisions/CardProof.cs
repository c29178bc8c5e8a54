using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Decisions
{
    /// <summary>What the card on the reader proved about itself, for the decision on a listed card.</summary>
    public enum CardProofResult : byte
    {
        /// <summary>Nothing asked beyond the card-type check, and the type matches (policy uid).</summary>
        TypeMatches = 0,

        /// <summary>Policy desfire-aes: the card authenticated with its diversified key and its holder file matches the list.</summary>
        Authenticated = 1,

        /// <summary>Migration mode: a card of the right type without the site application, approved by its UID (journaled as such).</summary>
        UidOnly = 2,

        /// <summary>The card does not answer as its entry's family (ReasonCode.NotGenuine).</summary>
        WrongType = 3,

        /// <summary>The site application is there but the card did not prove the key, or a MAC failed (ReasonCode.AuthenticationFailed).</summary>
        AuthenticationFailed = 4,

        /// <summary>The authenticated holder file disagrees with the list entry (ReasonCode.HolderMismatch).</summary>
        HolderMismatch = 5,

        /// <summary>No site application and no migration mode (ReasonCode.NotPersonalised).</summary>
        NotPersonalised = 6,

        /// <summary>The exchange with the card broke off (card lifted, RF noise, chip fault): ReasonCode.ReaderError, present again.</summary>
        ReadFailed = 7,

        /// <summary>Policy uid, an entry with an originality digest: the type matches and the card's Read_Sig answer has
        /// the list's digest (journal flag Originality).</summary>
        Original = 8,

        /// <summary>The entry carries an originality digest and the card's Read_Sig answer does not match it, or the card
        /// does not answer Read_Sig (ReasonCode.NotGenuine, journal flag Originality).</summary>
        NotOriginal = 9,
    }

    /// <summary>
    /// The site policy's check of the card that is on the reader, asked by <see cref="DecisionEngine"/> once a card is
    /// found in the list with a state that would be approved (an unknown or refused card costs no radio exchange). The
    /// terminal application implements it over the card reader (Terminal/App/CardPolicy): the card-type check against
    /// the entry's family under every policy, DESFire AES authentication and the holder file under desfire-aes. Called
    /// on the tap thread, under the engine's lock; must not allocate. The implementation answers the same result for
    /// later decisions on the same tap (an MDB VEND REQUEST after the session the tap opened: the card may have left).
    /// </summary>
    public interface ICardProof
    {
        CardProofResult Prove(byte[] uid, int offset, int length, CardRecord listed);
    }

    /// <summary>The reason a proof result refuses with (Approved when it does not refuse).</summary>
    public static class CardProofReasons
    {
        public static ReasonCode Of(CardProofResult result)
        {
            switch (result)
            {
                case CardProofResult.WrongType: return ReasonCode.NotGenuine;
                case CardProofResult.NotOriginal: return ReasonCode.NotGenuine;
                case CardProofResult.AuthenticationFailed: return ReasonCode.AuthenticationFailed;
                case CardProofResult.HolderMismatch: return ReasonCode.HolderMismatch;
                case CardProofResult.NotPersonalised: return ReasonCode.NotPersonalised;
                case CardProofResult.ReadFailed: return ReasonCode.ReaderError;
                default: return ReasonCode.Approved;
            }
        }
    }
}
