namespace LeoCarte.Drivers.Reader
{
    /// <summary>The member name of a <see cref="CardEvent"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class CardEventNames
    {
        public static string Of(CardEvent value)
        {
            switch (value)
            {
                case CardEvent.NoCard: return "NoCard";
                case CardEvent.NewCard: return "NewCard";
                case CardEvent.SameCardStillPresent: return "SameCardStillPresent";
                case CardEvent.CardRemoved: return "CardRemoved";
                case CardEvent.Error: return "Error";
                default: return "CardEvent " + ((int)value).ToString();
            }
        }
    }
}
