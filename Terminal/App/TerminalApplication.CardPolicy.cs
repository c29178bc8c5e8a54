using LeoCarte.Drivers.Desfire;
using LeoCarte.Drivers.Reader;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Decisions;

namespace LeoCarte.Terminal.App
{
    /// <summary>The site card policy (configuration [card]) wired between the reader and the decision engine.</summary>
    public sealed partial class TerminalApplication
    {
        private SiteCardPolicy cardPolicy;

        /// <summary>The site card policy in force (null without a reader or storage).</summary>
        public SiteCardPolicy CardPolicy => cardPolicy;

        /// <summary>The last poll's result (the card the site policy checks); for tools that replay a tap step by step.</summary>
        public CardReadResult LastRead => read;

        private void StartCardPolicy()
        {
            if (reader == null || decisions == null)
            {
                return;
            }

            IBlockCipher[] ciphers = options.CardCiphers;
            IBlockCipher diversification;
            if (ciphers != null && ciphers.Length >= 4)
            {
                reader.UseBlockCiphers(ciphers[0], ciphers[1], ciphers[2]);
                diversification = ciphers[3];
            }
            else
            {
                diversification = new Aes128();
            }

            IChallengeSource challenges = options.Challenges != null ? options.Challenges : new ChallengeGenerator(new System.Random().Next() ^ (int)clock.MonotonicMilliseconds);
            cardPolicy = new SiteCardPolicy(configuration.Card, reader, read, allowlist, configuration.SiteId, challenges, diversification,
                options.MessageHasher != null ? options.MessageHasher : new LeoCarte.Terminal.Sync.PortableMessageHasher());
            decisions.CardProof = cardPolicy;

            // A DESFire may need a session in this tap (desfire-aes; under uid a list entry with an originality digest), so
            // the Poll leaves an ISO/IEC 14443-4 card ACTIVE and the session starts with RATS; the tap loop parks every card
            // once its tap is decided (Step: CardReader.ParkCard), which also takes the HLTA out of a uid tap's wait.
            reader.Options.KeepIso14443_4CardActive = true;
            CardPolicySettings card = configuration.Card;
            if (card.Policy == LeoCarte.Terminal.Config.CardPolicy.DesfireAes)
            {
                Say("card policy: " + card.PolicyName() + ", " + card.KeyCount.ToString() + " key version(s) configured; the list announces "
                    + allowlist.KeyVersion.ToString() + " in force, " + allowlist.PreviousKeyVersion.ToString() + " previous");
            }
        }

        private void CountProof(Decision d)
        {
            if (d.Reason == ReasonCode.NotGenuine || d.Reason == ReasonCode.AuthenticationFailed || d.Reason == ReasonCode.HolderMismatch)
            {
                statistics.RefusedNotGenuine++;
            }

            if (d.Approved && d.Proof == CardProofResult.Authenticated)
            {
                statistics.ApprovedAuthenticated++;
            }

            if (d.Approved && d.Proof == CardProofResult.UidOnly)
            {
                statistics.ApprovedUidOnly++;
            }

            if (d.Approved && d.Proof == CardProofResult.Original)
            {
                statistics.ApprovedOriginal++;
            }

            if (!d.Approved && d.Proof == CardProofResult.NotOriginal)
            {
                statistics.RefusedNotOriginal++;
            }
        }
    }
}
