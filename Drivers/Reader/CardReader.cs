using System;
using LeoCarte.Drivers.Desfire;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Reader
{
    /// <summary>
    /// The terminal's card reader: one non-blocking <see cref="Poll"/> per tick of the tap loop tells a new tap
    /// from a card resting on the reader and from a removal, with the chip kept healthy underneath.
    /// <para>
    /// A poll is bounded in time (each exchange ends on the chip timer, a few ms at most; resets only happen on
    /// a detected fault), allocates nothing, and never throws: every failure, including an exception from the
    /// SPI layer, comes back as <see cref="CardEvent.Error"/> with a <see cref="ReaderResult"/>.
    /// </para>
    /// How a tap is seen: REQA finds cards in IDLE; the new card is selected (anticollision, any UID size), then
    /// halted (HLTA, or S(DESELECT) after RATS). While it rests, each poll wakes it with WUPA (a halted card
    /// answers WUPA but not REQA, ISO/IEC 14443-3 §6.3.1) and re-selects it by its UID, which proves it is the
    /// same card, then halts it again. So a resting card is never reported twice, and a card that flickers in
    /// and out of power on the edge of the field does not either.
    /// </summary>
    public sealed partial class CardReader
    {
        private readonly Mfrc522Chip chip;
        private readonly Iso14443TypeA picc;
        private readonly MifareClassic classic;
        private readonly IsoDep isoDep;
        private DesfireCommands desfire;
        private readonly CardReaderOptions options;
        private readonly Mfrc522Options chipOptions;
        // The card reported by the last NewCard, and the one being detected. Not readonly: a NewCard swaps them (a
        // reference swap, not a copy of every field); neither object is ever handed out (CardReadResult gets copies).
        private CardIdentity current = new CardIdentity();
        private CardIdentity candidate = new CardIdentity();
        private readonly CardIdentity probe = new CardIdentity();
        private readonly AtsInfo ats = new AtsInfo();
        private CardType currentType;

        // CardTypes.AtqaAgreesWithUid of the current card, computed once by its NewCard (CardReadResult.SetCard takes it).
        private bool currentAtqaAgrees;

        private bool started;
        private bool recoveryNeeded;
        private bool cardPresent;
        private bool currentMayBeInProtocol;
        private bool atqaPending;
        private int presenceMisses;
        private int uncertainPolls;
        private int pollsSinceHealthCheck;
        private int recoveriesAtPollStart;
        private int recoveryBackoffPolls;
        private int pollsUntilRecovery;

        // Outcomes of the second look at a resting card that missed its presence check.
        private const int LookPresent = 0;
        private const int LookAbsent = 1;
        private const int LookOtherCardOnly = 2;
        private const int LookUncertain = 3;
        private const int LookChipFault = 4;

        public CardReader(IRegisterBus bus, IReaderPins pins, Mfrc522Options chipOptions, CardReaderOptions readerOptions)
        {
            chip = new Mfrc522Chip(bus, pins, chipOptions);
            picc = new Iso14443TypeA(chip);
            classic = new MifareClassic(chip);
            isoDep = new IsoDep(chip);
            desfire = new DesfireCommands(isoDep, new DesfireSession(new Aes128(), new Aes128(), new Aes128()));
            options = readerOptions == null ? new CardReaderOptions() : readerOptions;
            this.chipOptions = chip.Options;
        }

        public Mfrc522Chip Chip => chip;

        /// <summary>The reader's behaviour (<see cref="CardReaderOptions"/>); the application may set
        /// <see cref="CardReaderOptions.KeepIso14443_4CardActive"/> before the first Poll.</summary>
        public CardReaderOptions Options => options;
        public Iso14443TypeA Picc => picc;
        public MifareClassic Classic => classic;

        /// <summary>True while a card reported by NewCard has not been reported removed.</summary>
        public bool CardPresent => cardPresent;

        // Counters (never reset); per-poll ones as fields (nanoCLR does not inline: an auto-property's ++ is two calls).
        private long polls;
        private int newCards;
        private int errors;
        public long Polls => polls;
        public int NewCards => newCards;
        public int Removals { get; private set; }
        public int Errors => errors;
        public int ExceptionsCaught { get; private set; }

        /// <summary>Presence checks that failed although the resting card was then found again (noise ridden out).</summary>
        public int PresenceRetries { get; private set; }

        /// <summary>Polls skipped without touching the bus while a dead chip waits for its next recovery attempt.</summary>
        public int RecoveryBackoffs { get; private set; }

        /// <summary>New cards for which a collision was resolved but the field then proved to hold this card alone (RF noise).</summary>
        public int NoiseCollisionsDismissed { get; private set; }

        /// <summary>Initializes the chip (soft reset, configuration, version check), escalating to a hard reset if
        /// needed. Poll calls it by itself when it has not run; calling it first lets start-up report a dead reader.</summary>
        public ReaderResult Start()
        {
            try
            {
                ReaderResult result = chip.Initialize();
                if (result != ReaderResult.Ok)
                {
                    result = chip.Recover();
                }

                started = result == ReaderResult.Ok;
                recoveryNeeded = !started;
                return result;
            }
            catch (Exception)
            {
                ExceptionsCaught++;
                recoveryNeeded = true;
                return ReaderResult.ChipFault;
            }
        }

        /// <summary>
        /// The boot diagnostics of hardware/diagnostics.md: initializes the chip, runs the digital self-test
        /// (datasheet §16.1.1), checks the antenna drivers and copies the watchdog counters. Leaves the chip
        /// initialized and ready to poll. Takes a few ms (reset waits); never throws.
        /// </summary>
        public void Diagnose(ReaderDiagnostics into)
        {
            into.Answered = false;
            into.Initialization = ReaderResult.ChipFault;
            into.SelfTest = ReaderResult.ChipFault;
            into.SelfTestHadReference = false;
            into.AntennaOn = false;
            into.Overheated = false;
            try
            {
                // As Start: a chip that fails its initialization gets a soft, then a hard reset (§8.8) first.
                ReaderResult init = chip.Initialize();
                if (init != ReaderResult.Ok)
                {
                    init = chip.Recover();
                }

                into.Initialization = init;
                into.Version = chip.Version;
                into.Kind = chip.Kind;
                into.Answered = chip.Kind != ChipKind.Unreadable;
                if (init == ReaderResult.Ok)
                {
                    into.SelfTest = chip.RunSelfTest(into.SelfTestOutput);
                    into.SelfTestHadReference = chip.SelfTestHadReference;
                    bool overheated;
                    into.AntennaOn = chip.ReadAntennaState(out overheated);
                    into.Overheated = overheated;
                }

                started = init == ReaderResult.Ok && into.SelfTest != ReaderResult.ChipFault;
                recoveryNeeded = !started;
            }
            catch (Exception)
            {
                ExceptionsCaught++;
                recoveryNeeded = true;
            }

            ReadHealth(into);
        }

        /// <summary>
        /// The reader's running health for the heartbeat and the periodic report: counters only, no SPI transfer,
        /// no allocation (safe from any thread; the values may be one poll old).
        /// </summary>
        public void ReadHealth(ReaderDiagnostics into)
        {
            into.IrqLineUsable = chip.IrqLineUsable;
            into.Recoveries = chip.Recoveries;
            into.SoftResets = chip.SoftResets;
            into.HardResets = chip.HardResets;
            into.ChipFaults = chip.ChipFaults;
            into.Crypto1Cleared = chip.Crypto1Cleared;
            into.Overheats = chip.Overheats;
            into.Polls = polls;
            into.Errors = errors;
        }

        /// <summary>One poll of the field; fills <paramref name="into"/> and returns its event.</summary>
        public CardEvent Poll(CardReadResult into)
        {
            into.Reset();
            polls++;
            CardEvent result;
            try
            {
                result = PollOnce(into);
            }
            catch (Exception)
            {
                // The SPI/GPIO layer may throw on the device (bus errors); the tap loop must go on.
                ExceptionsCaught++;
                recoveryNeeded = true;
                into.Error = ReaderResult.ChipFault;
                into.FailedStep = ReaderStep.Bus;
                result = CardEvent.Error;
            }

            into.Event = result;
            if (result == CardEvent.Error)
            {
                errors++;
            }

            return result;
        }

        private CardEvent PollOnce(CardReadResult into)
        {
            recoveriesAtPollStart = chip.recoveries;
            if (!started || recoveryNeeded || chip.consecutiveChipFaults >= chipOptions.FaultsBeforeRecovery)
            {
                if (pollsUntilRecovery > 0)
                {
                    // A dead chip (unplugged, MISO stuck) is not reset on every poll: each attempt waits up to the
                    // recovery budget, so attempts are spaced 1, 2, 4 ... MaxRecoveryBackoffPolls polls apart and the
                    // polls in between cost nothing. The tap loop keeps its period and the terminal stays responsive.
                    pollsUntilRecovery--;
                    RecoveryBackoffs++;
                    return Fail(into, ReaderResult.ChipFault, ReaderStep.Recovery);
                }

                ReaderResult recovered = started ? chip.Recover() : Start();
                started = true;
                if (!AfterRecovery(recovered))
                {
                    return Fail(into, ReaderResult.ChipFault, ReaderStep.Recovery);
                }

                pollsSinceHealthCheck = 0;
                if (cardPresent)
                {
                    // The reset switched the field off and on: the resting card is powering up again (up to 5 ms,
                    // ISO/IEC 14443-2), so nothing can be said about it in this poll. The next one asks it.
                    into.SetCard(current, currentType, currentAtqaAgrees);
                    into.PresenceUncertain = true;
                    return CardEvent.SameCardStillPresent;
                }
            }
            else if (++pollsSinceHealthCheck >= chipOptions.HealthCheckEveryPolls)
            {
                pollsSinceHealthCheck = 0;
                if (chip.CheckHealth(false) != ReaderResult.Ok && !AfterRecovery(chip.Recover()))
                {
                    return Fail(into, ReaderResult.ChipFault, ReaderStep.HealthCheck);
                }
            }

            if (parkPending)
            {
                // The application did not end the last tap with ParkCard: a card left ACTIVE or in a session would take
                // the presence check's WUPA as an unexpected frame (or ignore it) and look gone. Halt it first.
                ParkedByPoll++;
                ParkCard();
            }

            // A MIFARE session the application left open (or a Crypto1 the chip reports on) ends before the field
            // is addressed again: a stale cipher would garble every frame to the next card (field failure of
            // readers that "stop reading after hours"). One write, only when needed.
            if (classic.sessionOpen || chip.Crypto1On)
            {
                classic.EndSession();
            }

            return cardPresent ? CheckResting(into) : Detect(into);
        }

        /// <summary>Records a recovery attempt; on failure schedules the next one with exponential backoff.</summary>
        private bool AfterRecovery(ReaderResult recovered)
        {
            recoveryNeeded = recovered != ReaderResult.Ok;
            if (!recoveryNeeded)
            {
                recoveryBackoffPolls = 0;
                pollsUntilRecovery = 0;
                return true;
            }

            int max = options.MaxRecoveryBackoffPolls < 0 ? 0 : options.MaxRecoveryBackoffPolls;
            recoveryBackoffPolls = recoveryBackoffPolls == 0 ? 1 : recoveryBackoffPolls * 2;
            if (recoveryBackoffPolls > max)
            {
                recoveryBackoffPolls = max;
            }

            pollsUntilRecovery = recoveryBackoffPolls;
            return false;
        }

        private CardEvent Detect(CardReadResult into)
        {
            candidate.Clear();
            ReaderResult result = picc.Request(Iso14443TypeA.ReqA, candidate);
            if (result == ReaderResult.Timeout)
            {
                return CardEvent.NoCard;
            }

            if (result == ReaderResult.Ok)
            {
                result = picc.Select(candidate);
            }

            if (result != ReaderResult.Ok)
            {
                // The card left mid-select (Timeout), or noise/collision: nothing is reported as a tap. Cards the
                // interrupted select left READY/ACTIVE go back to IDLE now, so the next REQA sees every one of them
                // (a card left READY would take that REQA as unexpected and stay silent: half a wallet).
                if (result != ReaderResult.ChipFault)
                {
                    picc.ReleaseCards();
                }

                return result == ReaderResult.Timeout ? CardEvent.NoCard : Fail(into, result, ReaderStep.Select);
            }

            CardIdentity card = candidate;
            bool atqaCollided = card.AtqaCollided;
            bool collided = atqaCollided || picc.lastSelectCollisions > 0;
            if (atqaCollided)
            {
                // The ATQA was lost in a collision (two card families, or noise). If the confirmation below finds this
                // card alone, its ATQA is read again (WUPA wakes it from HALT; it falls back on the release frame), so
                // the card type is not decided on a missing ATQA. Only on this rare path.
                atqaPending = true;
            }

            byte sak = card.Sak;
            CardType type = CardTypes.Decode(sak, card.Atqa);

            // The SAK of a complete UID never has the cascade bit (Select returns Ok only then): bit 6 alone says 14443-4.
            bool iso4Capable = (sak & CardTypes.SakIso14443_4Bit) != 0;
            bool atqaAgrees = CardTypes.AtqaAgreesWithUid(card.Atqa, card.UidLength);
            if (!atqaCollided && !atqaAgrees)
            {
                // ATQA bits 8..7 announce the UID size (ISO/IEC 14443-3 §6.5.2.1); every genuine card's UID has that
                // size. A mismatch is a card answering a made-up ATQA: no family is claimed for it.
                type = CardType.Unknown;
            }

            bool ratsSent = false;
            bool iso4Session = false;
            if (options.RequestAts && iso4Capable)
            {
                ratsSent = true;
                ReaderResult atsResult = picc.RequestAts(ats);
                if (atsResult == ReaderResult.Ok)
                {
                    iso4Session = true;
                    card.Ats = DesfireAts.Classify(ats);
                    type = CardTypes.RefineWithAts(type, ats, options.AcceptConfiguredDesfireAts);
                    into.Ats.Parse(ats.Raw, 0, ats.Length);
                }
                else if (atsResult == ReaderResult.Protocol)
                {
                    // An answer with a good CRC_A that is no ATS (TL beyond the frame, T0 bit 8 set): not RF noise,
                    // which shows as a CRC, bit or collision error. No DESFire answers that.
                    card.Ats = AtsMatch.NotDesfire;
                    if (type == CardType.MifareDesfire)
                    {
                        type = CardType.Iso14443_4;
                    }
                }
            }

            // Leave the card halted so the next polls see it only through WUPA. After a RATS whose answer was lost
            // or garbled the card may be in the ISO/IEC 14443-4 protocol state, where HLTA is an invalid block it
            // ignores (14443-4 §7.5.5): then S(DESELECT) is what halts it, and both are sent (HLTA first, so a card
            // still in 14443-3 ACTIVE is halted before the DESELECT could look to it like an unexpected frame).
            // Except a single ISO/IEC 14443-4 card the application may open a session with: it stays ACTIVE, so the
            // session starts with RATS, and ParkCard halts it once the tap is decided (CardReader.Activation.cs). Only with the
            // option on, no RATS here, no collision (a wallet is halted for the confirming REQA), SAK bit 6 (§6.5.3.4): not a Classic clone.
            bool keepActive = options.KeepIso14443_4CardActive && !ratsSent && !collided && iso4Capable;
            if (keepActive)
            {
                // Nothing sent: the card is ACTIVE since its SELECT.
            }
            else if (iso4Session)
            {
                if (picc.DeselectCard() != ReaderResult.Ok)
                {
                    Park(true);
                }
            }
            else
            {
                Park(ratsSent);
            }

            bool severalCards = false;
            if (collided)
            {
                // A collision was resolved, so at least two answers overlapped: a wallet of cards, or one card and RF
                // noise. The other cards of a wallet were left READY by the select and went back to IDLE on the halt;
                // a REQA reaches them (never the halted card). A silent REQA could itself be a lost frame, and charging
                // the wrong card of a wallet is worse than asking a student to tap again, so the collision is dismissed
                // as noise only after three silent REQAs (at 1 % lost frames: one wallet in a million).
                severalCards = OtherCardAnswers() || OtherCardAnswers() || OtherCardAnswers();
                if (!severalCards)
                {
                    NoiseCollisionsDismissed++;
                    if (atqaPending && picc.WakeUpA(probe) == ReaderResult.Ok && !probe.AtqaCollided)
                    {
                        card.Atqa = probe.Atqa;
                        card.AtqaCollided = false;
                        type = CardTypes.Decode(card.Sak, card.Atqa);
                        atqaAgrees = CardTypes.AtqaAgreesWithUid(card.Atqa, card.UidLength);
                        if (!atqaAgrees)
                        {
                            type = CardType.Unknown;
                        }
                        else if (iso4Session)
                        {
                            type = CardTypes.RefineWithAts(type, ats, options.AcceptConfiguredDesfireAts);
                        }
                    }

                    if (atqaPending)
                    {
                        picc.ReleaseCards(); // READY* → HALT again
                    }
                }
            }

            atqaPending = false;

            candidate = current;
            current = card;
            currentType = type;
            currentAtqaAgrees = atqaAgrees;
            currentMayBeInProtocol = false;
            NoteKeptActive(keepActive);
            cardPresent = true;
            presenceMisses = 0;
            uncertainPolls = 0;
            newCards++;
            into.SetCard(card, type, atqaAgrees);
            into.SeveralCards = severalCards;
            return CardEvent.NewCard;
        }

        /// <summary>
        /// Reads one MIFARE Classic block of the card reported by the last NewCard while it rests on the reader:
        /// WUPA, select by UID, authenticate, READ, HLTA, and Crypto1 off whatever happened. Never throws.
        /// </summary>
        public ReaderResult ReadClassicBlock(MifareKeyType keyType, byte[] key, int block, byte[] destination, int offset)
        {
            if (!cardPresent)
            {
                return ReaderResult.Timeout;
            }

            try
            {
                // A card kept ACTIVE after its poll would take the WUPA as an unexpected frame: halt it first.
                ParkCard();
                ReaderResult result = picc.WakeUpA(probe);
                if (result == ReaderResult.Ok)
                {
                    result = picc.SelectKnownUid(current);
                }

                if (result == ReaderResult.Ok)
                {
                    result = classic.Authenticate(keyType, block, key, 0, current);
                }

                if (result == ReaderResult.Ok)
                {
                    result = classic.ReadBlock(block, destination, offset);
                }

                if (result == ReaderResult.Ok)
                {
                    picc.Halt();
                }

                classic.EndSession();
                if (result != ReaderResult.Ok)
                {
                    // A MIFARE card halts on HLTA after Crypto1 is off too; a failed read must not leave it ACTIVE*.
                    Park(false);
                }

                return result;
            }
            catch (Exception)
            {
                ExceptionsCaught++;
                recoveryNeeded = true;
                return ReaderResult.ChipFault;
            }
        }

        private static CardEvent Fail(CardReadResult into, ReaderResult error, ReaderStep step)
        {
            into.Error = error;
            into.FailedStep = step;
            return CardEvent.Error;
        }
    }
}
