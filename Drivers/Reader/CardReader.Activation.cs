using System;

namespace LeoCarte.Drivers.Reader
{
    /// <summary>
    /// The end of a tap: with <see cref="CardReaderOptions.KeepIso14443_4CardActive"/> a single ISO/IEC 14443-4 card stays
    /// ACTIVE after the Poll that reports it, so a session starts with RATS (no WUPA, no second SELECT), and the card goes
    /// back to HALT (or its session is closed) by <see cref="ParkCard"/> once the tap is decided and shown.
    /// </summary>
    public sealed partial class CardReader
    {
        // The card reported by the last NewCard has not been put back to HALT: kept ACTIVE by the Poll, or in a session.
        private bool parkPending;

        // The card is ACTIVE since the Poll's SELECT (ISO/IEC 14443-3 §6.3: RATS is a command of that state) ...
        private bool keptActive;

        // ... provided nothing went over the bus since: any transfer (another command, a health read, a reset) may have
        // changed the card's state or the chip's, and then the session starts again from WUPA.
        private long transfersWhenKept;
        private int recoveriesWhenKept;

        // OpenCardSession succeeded and the session was not closed yet (keys, DESELECT, bit rate back to 106).
        private bool sessionOpen;

        /// <summary>Sessions started straight with RATS on a card kept ACTIVE since its Poll, whatever came of them (counter, never reset).</summary>
        public int SessionsOnKeptCard => sessionsOnKeptCard;

        // Fields, not auto-properties, on the tap path: nanoCLR does not inline (an auto-property's ++ is two calls).
        private int sessionsOnKeptCard;

        /// <summary>RATS to a kept-ACTIVE card that failed (noise, a card lifted) and was retried from WUPA (counter).</summary>
        public int KeptCardFallbacks { get; private set; }

        /// <summary>Cards parked by a Poll because the application had not called <see cref="ParkCard"/> (counter).</summary>
        public int ParkedByPoll { get; private set; }

        /// <summary>The card reported by the last NewCard is not in HALT yet (kept ACTIVE, or a session open): the
        /// application still has to call <see cref="ParkCard"/>.</summary>
        public bool ParkPending => parkPending;

        private void NoteKeptActive(bool kept)
        {
            keptActive = kept;
            parkPending = kept;
            sessionOpen = false;
            transfersWhenKept = chip.transfers;
            recoveriesWhenKept = chip.recoveries;
        }

        /// <summary>True once per kept card when nothing went over the bus since its SELECT; the card may then take RATS.</summary>
        private bool TakeKeptActiveCard()
        {
            bool usable = keptActive && chip.transfers == transfersWhenKept && chip.recoveries == recoveriesWhenKept;
            keptActive = false;
            return usable;
        }

        /// <summary>
        /// Ends the tap with the card: a card kept ACTIVE by the Poll is halted (HLTA), an open session is closed
        /// (<see cref="CloseCardSession"/>: keys forgotten, S(DESELECT), HLTA too if it did not confirm, 106 kbit/s), so
        /// the card rests in HALT where the presence check (WUPA, SELECT by UID) finds it. Call it once per tap, after the
        /// decision is made, journaled and shown: it is not part of what the student waits for. Idempotent (nothing to
        /// do costs nothing: no transfer), never throws; the next <see cref="Poll"/> calls it when the application did not.
        /// </summary>
        public void ParkCard()
        {
            if (!parkPending)
            {
                return;
            }

            if (sessionOpen)
            {
                CloseCardSession();
                return;
            }

            parkPending = false;
            keptActive = false;
            if (chip.recoveries != recoveriesWhenKept)
            {
                // A reset switched the field off and on since: the card lost power and came back IDLE.
                return;
            }

            try
            {
                Park(currentMayBeInProtocol);
            }
            catch (Exception)
            {
                ExceptionsCaught++;
                recoveryNeeded = true;
            }
        }
    }
}
