namespace LeoCarte.Terminal.Cards
{
    /// <summary>The member name of a <see cref="CardState"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class CardStateNames
    {
        public static string Of(CardState value)
        {
            switch (value)
            {
                case CardState.Active: return "Active";
                case CardState.NotYetActivated: return "NotYetActivated";
                case CardState.Lost: return "Lost";
                case CardState.Stolen: return "Stolen";
                case CardState.Renewed: return "Renewed";
                case CardState.Expired: return "Expired";
                case CardState.BlockedOther: return "BlockedOther";
                default: return "CardState " + ((int)value).ToString();
            }
        }
    }
}
