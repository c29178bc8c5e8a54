namespace LeoCarte.Drivers.Reader
{
    /// <summary>Behaviour of <see cref="CardReader"/>, fixed at construction.</summary>
    public sealed class CardReaderOptions
    {
        /// <summary>Consecutive missed presence checks before CardRemoved is reported. 2 rides out a single glitch
        /// (a card at the edge of the field) at the cost of one poll interval of removal latency.</summary>
        public int MissesBeforeRemoval = 2;

        /// <summary>Send RATS to ISO 14443-4 cards to read their ATS (confirms DESFire; costs two exchanges per
        /// tap). Off by default: the terminal decides on the UID alone.</summary>
        public bool RequestAts;
    }
}
