namespace LeoCarte.Drivers.Iso14443
{
    /// <summary>The member name of a <see cref="CardType"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class CardTypeNames
    {
        public static string Of(CardType value)
        {
            switch (value)
            {
                case CardType.Unknown: return "Unknown";
                case CardType.MifareClassicMini: return "MifareClassicMini";
                case CardType.MifareClassic1K: return "MifareClassic1K";
                case CardType.MifareClassic4K: return "MifareClassic4K";
                case CardType.MifareUltralightOrNtag: return "MifareUltralightOrNtag";
                case CardType.MifarePlus: return "MifarePlus";
                case CardType.Iso14443_4: return "Iso14443_4";
                case CardType.MifareDesfire: return "MifareDesfire";
                case CardType.MifareClassicEmulationIso14443_4: return "MifareClassicEmulationIso14443_4";
                default: return "CardType " + ((int)value).ToString();
            }
        }
    }
}
