namespace LeoCarte.Drivers.Reader
{
    /// <summary>Behaviour of <see cref="CardReader"/>, fixed at construction.</summary>
    public sealed class CardReaderOptions
    {
        /// <summary>Consecutive missed polls before CardRemoved is reported. A poll misses only when both its looks
        /// (WUPA + select by UID, then WUPA + anticollision) found the field silent or another card alone; 2 rides
        /// out a card flickering on the edge of the field at the cost of one poll interval of removal latency.</summary>
        public int MissesBeforeRemoval = 2;

        /// <summary>Polls of garbled answers (something answers, nothing decodes) before one counts as a miss: a bound
        /// (50 polls ≈ 1 s at 20 ms) so a damaged card or a noise source cannot keep a departed card "present".</summary>
        public int MaxUncertainPolls = 50;

        /// <summary>Longest spacing, in polls, of recovery attempts on a dead chip (1, 2, 4 ... this). 32 polls ≈ 0.64 s
        /// at 20 ms: a reader plugged back is found within a second, and a dead one costs nearly nothing per poll.</summary>
        public int MaxRecoveryBackoffPolls = 32;

        /// <summary>Send RATS to ISO 14443-4 cards to read their ATS (confirms DESFire; costs two exchanges per
        /// tap). Off by default: the terminal decides on the UID alone.</summary>
        public bool RequestAts;

        /// <summary>With <see cref="RequestAts"/>: also call a card DESFire when its ATS carries DESFire's historical
        /// byte 80h but other interface bytes (an EV2/EV3 whose ATS the card office changed with SetConfiguration). Off:
        /// only the factory ATS 06 75 77 81 02 80 is DESFire's (<see cref="Iso14443.DesfireAts"/>).</summary>
        public bool AcceptConfiguredDesfireAts;

        /// <summary>Leave a card whose SAK announces ISO/IEC 14443-4 ACTIVE after the Poll that reports it NewCard, instead of
        /// halting it (no RATS in that Poll, no collision resolved): a session then starts with RATS, without WUPA and the
        /// SELECT of both cascade levels again (≈ 20 SPI transfers less per desfire-aes tap). The application must end every
        /// tap with <see cref="CardReader.ParkCard"/> once it is decided (the next Poll parks a card left so, too); the
        /// terminal application sets it. Off: the Poll halts every card (HLTA) as soon as it is selected.</summary>
        public bool KeepIso14443_4CardActive;

        /// <summary>Bit rate of the ISO 14443-4 card sessions (<see cref="CardReader.OpenCardSession"/>) as a divisor index:
        /// 0 = 106, 1 = 212, 2 = 424 (default), 3 = 848 kbit/s. PPS asks for it when the card's ATS allows it; a failed PPS
        /// falls back to 106. 424 rather than 848: the MFRC522's receiver at 848 kBd needs a well-tuned antenna (datasheet
        /// §8.2 lists the higher rates without sensitivity figures), and 424 already takes the air time to a quarter.</summary>
        public int SessionBitRate = 2;
    }
}
