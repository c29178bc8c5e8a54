// The lock-down of a personalised card: the PICC key settings (no application created or deleted without the card
// office's PICC master key) and the site application's key settings (PersonalisationPlan.DefaultPiccKeySettings and
// DefaultKeySettings say which bits and why), each read first with GetKeySettings so a rerun changes nothing twice.
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Terminal.Personalisation
{
    public sealed partial class CardPersonaliser
    {
        /// <summary>
        /// At PICC level, before the application is looked for: with a PICC key in the plan, GetKeySettings (plain: free
        /// listing is on from the factory and in the plan's settings) tells whether the PICC already has the plan's settings
        /// (then LockPicc is reported AlreadyDone). A refusal (a card whose listing needs the PICC key) means "not known":
        /// the settings are then written. Without a PICC key the PICC is left as it is (a lock-down with the public factory
        /// key would protect nothing): <paramref name="lockPicc"/> false.
        /// </summary>
        private PersonalisationResult PiccNeedsLocking(out bool lockPicc)
        {
            lockPicc = false;
            if (plan.PiccMasterKey == null)
            {
                return PersonalisationResult.Personalised;
            }

            byte settings;
            int keyCount;
            ReaderResult r = desfire.GetKeySettings(out settings, out keyCount);
            if (r == ReaderResult.Ok && settings == plan.PiccKeySettings)
            {
                Report(PersonalisationStep.LockPicc, StepOutcome.AlreadyDone, r);
                return PersonalisationResult.Personalised;
            }

            if (r != ReaderResult.Ok && r != ReaderResult.CardStatus)
            {
                return Fail(PersonalisationStep.LockPicc, r);
            }

            lockPicc = true;
            Report(PersonalisationStep.ReadPiccKeySettings, StepOutcome.Done, r);
            return PersonalisationResult.Personalised;
        }

        /// <summary>
        /// ChangeKeySettings of the PICC to the plan's settings, in the AES PICC master key's session (opened here unless
        /// <paramref name="sessionOpen"/>). Atomic on the card: a lost answer is found done by the next run's GetKeySettings.
        /// </summary>
        private PersonalisationResult LockPicc(bool sessionOpen)
        {
            if (!sessionOpen || !desfire.Session.Authenticated)
            {
                PersonalisationResult opened = OpenPicc();
                if (opened != PersonalisationResult.Personalised)
                {
                    return opened;
                }
            }

            ReaderResult r = desfire.ChangeKeySettings(plan.PiccKeySettings);
            if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.LockPicc, r);
            }

            Report(PersonalisationStep.LockPicc, StepOutcome.Done, r);
            return PersonalisationResult.Personalised;
        }

        /// <summary>A card whose application exists but whose PICC is not locked yet (an earlier run lost the answer, or a card
        /// personalised before the lock-down): the PICC is opened, locked, and the application selected again.</summary>
        private PersonalisationResult LockPiccAndReselect()
        {
            PersonalisationResult locked = LockPicc(false);
            if (locked != PersonalisationResult.Personalised)
            {
                return locked;
            }

            ReaderResult r = desfire.SelectApplication(plan.ApplicationId, 0);
            if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.SelectApplication, r);
            }

            Report(PersonalisationStep.SelectApplication, StepOutcome.Done, r);
            return PersonalisationResult.Personalised;
        }

        /// <summary>
        /// In the session of the application master key (before any key is changed, so a card whose settings would forbid
        /// the key changes is put right first): GetKeySettings (MACed), and ChangeKeySettings to the plan's unless equal.
        /// </summary>
        private PersonalisationResult LockApplication()
        {
            if (applicationCreated)
            {
                // Created by this run with the plan's settings (CreateApplication carries them): nothing to read back.
                Report(PersonalisationStep.LockApplication, StepOutcome.Done, ReaderResult.Ok);
                return PersonalisationResult.Personalised;
            }

            byte settings;
            int keyCount;
            ReaderResult r = desfire.GetKeySettings(out settings, out keyCount);
            if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.LockApplication, r);
            }

            if (settings == plan.KeySettings)
            {
                Report(PersonalisationStep.LockApplication, StepOutcome.AlreadyDone, r);
                return PersonalisationResult.Personalised;
            }

            r = desfire.ChangeKeySettings(plan.KeySettings);
            if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.LockApplication, r);
            }

            Report(PersonalisationStep.LockApplication, StepOutcome.Done, r);
            return PersonalisationResult.Personalised;
        }
    }
}
