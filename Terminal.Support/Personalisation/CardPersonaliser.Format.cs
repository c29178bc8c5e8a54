// FormatPICC of the card office's test cards: every application of the card deleted (the other services' too), the
// PICC master key and its settings kept, so the card can be personalised again.
using LeoCarte.Drivers.Desfire;
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Terminal.Personalisation
{
    public sealed partial class CardPersonaliser
    {
        /// <summary>
        /// Formats the card (FormatPICC FCh) in the PICC master key's session: AuthenticateAES with the plan's PICC key,
        /// or, for a card still on its factory key (<see cref="PersonalisationPlan.FactoryPiccKey"/>, the AES key refused
        /// or absent), the legacy Authenticate with the default DES key. Erases every application and file on the card,
        /// whoever wrote them: for test cards only (the tool asks for an explicit confirmation). Atomic on the card: a card
        /// pulled away is formatted or not, and a rerun formats it (again). PiccKeyRefused, card unchanged, when neither key
        /// opens the PICC; InvalidPlan when the plan has no way to open it.
        /// </summary>
        public PersonalisationResult Format()
        {
            LastStep = PersonalisationStep.None;
            LastReaderResult = ReaderResult.Ok;
            LastCardStatus = 0;
            if (plan.PiccMasterKey == null && !plan.FactoryPiccKey)
            {
                return PersonalisationResult.InvalidPlan;
            }

            try
            {
                return FormatSteps();
            }
            finally
            {
                desfire.EndLegacySession();
            }
        }

        private PersonalisationResult FormatSteps()
        {
            ReaderResult r = desfire.SelectApplication(PiccAid, 0);
            if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.SelectPicc, r);
            }

            Report(PersonalisationStep.SelectPicc, StepOutcome.Done, r);
            bool opened = false;
            if (plan.PiccMasterKey != null)
            {
                r = AuthenticateAes(0, plan.PiccMasterKey);
                if (r == ReaderResult.Ok)
                {
                    opened = true;
                    Report(PersonalisationStep.AuthenticatePicc, StepOutcome.Done, r);
                }
                else if (r != ReaderResult.CardStatus && r != ReaderResult.IntegrityError)
                {
                    return Fail(PersonalisationStep.AuthenticatePicc, r);
                }
                else if (!plan.FactoryPiccKey)
                {
                    Report(PersonalisationStep.AuthenticatePicc, StepOutcome.Failed, r);
                    return PersonalisationResult.PiccKeyRefused;
                }
            }

            if (!opened)
            {
                challenges.Fill(randomA, 0, 8);
                r = desfire.AuthenticateLegacy(0, DesfireCommands.FactoryDesKey, 0, randomA, 0);
                if (r == ReaderResult.CardStatus || r == ReaderResult.IntegrityError)
                {
                    Report(PersonalisationStep.AuthenticateFactoryPicc, StepOutcome.Failed, r);
                    return PersonalisationResult.PiccKeyRefused;
                }

                if (r != ReaderResult.Ok)
                {
                    return Fail(PersonalisationStep.AuthenticateFactoryPicc, r);
                }

                Report(PersonalisationStep.AuthenticateFactoryPicc, StepOutcome.Done, r);
            }

            r = desfire.FormatPicc();
            if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.FormatPicc, r);
            }

            Report(PersonalisationStep.FormatPicc, StepOutcome.Done, r);
            return PersonalisationResult.Formatted;
        }
    }
}
