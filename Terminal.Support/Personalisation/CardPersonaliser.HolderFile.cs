// The holder file: created (or checked when it exists), its rotated content, written and read back as a terminal
// would (ReadData with the terminals' key), the last steps of a personalisation or a rotation.
using LeoCarte.Drivers.Desfire;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Personalisation
{
    public sealed partial class CardPersonaliser
    {
        private PersonalisationResult CreateHolderFile(int target)
        {
            HolderFile.Write(content, 0, plan.HolderKey, plan.SiteId, (byte)target);
            int rights = DesfireCommands.AccessRights(HolderFile.ReadKeyNumber, PersonalisationPlan.MasterKeyNumber,
                PersonalisationPlan.MasterKeyNumber, PersonalisationPlan.MasterKeyNumber);
            ReaderResult r = desfire.CreateStdDataFile(plan.HolderFileNumber, DesfireCommands.CommMac, rights, HolderFile.Length);
            if (r == ReaderResult.Ok)
            {
                Report(PersonalisationStep.CreateHolderFile, StepOutcome.Done, r);
                return PersonalisationResult.Personalised;
            }

            if (r != ReaderResult.CardStatus || desfire.LastStatus != DesfireCommands.StatusDuplicate)
            {
                return Fail(PersonalisationStep.CreateHolderFile, r);
            }

            // Created before (by an interrupted run, or by someone else): the error status ended the session; authenticate
            // again and check that it is the plan's file before writing into it.
            r = AuthenticateAes(PersonalisationPlan.MasterKeyNumber, newKey);
            if (r == ReaderResult.Ok)
            {
                r = desfire.GetStdFileSettings(plan.HolderFileNumber, readBack, 0);
            }

            if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.CreateHolderFile, r);
            }

            if (readBack[0] != 0x00 || readBack[1] != DesfireCommands.CommMac || readBack[2] != (byte)rights || readBack[3] != (byte)(rights >> 8)
                || readBack[4] != HolderFile.Length || readBack[5] != 0 || readBack[6] != 0)
            {
                Report(PersonalisationStep.CreateHolderFile, StepOutcome.Failed, r);
                return PersonalisationResult.HolderFileMismatch;
            }

            Report(PersonalisationStep.CreateHolderFile, StepOutcome.AlreadyDone, r);
            return PersonalisationResult.Personalised;
        }

        /// <summary>Rotation: the holder file stays the holder's; only its key-version byte follows the keys.</summary>
        private PersonalisationResult RotatedContent(int target)
        {
            ReaderResult r = desfire.ReadDataMac(plan.HolderFileNumber, 0, HolderFile.Length, content, 0);
            if (r == ReaderResult.CardStatus && desfire.LastStatus == DesfireCommands.StatusFileNotFound)
            {
                Report(PersonalisationStep.WriteHolderFile, StepOutcome.Failed, r);
                return PersonalisationResult.NotPersonalised;
            }

            if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.WriteHolderFile, r);
            }

            if (content[0] != 0x4C || content[1] != 0x48 || content[2] != HolderFile.LayoutVersion)
            {
                Report(PersonalisationStep.WriteHolderFile, StepOutcome.Failed, r);
                return PersonalisationResult.NotPersonalised;
            }

            content[3] = (byte)target;
            return PersonalisationResult.Personalised;
        }

        private PersonalisationResult WriteAndVerify(int target)
        {
            ReaderResult r = desfire.ReadDataMac(plan.HolderFileNumber, 0, HolderFile.Length, readBack, 0);
            if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.WriteHolderFile, r);
            }

            if (Same(readBack, content))
            {
                Report(PersonalisationStep.WriteHolderFile, StepOutcome.AlreadyDone, r);
            }
            else
            {
                r = desfire.WriteData(plan.HolderFileNumber, 0, content, 0, HolderFile.Length, DesfireCommands.CommMac);
                if (r != ReaderResult.Ok)
                {
                    return Fail(PersonalisationStep.WriteHolderFile, r);
                }

                Report(PersonalisationStep.WriteHolderFile, StepOutcome.Done, r);
            }

            r = desfire.ReadDataMac(plan.HolderFileNumber, 0, HolderFile.Length, readBack, 0);
            if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.VerifyHolderFile, r);
            }

            if (!Same(readBack, content))
            {
                Report(PersonalisationStep.VerifyHolderFile, StepOutcome.Failed, r);
                return PersonalisationResult.VerificationFailed;
            }

            Report(PersonalisationStep.VerifyHolderFile, StepOutcome.Done, r);

            // As a terminal reads it: key 1 of the target version, the file with its MAC, holder and site checked.
            r = desfire.SelectApplication(plan.ApplicationId, 0);
            if (r == ReaderResult.Ok)
            {
                CardKey(target, HolderFile.ReadKeyNumber, newKey);
                challenges.Fill(randomA, 0, randomA.Length);
                r = desfire.Authenticate(HolderFile.ReadKeyNumber, newKey, 0, randomA, 0);
                VerifiedWithEv1 = r == ReaderResult.Ok && desfire.LastAuthentication == DesfireSecureMessaging.Ev1Aes;
            }

            if (r == ReaderResult.Ok)
            {
                r = desfire.ReadDataMac(plan.HolderFileNumber, 0, HolderFile.Length, readBack, 0);
            }

            if (r != ReaderResult.Ok)
            {
                return Fail(PersonalisationStep.VerifyAsTerminal, r);
            }

            int holder = (content[4] << 24) | (content[5] << 16) | (content[6] << 8) | content[7];
            uint site = ((uint)content[8] << 24) | ((uint)content[9] << 16) | ((uint)content[10] << 8) | content[11];
            if (!HolderFile.Matches(readBack, 0, holder, site))
            {
                Report(PersonalisationStep.VerifyAsTerminal, StepOutcome.Failed, r);
                return PersonalisationResult.VerificationFailed;
            }

            Report(PersonalisationStep.VerifyAsTerminal, StepOutcome.Done, r);
            return PersonalisationResult.Personalised;
        }
    }
}
