using LeoCarte.Drivers.Desfire;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// The site policy (terminal configuration [card]) over the card reader, asked by the decision engine for a listed
    /// card whose state would be approved (<see cref="ICardProof"/>):
    /// <list type="bullet">
    /// <item>every policy: the card's anticollision answer (and its ATS, when a session reads one) must be of the entry's
    /// family (<see cref="CardFamilyCheck"/>), else WrongType — "card not genuine";</item>
    /// <item>desfire-aes: a session (RATS on the card the Poll kept ACTIVE; WUPA, SELECT, RATS otherwise), SelectApplication of the site application,
    /// AuthenticateEV2First with key 1 diversified from the UID (NXP AN10922: AES-CMAC of 01 || UID || AID || system id
    /// under the site's master key) of the key version the list announces in force, then of the previous one; then
    /// ReadData of the 16-byte holder file with its MAC verified, cross-checked with the entry (<see cref="HolderFile"/>).
    /// A card without the site application is NotPersonalised, or UidOnly in migration mode (approved, journaled with
    /// its flag). Failures of a card that answers are AuthenticationFailed; an exchange that breaks off is ReadFailed.</item>
    /// <item>every policy, a DESFire entry with an originality digest (Allowlist/FORMAT.md, "Originality digest"): Read_Sig
    /// in the card's session (under uid the session is opened for it: RATS, Read_Sig) and its answer's digest
    /// compared with the entry's (<see cref="OriginalityCheck.Digest"/>: one HMAC-SHA256, native on the device; no ECDSA in
    /// the tap, the signature was verified once by the gateway). A different or missing signature is NotOriginal —
    /// "card not genuine". Under uid a match is Original. What it stops and what it does not: hardware/security.md.</item>
    /// </list>
    /// The session is left open: the tap loop closes it after the decision (<see cref="CardReader.ParkCard"/>: S(DESELECT),
    /// 106 kbit/s). One result per tap (<see cref="BeginTap"/>): an MDB VEND REQUEST later in the session gets the tap's result without
    /// talking to a card that may have left. Fixed buffers; no allocation per tap.
    /// </summary>
    public sealed class SiteCardPolicy : ICardProof
    {
        /// <summary>DESFire status APPLICATION_NOT_FOUND (MF3D(H)x2 datasheet, status codes): the card was never personalised.</summary>
        public const byte StatusApplicationNotFound = 0xA0;

        private readonly CardPolicySettings settings;
        private readonly CardReader reader;
        private readonly CardReadResult read;
        private readonly IAllowlist allowlist;
        private readonly uint siteId;
        private readonly IChallengeSource challenges;
        private readonly KeyDiversification diversification;
        private readonly byte[] uid = new byte[10];
        private readonly byte[] cardKey = new byte[16];
        private readonly byte[] randomA = new byte[16];
        private readonly byte[] holder = new byte[HolderFile.Length];

        // Read_Sig's answer in an array of exactly its length at offset 0, so the device's native one-shot HMAC hashes it
        // without a copy (NativeMessageHasher copies only a part of an array).
        private readonly byte[] signature = new byte[DesfireCommands.SignatureLength];
        private readonly byte[] digestOutput = new byte[32];
        private readonly IMessageHasher hasher;
        private bool proved;
        private CardProofResult result;

        public SiteCardPolicy(CardPolicySettings settings, CardReader reader, CardReadResult read, IAllowlist allowlist, uint siteId,
            IChallengeSource challenges, IBlockCipher diversificationCipher, IMessageHasher hasher)
        {
            this.hasher = hasher;
            this.settings = settings;
            this.reader = reader;
            this.read = read;
            this.allowlist = allowlist;
            this.siteId = siteId;
            this.challenges = challenges;
            diversification = new KeyDiversification(diversificationCipher);
        }

        /// <summary>Key version the last authenticated card answered to (0 when none).</summary>
        public int LastKeyVersion { get; private set; }

        /// <summary>Authentications tried (one per key version tried), for the tap statistics and the benchmarks.</summary>
        public int Authentications { get; private set; }

        /// <summary>Read_Sig answers compared with a list digest, and of those the ones that did not match.</summary>
        public int SignaturesCompared { get; private set; }

        public int SignatureMismatches { get; private set; }

        /// <summary>A new card was reported: the next proof talks to it.</summary>
        public void BeginTap()
        {
            proved = false;
        }

        public CardProofResult Prove(byte[] uidBytes, int offset, int length, CardRecord listed)
        {
            if (proved)
            {
                return result;
            }

            proved = true;
            LastKeyVersion = 0;
            result = ProveOnce(uidBytes, offset, length, listed);
            return result;
        }

        private CardProofResult ProveOnce(byte[] uidBytes, int offset, int length, CardRecord listed)
        {
            if (!SameCardOnReader(uidBytes, offset, length))
            {
                // Not the card the reader reported (a caller deciding for another UID): nothing to ask it.
                return CardProofResult.ReadFailed;
            }

            if (!CardFamilyCheck.MatchesAnswer(listed.Family, read.Type))
            {
                return CardProofResult.WrongType;
            }

            bool compareSignature = listed.OriginalityDigest != 0 && listed.Family == CardFamily.Desfire;
            if (settings.Policy == CardPolicy.Uid)
            {
                return compareSignature ? ProveOriginalityOnly(listed) : CardProofResult.TypeMatches;
            }

            if (listed.Family != CardFamily.Desfire)
            {
                // A Classic campus card (or an unchecked family) cannot prove an AES key.
                return settings.Migration ? CardProofResult.UidOnly : CardProofResult.NotPersonalised;
            }

            ReaderResult opened = reader.OpenCardSession(read.Ats);
            if (opened != ReaderResult.Ok)
            {
                return Failure(opened);
            }

            // The session stays open: the tap loop closes it once the decision is shown (CardReader.ParkCard), so the
            // S(DESELECT) and the return to 106 kbit/s are not part of the student's wait.
            return Authenticate(length, listed);
        }

        private CardProofResult Authenticate(int length, CardRecord listed)
        {
            if (!CardFamilyCheck.MatchesAts(listed.Family, read.Ats))
            {
                return CardProofResult.WrongType;
            }

            if (listed.OriginalityDigest != 0)
            {
                // At PICC level, before the site application is selected (Read_Sig addresses the PICC).
                CardProofResult original = CompareSignature(listed.OriginalityDigest);
                if (original != CardProofResult.Original)
                {
                    return original;
                }
            }

            DesfireCommands desfire = reader.Desfire;
            ReaderResult selected = desfire.SelectApplication(settings.ApplicationId, 0);
            if (selected == ReaderResult.CardStatus && desfire.LastStatus == StatusApplicationNotFound)
            {
                return settings.Migration ? CardProofResult.UidOnly : CardProofResult.NotPersonalised;
            }

            if (selected != ReaderResult.Ok)
            {
                return Failure(selected);
            }

            // The version in force first, then the previous one during a rotation; a version the list does not
            // announce is never tried, whatever keys the configuration holds.
            ReaderResult authenticated = ReaderResult.IntegrityError;
            for (int attempt = 0; attempt < 2 && authenticated != ReaderResult.Ok; attempt++)
            {
                int version = attempt == 0 ? allowlist.KeyVersion : allowlist.PreviousKeyVersion;
                byte[] master = settings.MasterKey(version);
                if (master == null)
                {
                    continue;
                }

                if (!diversification.Diversify(master, 0, uid, length, settings.ApplicationId, 0, settings.SystemId, settings.SystemId.Length, cardKey, 0))
                {
                    return CardProofResult.AuthenticationFailed;
                }

                challenges.Fill(randomA, 0, randomA.Length);
                Authentications++;
                // EV2First, and AuthenticateAES when the card answers 1Ch (an EV1): the LéoCarte fleet mixes EV1, EV2 and
                // EV3 cards, and an EV1 costs one extra exchange (DesfireCommands.Authenticate).
                authenticated = desfire.Authenticate(HolderFile.ReadKeyNumber, cardKey, 0, randomA, 0);
                if (authenticated == ReaderResult.Ok)
                {
                    LastKeyVersion = version;
                }
                else if (authenticated != ReaderResult.CardStatus && authenticated != ReaderResult.IntegrityError)
                {
                    return Failure(authenticated);
                }
            }

            for (int i = 0; i < cardKey.Length; i++)
            {
                cardKey[i] = 0;
            }

            if (authenticated != ReaderResult.Ok)
            {
                return CardProofResult.AuthenticationFailed;
            }

            ReaderResult readHolder = desfire.ReadDataMac(HolderFile.FileNumber, 0, HolderFile.Length, holder, 0);
            if (readHolder != ReaderResult.Ok)
            {
                return Failure(readHolder);
            }

            return HolderFile.Matches(holder, 0, listed.HolderKey, siteId) ? CardProofResult.Authenticated : CardProofResult.HolderMismatch;
        }

        /// <summary>Policy uid, an entry with a digest: a session only for Read_Sig (RATS, Read_Sig; DESELECT after the decision).</summary>
        private CardProofResult ProveOriginalityOnly(CardRecord listed)
        {
            ReaderResult opened = reader.OpenCardSession(read.Ats);
            if (opened != ReaderResult.Ok)
            {
                // Refused either way; "present again" rather than "not genuine", since RF noise breaks activations too.
                return CardProofResult.ReadFailed;
            }

            // Closed after the decision, with the tap (CardReader.ParkCard).
            return CardFamilyCheck.MatchesAts(listed.Family, read.Ats) ? CompareSignature(listed.OriginalityDigest) : CardProofResult.WrongType;
        }

        /// <summary>
        /// Read_Sig (3Ch 00h, 56 bytes r‖s) and its digest against the list's: Original, NotOriginal (another signature,
        /// or a card that refuses Read_Sig or answers another length: the listed card answered it when it was enrolled),
        /// or ReadFailed (the exchange broke off: present the card again). No ECDSA here: the gateway verified the
        /// signature whose digest the list carries.
        /// </summary>
        private CardProofResult CompareSignature(uint listDigest)
        {
            SignaturesCompared++;
            ReaderResult answered = reader.Desfire.ReadSignature(signature, 0);
            if (answered == ReaderResult.CardStatus || answered == ReaderResult.Protocol || answered == ReaderResult.IntegrityError)
            {
                SignatureMismatches++;
                return CardProofResult.NotOriginal;
            }

            if (answered != ReaderResult.Ok)
            {
                return CardProofResult.ReadFailed;
            }

            if (OriginalityCheck.Digest(hasher, signature, 0, digestOutput) != listDigest)
            {
                SignatureMismatches++;
                return CardProofResult.NotOriginal;
            }

            return CardProofResult.Original;
        }

        /// <summary>A card that answers wrongly is not genuine; an exchange that broke off is a read error (present again).</summary>
        private static CardProofResult Failure(ReaderResult failure)
        {
            switch (failure)
            {
                case ReaderResult.CardStatus:
                case ReaderResult.IntegrityError:
                case ReaderResult.Protocol:
                    return CardProofResult.AuthenticationFailed;
                default:
                    return CardProofResult.ReadFailed;
            }
        }

        private bool SameCardOnReader(byte[] uidBytes, int offset, int length)
        {
            if (uidBytes == null || length != read.UidLength || length > uid.Length)
            {
                return false;
            }

            for (int i = 0; i < length; i++)
            {
                if (uidBytes[offset + i] != read.Uid[i])
                {
                    return false;
                }

                uid[i] = read.Uid[i];
            }

            return true;
        }
    }
}
