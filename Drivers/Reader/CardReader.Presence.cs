using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Reader
{
    /// <summary>The resting card: a presence check each poll, a second look (REQA + WUPA, bounded misses) before a card is reported removed, HALT for a card that missed a check, and the wallet check.</summary>
    public sealed partial class CardReader
    {
        /// <summary>REQA: true when anything answers (an ATQA, a collision, a garbled frame); the cards that answered
        /// are released back to IDLE.</summary>
        private bool OtherCardAnswers()
        {
            ReaderResult result = picc.RequestA(probe);
            if (result == ReaderResult.Timeout || result == ReaderResult.ChipFault)
            {
                return false;
            }

            picc.ReleaseCards();
            return true;
        }

        /// <summary>
        /// Puts whatever card an interrupted exchange left in READY*/ACTIVE* back to HALT (HLTA: an ACTIVE card halts,
        /// a READY one takes it as an unexpected frame and falls back, to HALT if it was woken from there) and, when
        /// it may have entered the ISO/IEC 14443-4 protocol state, S(DESELECT). A card left READY*/ACTIVE* would stay
        /// silent to the next WUPA and could be taken for gone.
        /// </summary>
        private void Park(bool mayBeInProtocol)
        {
            ReaderResult halted = picc.Halt();
            if (mayBeInProtocol && halted != ReaderResult.ChipFault)
            {
                picc.DeselectCard();
            }
        }

        /// <summary>
        /// The resting card's presence, robust to RF noise: a card is reported removed only when it is truly gone.
        /// <list type="number">
        /// <item>WUPA, SELECT by its UID, HLTA (the cheap check, ≈25 transfers): Ok proves the same card is there.</item>
        /// <item>On a miss: one health read tells a reader fault from a card fault (a reset reader says nothing
        /// about the card this poll); then the card is parked (HLTA, S(DESELECT) if it may be in 14443-4), and looked
        /// at again with WUPA and a full anticollision (<see cref="LookAgain"/>). WUPA wakes cards in HALT and in IDLE
        /// (what REQA reaches too), so a silent field is an absent card, and a single card selected without
        /// collision that is not ours proves ours gone (a halted card of ours would have collided). Silence must be
        /// heard twice (two WUPAs) to count.</item>
        /// <item>Garbled answers (CRC, parity, unresolved collision) mean something with our card's timing answered:
        /// the poll is uncertain and counts as a miss only after <see cref="CardReaderOptions.MaxUncertainPolls"/>.</item>
        /// </list>
        /// A removal is reported after <see cref="CardReaderOptions.MissesBeforeRemoval"/> consecutive polls whose both
        /// looks missed. So noise on any one frame, or on every frame of one poll, never removes a resting card, and
        /// the other card of a wallet is never detected while both are in the field.
        /// </summary>
        private CardEvent CheckResting(CardReadResult into)
        {
            ReaderResult result = CheckPresence();
            if (result == ReaderResult.Ok)
            {
                return StillPresent(into);
            }

            if (result == ReaderResult.ChipFault)
            {
                return Fail(into, result, ReaderStep.PresenceCheck);
            }

            into.SetCard(current, currentType, currentAtqaAgrees);

            // A miss may be the reader's fault, not the card's: antenna bits lost or the chip reset by a brown-out
            // also silence a resting card. One health read (1 transfer) tells them apart, so a reader glitch is
            // repaired instead of being counted against the card.
            if (chip.CheckHealth(classic.SessionOpen) != ReaderResult.Ok)
            {
                if (!AfterRecovery(chip.Recover()))
                {
                    return Fail(into, ReaderResult.ChipFault, ReaderStep.Recovery);
                }

                pollsSinceHealthCheck = 0;
            }

            if (chip.recoveries != recoveriesAtPollStart)
            {
                // The field went off and on in this poll: the card is powering up (ISO/IEC 14443-2 gives it 5 ms) and
                // its silence says nothing. It comes back IDLE and answers the next poll's WUPA.
                into.PresenceUncertain = true;
                return CardEvent.SameCardStillPresent;
            }

            Park(currentMayBeInProtocol);
            int look = LookAgain();
            if (look == LookPresent)
            {
                PresenceRetries++;
                return StillPresent(into);
            }

            if (look == LookChipFault)
            {
                return Fail(into, ReaderResult.ChipFault, ReaderStep.PresenceCheck);
            }

            bool miss = look != LookUncertain;
            if (!miss && ++uncertainPolls >= options.MaxUncertainPolls)
            {
                // Something answers garbled for too long (a damaged card, a noise source): bounded, it counts as a miss.
                uncertainPolls = 0;
                miss = true;
            }

            if (!miss || ++presenceMisses < options.MissesBeforeRemoval)
            {
                into.PresenceUncertain = true;
                return CardEvent.SameCardStillPresent;
            }

            cardPresent = false;
            currentMayBeInProtocol = false;
            presenceMisses = 0;
            uncertainPolls = 0;
            Removals++;
            return CardEvent.CardRemoved;
        }

        private CardEvent StillPresent(CardReadResult into)
        {
            presenceMisses = 0;
            uncertainPolls = 0;
            into.SetCard(current, currentType, currentAtqaAgrees);
            return CardEvent.SameCardStillPresent;
        }

        /// <summary>WUPA, select by the known UID, HLTA: Ok only when the resting card is still the same one.</summary>
        private ReaderResult CheckPresence()
        {
            ReaderResult result = picc.Request(Iso14443TypeA.WupA, probe);
            if (result == ReaderResult.Ok)
            {
                result = picc.SelectKnownUid(current);
            }

            if (result == ReaderResult.Ok)
            {
                picc.Halt();
                currentMayBeInProtocol = false;
            }

            return result;
        }

        /// <summary>
        /// Second look after a missed presence check: WUPA and a full anticollision select, which finds whoever is in
        /// the field. Ours selected: present (halted again). Nothing answers: absent. One other card alone, selected
        /// without any collision: ours is gone (it would have answered WUPA from HALT or IDLE and collided). Anything
        /// garbled or several cards: uncertain. A card selected that is not ours is sent back to its rest state
        /// (<see cref="Iso14443TypeA.ReleaseCards"/>: IDLE, or HALT if it was woken from there), never halted: a new
        /// card must stay visible to the REQA of the next detection.
        /// </summary>
        private int LookAgain()
        {
            int resolvedBefore = picc.CollisionsResolved;
            ReaderResult result = picc.Request(Iso14443TypeA.WupA, probe);
            if (result == ReaderResult.Timeout)
            {
                // Silence is the only proof of absence, and one lost frame can fake it: ask twice.
                result = picc.Request(Iso14443TypeA.WupA, probe);
                if (result == ReaderResult.Timeout)
                {
                    return LookAbsent;
                }
            }

            if (result == ReaderResult.ChipFault)
            {
                return LookChipFault;
            }

            if (result != ReaderResult.Ok)
            {
                Park(false);
                return LookUncertain;
            }

            bool severalAnswered = probe.AtqaCollided;
            result = picc.Select(probe);
            if (result == ReaderResult.Ok && probe.SameUid(current))
            {
                picc.Halt();
                return LookPresent;
            }

            if (result == ReaderResult.ChipFault)
            {
                return LookChipFault;
            }

            if (result != ReaderResult.Ok)
            {
                // Interrupted anticollision: whoever is READY/ACTIVE falls back (ours, woken from HALT, to HALT;
                // another card, woken from IDLE, to IDLE).
                picc.ReleaseCards();
                return LookUncertain;
            }

            bool alone = !severalAnswered && picc.CollisionsResolved == resolvedBefore;
            picc.ReleaseCards();
            return alone ? LookOtherCardOnly : LookUncertain;
        }
    }
}
