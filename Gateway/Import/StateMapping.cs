using LeoCarte.Terminal.Cards;

namespace LeoCarte.Gateway.Import;

/// <summary>
/// ESUP-SGC card states → terminal card states (issue 5):
/// ENABLED → Active; DISABLED → Lost (motif LOST), Stolen (THEFT) or BlockedOther (OUT_OF_ORDER or no motif);
/// RENEWED → Renewed (the holder has a newer card); CADUC → Expired; DESTROYED → BlockedOther;
/// ENCODED (card in hand, never enabled) → NotYetActivated, so the terminal can say "not activated yet"
/// instead of "unknown card"; every other state (NEW, REQUEST_CHECKED, CANCELED, IN_PRINT, PRINTED,
/// IN_ENCODE, REJECTED) → not listed: such a card was never enabled and has no usable CSN yet.
/// </summary>
public static class StateMapping
{
    /// <summary>The terminal state, or null when the card is not in the list.</summary>
    public static CardState? Map(string etat, string motifDisable)
    {
        switch (etat)
        {
            case "ENABLED":
                return CardState.Active;
            case "DISABLED":
                return motifDisable switch
                {
                    "LOST" => CardState.Lost,
                    "THEFT" => CardState.Stolen,
                    _ => CardState.BlockedOther,
                };
            case "RENEWED":
                return CardState.Renewed;
            case "CADUC":
                return CardState.Expired;
            case "DESTROYED":
                return CardState.BlockedOther;
            case "ENCODED":
                return CardState.NotYetActivated;
            default:
                return null;
        }
    }
}
