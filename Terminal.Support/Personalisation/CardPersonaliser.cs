using LeoCarte.Drivers.Desfire;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Personalisation
{
    /// <summary>
    /// Personalises a LéoCarte for policy <c>desfire-aes</c> through the driver's DESFire commands, step by step
    /// (<see cref="PersonalisationStep"/>), and rotates its keys to the next version. Every run starts by reading where
    /// the card is, so a card pulled away at any point is finished by presenting it again and rerunning:
    /// <list type="number">
    /// <item>the site application: found, or created (with the PICC master key when the plan has one; on a factory-fresh
    /// card after the legacy authentication with the default DES PICC key, which the plan may have replaced by the card
    /// office's AES key first: <c>CardPersonaliser.Picc.cs</c>); DUPLICATE_ERROR means an interrupted run created it;</item>
    /// <item>with a PICC key in the plan, the PICC key settings read (GetKeySettings) and, unless already the plan's,
    /// set in the AES PICC session right after the application is created (or on their own for an existing application):
    /// no application created or deleted without the PICC key (<c>CardPersonaliser.KeySettings.cs</c>);</item>
    /// <item>GetKeyVersion of keys 0 and 1 tells which keys the card holds (version 0: the 00..00 keys of a new
    /// application). DESFire changes a key and its version atomically (the version is inside the ChangeKey cryptogram),
    /// so the version always names the key that opens the card, also after a ChangeKey whose answer was lost;</item>
    /// <item>AuthenticateAES with key 0 of that version; the application's key settings checked and set to the plan's
    /// (before any key change, which they govern); key 1 changed to the target version (the other-key case: the
    /// current key 1 is known from its version), then key 0 (the session ends; authenticate again with the new key);</item>
    /// <item>the holder file created (MAC, read key 1, write and read-write key 0, change key 0) and written unless it
    /// already holds the content; read back; then read as a terminal reads it: key 1 of the target version
    /// (AuthenticateEV2First, AuthenticateAES on an EV1), MAC verified, <see cref="HolderFile.Matches"/>.</item>
    /// </list>
    /// A key is changed only after the card proved it holds the key the plan expects for its version, and only to a key
    /// the plan holds, so at every moment each key of the card is a key of the plan — and <see cref="KeyVersion0"/>,
    /// <see cref="KeyVersion1"/> say which (−1 when a ChangeKey's answer was lost: old or new, the next run reads it).
    /// A wrong PICC or application key stops the run before anything is written. Rotation (<see cref="Rotate"/>) is the
    /// same run on a personalised card: keys to the plan's target version, the holder file's key-version byte updated,
    /// holder and site kept. The terminals accept the new version once the list announces it (Terminal/Allowlist
    /// FORMAT.md, "DESFire key versions").
    /// Portable (nanoFramework subset) but not in the device image: the card office's station runs it.
    /// </summary>
    public sealed partial class CardPersonaliser
    {
        private static readonly byte[] PiccAid = new byte[3];

        private readonly DesfireCommands desfire;
        private readonly PersonalisationPlan plan;
        private readonly IChallengeSource challenges;
        private readonly IPersonalisationLog log;
        private readonly KeyDiversification diversification = new KeyDiversification(new Aes128());
        private readonly byte[] uid = new byte[10];
        private readonly byte[] currentKey = new byte[16];
        private readonly byte[] newKey = new byte[16];
        private readonly byte[] randomA = new byte[16];
        private readonly byte[] content = new byte[HolderFile.Length];
        private readonly byte[] readBack = new byte[HolderFile.Length];
        private int uidLength;
        private bool applicationCreated;

        public CardPersonaliser(DesfireCommands desfire, PersonalisationPlan plan, IChallengeSource challenges, IPersonalisationLog log)
        {
            this.desfire = desfire;
            this.plan = plan;
            this.challenges = challenges;
            this.log = log;
        }

        /// <summary>The step the last run ended on (the failing one, or VerifyAsTerminal).</summary>
        public PersonalisationStep LastStep { get; private set; }

        public ReaderResult LastReaderResult { get; private set; }

        /// <summary>DESFire status of the last refusal (0 when none).</summary>
        public byte LastCardStatus { get; private set; }

        /// <summary>Versions of keys 0 and 1 on the card as last known (−1 unknown: not read yet, or a ChangeKey's answer was lost).</summary>
        public int KeyVersion0 { get; private set; }

        public int KeyVersion1 { get; private set; }

        /// <summary>
        /// True when the terminal-side check had to fall back to AuthenticateAES: the card is a DESFire EV1 (it answered
        /// AuthenticateEV2First with 1Ch). Terminals whose policy only sends AuthenticateEV2First cannot open it.
        /// </summary>
        public bool VerifiedWithEv1 { get; private set; }

        /// <summary>Personalises the card with UID uidBytes[0..length) (the card session must be open on it).</summary>
        public PersonalisationResult Personalise(byte[] uidBytes, int length) => Run(uidBytes, length, false);

        /// <summary>Rotates the keys of a personalised card to the plan's target version and updates the holder file's version byte.</summary>
        public PersonalisationResult Rotate(byte[] uidBytes, int length) => Run(uidBytes, length, true);

        private PersonalisationResult Run(byte[] uidBytes, int length, bool rotation)
        {
            LastStep = PersonalisationStep.None;
            LastReaderResult = ReaderResult.Ok;
            LastCardStatus = 0;
            KeyVersion0 = -1;
            KeyVersion1 = -1;
            VerifiedWithEv1 = false;
            applicationCreated = false;
            if (plan.Problem() != null || uidBytes == null || length < 4 || length > uid.Length || length + 3 + plan.SystemId.Length > KeyDiversification.MaxInputLength)
            {
                return PersonalisationResult.InvalidPlan;
            }

            uidLength = length;
            for (int i = 0; i < length; i++)
            {
                uid[i] = uidBytes[i];
            }

            try
            {
                return Steps(rotation);
            }
            finally
            {
                Wipe(currentKey);
                Wipe(newKey);
                desfire.EndLegacySession();
            }
        }

        private PersonalisationResult Steps(bool rotation)
        {
            int target = plan.TargetVersion;
            ReaderResult r = desfire.SelectApplication(PiccAid, 0);
            if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.SelectPicc, r);
            }

            Report(PersonalisationStep.SelectPicc, StepOutcome.Done, r);
            bool lockPicc;
            PersonalisationResult checkedPicc = PiccNeedsLocking(out lockPicc);
            if (checkedPicc != PersonalisationResult.Personalised)
            {
                return checkedPicc;
            }

            r = desfire.SelectApplication(plan.ApplicationId, 0);
            if (r == ReaderResult.CardStatus && desfire.LastStatus == DesfireCommands.StatusApplicationNotFound)
            {
                if (rotation)
                {
                    Report(PersonalisationStep.FindApplication, StepOutcome.Failed, r);
                    return PersonalisationResult.NotPersonalised;
                }

                PersonalisationResult created = CreateApplication(lockPicc);
                if (created != PersonalisationResult.Personalised)
                {
                    return created;
                }
            }
            else if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.FindApplication, r);
            }
            else
            {
                Report(PersonalisationStep.FindApplication, StepOutcome.AlreadyDone, r);
                if (lockPicc)
                {
                    PersonalisationResult locked = LockPiccAndReselect();
                    if (locked != PersonalisationResult.Personalised)
                    {
                        return locked;
                    }
                }
            }

            // Which keys the card holds now: the version byte changes with the key, atomically.
            byte version0;
            byte version1;
            r = desfire.GetKeyVersion(PersonalisationPlan.MasterKeyNumber, out version0);
            if (r == ReaderResult.Ok)
            {
                r = desfire.GetKeyVersion(HolderFile.ReadKeyNumber, out version1);
            }
            else
            {
                version1 = 0;
            }

            if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.ReadKeyVersions, r);
            }

            KeyVersion0 = version0;
            KeyVersion1 = version1;
            if (!plan.HasVersion(version0) || !plan.HasVersion(version1))
            {
                Report(PersonalisationStep.ReadKeyVersions, StepOutcome.Failed, r);
                return PersonalisationResult.UnknownKeyVersion;
            }

            Report(PersonalisationStep.ReadKeyVersions, StepOutcome.Done, r);

            CardKey(version0, PersonalisationPlan.MasterKeyNumber, currentKey);
            r = AuthenticateAes(PersonalisationPlan.MasterKeyNumber, currentKey);
            if (r == ReaderResult.CardStatus || r == ReaderResult.IntegrityError)
            {
                Report(PersonalisationStep.AuthenticateMasterKey, StepOutcome.Failed, r);
                return PersonalisationResult.WrongMasterKey;
            }

            if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.AuthenticateMasterKey, r);
            }

            Report(PersonalisationStep.AuthenticateMasterKey, StepOutcome.Done, r);
            PersonalisationResult settings = LockApplication();
            if (settings != PersonalisationResult.Personalised)
            {
                return settings;
            }

            // Key 1 first, while key 0 still authenticates the session (the other-key case needs its current value).
            if (version1 != target)
            {
                CardKey(version1, HolderFile.ReadKeyNumber, currentKey);
                CardKey(target, HolderFile.ReadKeyNumber, newKey);
                r = desfire.ChangeKey(HolderFile.ReadKeyNumber, newKey, 0, currentKey, 0, (byte)target);
                if (r != ReaderResult.Ok)
                {
                    KeyVersion1 = -1;
                    return Fail(PersonalisationStep.ChangeReadKey, r);
                }

                KeyVersion1 = target;
                Report(PersonalisationStep.ChangeReadKey, StepOutcome.Done, r);
            }
            else
            {
                Report(PersonalisationStep.ChangeReadKey, StepOutcome.AlreadyDone, r);
            }

            CardKey(target, PersonalisationPlan.MasterKeyNumber, newKey);
            if (version0 != target)
            {
                r = desfire.ChangeKey(PersonalisationPlan.MasterKeyNumber, newKey, 0, null, 0, (byte)target);
                if (r != ReaderResult.Ok)
                {
                    KeyVersion0 = -1;
                    return Fail(PersonalisationStep.ChangeMasterKey, r);
                }

                KeyVersion0 = target;
                Report(PersonalisationStep.ChangeMasterKey, StepOutcome.Done, r);

                // The card ended the session with the old key 0.
                r = AuthenticateAes(PersonalisationPlan.MasterKeyNumber, newKey);
                if (r != ReaderResult.Ok)
                {
                    return Fail(PersonalisationStep.AuthenticateNewMasterKey, r);
                }

                Report(PersonalisationStep.AuthenticateNewMasterKey, StepOutcome.Done, r);
            }
            else
            {
                Report(PersonalisationStep.ChangeMasterKey, StepOutcome.AlreadyDone, r);
            }

            PersonalisationResult file = rotation ? RotatedContent(target) : CreateHolderFile(target);
            if (file != PersonalisationResult.Personalised)
            {
                return file;
            }

            return WriteAndVerify(target);
        }

        private ReaderResult AuthenticateAes(int keyNumber, byte[] key)
        {
            challenges.Fill(randomA, 0, randomA.Length);
            return desfire.AuthenticateAes(keyNumber, key, 0, randomA, 0);
        }

        /// <summary>Key <paramref name="keyNumber"/> of this card in <paramref name="version"/>: 00..00 for version 0, else diversified (AN10922).</summary>
        private void CardKey(int version, int keyNumber, byte[] into)
        {
            byte[] master = plan.MasterKeyFor(version, keyNumber);
            if (master == null)
            {
                Wipe(into);
                return;
            }

            diversification.Diversify(master, 0, uid, uidLength, plan.ApplicationId, 0, plan.SystemId, plan.SystemId.Length, into, 0);
        }

        private PersonalisationResult Fail(PersonalisationStep step, ReaderResult r)
        {
            Report(step, StepOutcome.Failed, r);
            switch (r)
            {
                case ReaderResult.CardStatus:
                    return PersonalisationResult.CardRefused;
                case ReaderResult.IntegrityError:
                case ReaderResult.Protocol:
                    return PersonalisationResult.VerificationFailed;
                default:
                    return PersonalisationResult.CardLost;
            }
        }

        private void Report(PersonalisationStep step, StepOutcome outcome, ReaderResult r)
        {
            LastStep = step;
            LastReaderResult = r;
            LastCardStatus = r == ReaderResult.CardStatus ? desfire.LastStatus : (byte)0;
            if (log != null)
            {
                log.Step(step, outcome, r, LastCardStatus);
            }
        }

        private static bool Same(byte[] a, byte[] b)
        {
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static void Wipe(byte[] key)
        {
            for (int i = 0; i < key.Length; i++)
            {
                key[i] = 0;
            }
        }
    }
}
