namespace LeoCarte.Drivers.Reader
{
    /// <summary>What one <see cref="CardReader.Poll"/> saw.</summary>
    public enum CardEvent : byte
    {
        /// <summary>No card in the field.</summary>
        NoCard = 0,

        /// <summary>A card arrived (a new tap): its UID, SAK and type are in the result.</summary>
        NewCard = 1,

        /// <summary>The card of the last NewCard still rests on the reader (checked by WUPA and its own UID).</summary>
        SameCardStillPresent = 2,

        /// <summary>The card of the last NewCard has left the field (its UID is in the result).</summary>
        CardRemoved = 3,

        /// <summary>The poll failed; the result's <see cref="CardReadResult.Error"/> says why.</summary>
        Error = 4,
    }
}
