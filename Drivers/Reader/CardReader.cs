using System;
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
    public sealed class CardReader
    {
        private readonly Mfrc522Chip chip;
        private readonly Iso14443TypeA picc;
        private readonly MifareClassic classic;
        private readonly CardReaderOptions options;
        private readonly CardIdentity current = new CardIdentity();
        private readonly CardIdentity candidate = new CardIdentity();
        private readonly AtsInfo ats = new AtsInfo();
        private CardType currentType;

        private bool started;
        private bool recoveryNeeded;
        private bool cardPresent;
        private int presenceMisses;
        private int pollsSinceHealthCheck;
        private int recoveriesAtPollStart;

        public CardReader(IRegisterBus bus, IReaderPins pins, Mfrc522Options chipOptions, CardReaderOptions readerOptions)
        {
            chip = new Mfrc522Chip(bus, pins, chipOptions);
            picc = new Iso14443TypeA(chip);
            classic = new MifareClassic(chip);
            options = readerOptions == null ? new CardReaderOptions() : readerOptions;
        }

        public Mfrc522Chip Chip => chip;
        public Iso14443TypeA Picc => picc;
        public MifareClassic Classic => classic;

        /// <summary>True while a card reported by NewCard has not been reported removed.</summary>
        public bool CardPresent => cardPresent;

        // Counters (never reset).
        public long Polls { get; private set; }
        public int NewCards { get; private set; }
        public int Removals { get; private set; }
        public int Errors { get; private set; }
        public int ExceptionsCaught { get; private set; }

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
            into.Polls = Polls;
            into.Errors = Errors;
        }

        /// <summary>One poll of the field; fills <paramref name="into"/> and returns its event.</summary>
        public CardEvent Poll(CardReadResult into)
        {
            into.Reset();
            Polls++;
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
                Errors++;
            }

            return result;
        }

        private CardEvent PollOnce(CardReadResult into)
        {
            recoveriesAtPollStart = chip.Recoveries;
            if (!started || recoveryNeeded || chip.ConsecutiveChipFaults >= chip.Options.FaultsBeforeRecovery)
            {
                ReaderResult recovered = started ? chip.Recover() : Start();
                started = true;
                recoveryNeeded = recovered != ReaderResult.Ok;
                if (recoveryNeeded)
                {
                    return Fail(into, ReaderResult.ChipFault, ReaderStep.Recovery);
                }

                pollsSinceHealthCheck = 0;
            }
            else if (++pollsSinceHealthCheck >= chip.Options.HealthCheckEveryPolls)
            {
                pollsSinceHealthCheck = 0;
                if (chip.CheckHealth(false) != ReaderResult.Ok)
                {
                    recoveryNeeded = chip.Recover() != ReaderResult.Ok;
                    if (recoveryNeeded)
                    {
                        return Fail(into, ReaderResult.ChipFault, ReaderStep.HealthCheck);
                    }
                }
            }

            // A MIFARE session the application left open (or a Crypto1 the chip reports on) ends before the field
            // is addressed again: a stale cipher would garble every frame to the next card (field failure of
            // readers that "stop reading after hours"). One write, only when needed.
            if (classic.SessionOpen || chip.Crypto1On)
            {
                classic.EndSession();
            }

            return cardPresent ? CheckResting(into) : Detect(into);
        }

        private CardEvent Detect(CardReadResult into)
        {
            candidate.Clear();
            ReaderResult result = picc.RequestA(candidate);
            if (result == ReaderResult.Timeout)
            {
                return CardEvent.NoCard;
            }

            int collisionsBefore = picc.CollisionsResolved;
            if (result == ReaderResult.Ok)
            {
                result = picc.Select(candidate);
            }

            if (result != ReaderResult.Ok)
            {
                // The card left mid-select (Timeout), or noise/collision: nothing is reported as a tap.
                return result == ReaderResult.Timeout ? CardEvent.NoCard : Fail(into, result, ReaderStep.Select);
            }

            bool severalCards = picc.CollisionsResolved != collisionsBefore;

            CardType type = CardTypes.Decode(candidate.Sak, candidate.Atqa);
            bool iso4Session = false;
            if (options.RequestAts && CardTypes.IsIso14443_4Compliant(candidate.Sak))
            {
                if (picc.RequestAts(ats) == ReaderResult.Ok)
                {
                    iso4Session = true;
                    type = CardTypes.RefineWithAts(type, ats);
                    CopyAts(into.Ats);
                }
            }

            // Leave the card halted so the next polls see it only through WUPA (a failed halt is harmless: the
            // presence check wakes IDLE cards too).
            if (iso4Session)
            {
                picc.DeselectCard();
            }
            else
            {
                picc.Halt();
            }

            current.CopyFrom(candidate);
            currentType = type;
            cardPresent = true;
            presenceMisses = 0;
            NewCards++;
            into.SetCard(current, type);
            into.SeveralCards = severalCards;
            return CardEvent.NewCard;
        }

        private CardEvent CheckResting(CardReadResult into)
        {
            ReaderResult result = CheckPresence();
            if (result != ReaderResult.Ok && result != ReaderResult.ChipFault)
            {
                // A miss may be the reader's fault, not the card's: antenna bits lost or the chip reset by a
                // brown-out also silence a resting card. One health read (1 transfer) tells them apart, so a
                // reader glitch is repaired instead of being reported as a removal followed by a second tap.
                if (chip.CheckHealth(classic.SessionOpen) != ReaderResult.Ok)
                {
                    if (chip.Recover() != ReaderResult.Ok)
                    {
                        recoveryNeeded = true;
                        return Fail(into, ReaderResult.ChipFault, ReaderStep.Recovery);
                    }

                    pollsSinceHealthCheck = 0;
                    result = CheckPresence();
                }
            }

            if (result == ReaderResult.Ok)
            {
                presenceMisses = 0;
                into.SetCard(current, currentType);
                return CardEvent.SameCardStillPresent;
            }

            if (result == ReaderResult.ChipFault)
            {
                return Fail(into, result, ReaderStep.PresenceCheck);
            }

            into.SetCard(current, currentType);

            // A reset in this poll switched the field off and on: the resting card is still powering up
            // (ISO/IEC 14443-2 gives it up to 5 ms), so its silence now says nothing about its presence.
            if (chip.Recoveries != recoveriesAtPollStart)
            {
                into.PresenceUncertain = true;
                return CardEvent.SameCardStillPresent;
            }

            if (++presenceMisses < options.MissesBeforeRemoval)
            {
                into.PresenceUncertain = true;
                return CardEvent.SameCardStillPresent;
            }

            cardPresent = false;
            presenceMisses = 0;
            Removals++;
            return CardEvent.CardRemoved;
        }

        /// <summary>WUPA, select by the known UID, HLTA: Ok only when the resting card is still the same one.</summary>
        private ReaderResult CheckPresence()
        {
            ReaderResult result = picc.WakeUpA(candidate);
            if (result == ReaderResult.Ok)
            {
                result = picc.SelectKnownUid(current);
            }

            if (result == ReaderResult.Ok)
            {
                picc.Halt();
            }

            return result;
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
                ReaderResult result = picc.WakeUpA(candidate);
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
                return result;
            }
            catch (Exception)
            {
                ExceptionsCaught++;
                recoveryNeeded = true;
                return ReaderResult.ChipFault;
            }
        }

        private void CopyAts(AtsInfo target)
        {
            target.Parse(ats.Raw, 0, ats.Length);
        }

        private static CardEvent Fail(CardReadResult into, ReaderResult error, ReaderStep step)
        {
            into.Error = error;
            into.FailedStep = step;
            return CardEvent.Error;
        }
    }
}
