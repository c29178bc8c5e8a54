using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Terminal.Personalisation
{
    /// <summary>The steps of a personalisation or key rotation, in order (<see cref="CardPersonaliser"/>).</summary>
    public enum PersonalisationStep : byte
    {
        None = 0,
        SelectPicc = 1,
        FindApplication = 2,
        AuthenticatePicc = 3,

        /// <summary>Legacy Authenticate (0Ah) with the factory DES PICC master key (16 zero bytes) of a factory-fresh card.</summary>
        AuthenticateFactoryPicc = 15,

        /// <summary>ChangeKey of the factory DES PICC master key to the card office's AES key (AlreadyDone: the card refused
        /// the factory key, so it was replaced before; then AuthenticatePicc follows).</summary>
        ChangePiccMasterKey = 16,
        CreateApplication = 4,

        /// <summary>The PICC key settings set to the plan's (ChangeKeySettings in the AES PICC master key's session; AlreadyDone when
        /// GetKeySettings shows them). Only with a PICC key in the plan.</summary>
        LockPicc = 17,

        /// <summary>GetKeySettings at PICC level found other settings than the plan's (LockPicc follows, Done).</summary>
        ReadPiccKeySettings = 20,
        SelectApplication = 5,
        ReadKeyVersions = 6,
        AuthenticateMasterKey = 7,

        /// <summary>The site application's key settings set to the plan's (GetKeySettings, ChangeKeySettings with key 0).</summary>
        LockApplication = 18,
        ChangeReadKey = 8,
        ChangeMasterKey = 9,
        AuthenticateNewMasterKey = 10,
        CreateHolderFile = 11,
        WriteHolderFile = 12,
        VerifyHolderFile = 13,
        VerifyAsTerminal = 14,

        /// <summary>FormatPICC of a test card (<see cref="CardPersonaliser.Format"/>): every application deleted.</summary>
        FormatPicc = 19,
    }

    /// <summary>What a step did.</summary>
    public enum StepOutcome : byte
    {
        /// <summary>The step changed the card (or, for a check, passed).</summary>
        Done = 0,

        /// <summary>The card was already in the state the step leads to (a rerun after an interruption).</summary>
        AlreadyDone = 1,

        /// <summary>The step failed; the run stops.</summary>
        Failed = 2,
    }

    /// <summary>How a run ended.</summary>
    public enum PersonalisationResult : byte
    {
        /// <summary>The card holds the site application, both keys of the target version and the holder file, checked as a terminal reads it.</summary>
        Personalised = 0,

        /// <summary>The plan is incomplete or inconsistent; nothing was sent.</summary>
        InvalidPlan = 1,

        /// <summary>The card left or the exchange broke off: present it again and rerun — the run resumes where the card is.</summary>
        CardLost = 2,

        /// <summary>The PICC master key of the plan does not open the card (or the card needs one and the plan has none; or
        /// the plan expects a factory-fresh card and the default DES key does not open it). Card unchanged.</summary>
        PiccKeyRefused = 3,

        /// <summary>The application's key 0 does not open with the plan's key of the version the card reports. Card unchanged by this run.</summary>
        WrongMasterKey = 4,

        /// <summary>A key of the card has a version the plan has no keys for. Card unchanged by this run.</summary>
        UnknownKeyVersion = 5,

        /// <summary>The card answered a DESFire error (status in <see cref="CardPersonaliser.LastCardStatus"/>).</summary>
        CardRefused = 6,

        /// <summary>A MAC or the holder file read back did not match: the card (or the channel) is not to be trusted.</summary>
        VerificationFailed = 7,

        /// <summary>Rotation of a card that has no site application or no valid holder file: personalise it instead.</summary>
        NotPersonalised = 8,

        /// <summary>The site application holds a holder file with other settings (communication mode, access rights or
        /// size) than the plan's: not written; the card needs the card office's attention (delete and recreate the application).</summary>
        HolderFileMismatch = 9,

        /// <summary><see cref="CardPersonaliser.Format"/> ended: the card holds no application any more (PICC key and settings kept).</summary>
        Formatted = 10,
    }

    /// <summary>Receives each step as it ends (the tool prints them; tests record them).</summary>
    public interface IPersonalisationLog
    {
        void Step(PersonalisationStep step, StepOutcome outcome, ReaderResult result, byte cardStatus);
    }
}
