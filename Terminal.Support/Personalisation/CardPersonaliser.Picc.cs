// The PICC level of a personalisation: opening the card (the factory DES PICC key, the card office's AES PICC key, or
// none for free creation), replacing the factory key by the card office's, then creating the site application.
using LeoCarte.Drivers.Desfire;
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Terminal.Personalisation
{
    public sealed partial class CardPersonaliser
    {
        /// <summary>
        /// Creates the site application at PICC level. A factory-fresh DESFire EV1/EV2/EV3 (<see cref="PersonalisationPlan.FactoryPiccKey"/>)
        /// holds a DES PICC master key of 16 zero bytes that only the legacy Authenticate (0Ah) opens; with a PICC key in the
        /// plan, it is changed to that AES key first (ChangeKey 80h under the legacy session: atomic on the card), then the
        /// card is opened with AuthenticateAES as any card with the card office's PICC key. Resumable: a card whose factory
        /// key was already replaced (a ChangeKey whose answer was lost, a rerun) refuses the DES key with AEh and opens with
        /// the AES key.
        /// </summary>
        private PersonalisationResult CreateApplication(bool lockPicc)
        {
            PersonalisationResult opened = OpenPicc();
            if (opened != PersonalisationResult.Personalised)
            {
                return opened;
            }

            ReaderResult r;
            // Under AuthenticateAES the command and its answer are MACed; under the legacy session (a factory card kept on
            // its DES key) or without authentication (free creation, PICC key settings bit 2) they go plain.
            r = desfire.CreateApplication(plan.ApplicationId, 0, plan.KeySettings, PersonalisationPlan.KeyCount);
            desfire.EndLegacySession();
            if (r == ReaderResult.CardStatus && desfire.LastStatus == DesfireCommands.StatusDuplicate)
            {
                Report(PersonalisationStep.CreateApplication, StepOutcome.AlreadyDone, r);
            }
            else if (r == ReaderResult.CardStatus
                && (desfire.LastStatus == DesfireCommands.StatusPermissionDenied || desfire.LastStatus == DesfireCommands.StatusAuthenticationError))
            {
                // The PICC settings forbid free creation (AEh without a session) and the plan has no PICC master key.
                Report(PersonalisationStep.CreateApplication, StepOutcome.Failed, r);
                return PersonalisationResult.PiccKeyRefused;
            }
            else if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.CreateApplication, r);
            }
            else
            {
                applicationCreated = true;
                Report(PersonalisationStep.CreateApplication, StepOutcome.Done, r);
            }

            if (lockPicc)
            {
                // In the same PICC session (a DUPLICATE_ERROR ended it: LockPicc opens the PICC again).
                PersonalisationResult locked = LockPicc(desfire.Session.Authenticated);
                if (locked != PersonalisationResult.Personalised)
                {
                    return locked;
                }
            }

            r = desfire.SelectApplication(plan.ApplicationId, 0);
            if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.SelectApplication, r);
            }

            Report(PersonalisationStep.SelectApplication, StepOutcome.Done, r);
            return PersonalisationResult.Personalised;
        }

        /// <summary>
        /// Opens the PICC level for the card office: SelectApplication(000000), then with a factory-fresh card the legacy
        /// authentication and the change of the factory DES key to the plan's AES PICC key, then AuthenticateAES with that
        /// key (nothing when the plan has no PICC key and the card is not factory-fresh: free creation).
        /// </summary>
        private PersonalisationResult OpenPicc()
        {
            ReaderResult r = desfire.SelectApplication(PiccAid, 0);
            if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.SelectPicc, r);
            }

            bool aesPicc = plan.PiccMasterKey != null;
            if (plan.FactoryPiccKey)
            {
                challenges.Fill(randomA, 0, 8);
                r = desfire.AuthenticateLegacy(0, DesfireCommands.FactoryDesKey, 0, randomA, 0);
                if (r == ReaderResult.Ok)
                {
                    Report(PersonalisationStep.AuthenticateFactoryPicc, StepOutcome.Done, r);
                    if (aesPicc)
                    {
                        r = desfire.ChangeKeyLegacy(0, plan.PiccMasterKey, 0, null, 0, true, plan.PiccKeyVersion);
                        if (r != ReaderResult.Ok)
                        {
                            return Fail(PersonalisationStep.ChangePiccMasterKey, r);
                        }

                        Report(PersonalisationStep.ChangePiccMasterKey, StepOutcome.Done, r);
                    }
                }
                else if (r == ReaderResult.CardStatus && desfire.LastStatus == DesfireCommands.StatusAuthenticationError && aesPicc)
                {
                    // Not (or no longer) the factory key: the card office's AES key is tried next.
                    Report(PersonalisationStep.ChangePiccMasterKey, StepOutcome.AlreadyDone, r);
                }
                else if (r == ReaderResult.CardStatus || r == ReaderResult.IntegrityError)
                {
                    Report(PersonalisationStep.AuthenticateFactoryPicc, StepOutcome.Failed, r);
                    return PersonalisationResult.PiccKeyRefused;
                }
                else
                {
                    return Fail(PersonalisationStep.AuthenticateFactoryPicc, r);
                }
            }

            if (aesPicc)
            {
                r = AuthenticateAes(0, plan.PiccMasterKey);
                if (r == ReaderResult.CardStatus || r == ReaderResult.IntegrityError)
                {
                    Report(PersonalisationStep.AuthenticatePicc, StepOutcome.Failed, r);
                    return PersonalisationResult.PiccKeyRefused;
                }

                if (r != ReaderResult.Ok)
                {
                    return Fail(PersonalisationStep.AuthenticatePicc, r);
                }

                Report(PersonalisationStep.AuthenticatePicc, StepOutcome.Done, r);
            }

            return PersonalisationResult.Personalised;
        }
    }
}
