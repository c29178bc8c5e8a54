using System;
using System.Collections.Generic;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Decisions;

namespace LeoCarte.Gateway.Import;

/// <summary>What the card office's data says about a card, as the gateway reports it (pages, check-export).</summary>
public enum CardOfficeState
{
    /// <summary>ENABLED.</summary>
    Active,
    /// <summary>DISABLED, motif LOST.</summary>
    Lost,
    /// <summary>DISABLED, motif THEFT.</summary>
    Stolen,
    /// <summary>DISABLED without motif while its holder has a newer ENABLED card (ESUP-SGC disables the old cards when it enables a new one).</summary>
    Replaced,
    /// <summary>DISABLED, motif OUT_OF_ORDER.</summary>
    OutOfOrder,
    /// <summary>CADUC.</summary>
    Expired,
    /// <summary>DESTROYED.</summary>
    Destroyed,
    /// <summary>DISABLED without motif and no newer enabled card: ask the card office.</summary>
    Blocked,
    /// <summary>Requested, printed or encoded but never enabled (NEW, REQUEST_CHECKED, IN_PRINT, PRINTED, IN_ENCODE, ENCODED) with a csn.</summary>
    NotActivated,
    /// <summary>Not in the list: no csn yet, or CANCELED / REJECTED / RENEWED (a new card request) without csn.</summary>
    NotListed,
}

/// <summary>
/// ESUP-SGC card states → terminal card states, as ESUP-SGC uses them (esup-sgc CardEtatService, CardService):
/// ENABLED → approved; DISABLED + LOST / THEFT → lost / stolen; DISABLED + OUT_OF_ORDER → out of order (blocked,
/// category <see cref="BlockReason.OutOfOrder"/>); DISABLED without motif while the same eppn has a newer ENABLED
/// card → "replaced, use your new card" (enabling a card disables the holder's other enabled cards with no
/// motif: "Activation d'une nouvelle carte - désactivation des anciennes"); DISABLED without motif otherwise →
/// blocked; CADUC → expired; DESTROYED → blocked; request/print/encode states with a csn → not activated;
/// RENEWED is the request for a new card (a copy, no csn until encoded): with a csn (an older export) it is an
/// old card → replaced; CANCELED, REJECTED and cards without csn → not listed.
/// </summary>
public static class StateMapping
{
    /// <summary>Each card's state; cards are compared per eppn to find replaced ones.</summary>
    public static CardOfficeState[] Classify(IReadOnlyList<EsupCard> cards)
    {
        // The newest ENABLED card of each holder (ESUP-SGC keeps at most one enabled; a damaged export may have more).
        var newestEnabled = new Dictionary<string, EsupCard>(StringComparer.Ordinal);
        foreach (EsupCard card in cards)
        {
            if (card.Etat == "ENABLED" && card.Eppn != null && (!newestEnabled.TryGetValue(card.Eppn, out EsupCard known) || IsNewer(card, known)))
            {
                newestEnabled[card.Eppn] = card;
            }
        }

        var states = new CardOfficeState[cards.Count];
        for (int i = 0; i < cards.Count; i++)
        {
            EsupCard card = cards[i];
            bool replaced = card.Eppn != null && newestEnabled.TryGetValue(card.Eppn, out EsupCard enabled) && enabled.Id != card.Id && IsNewerOrSame(enabled, card);
            states[i] = Classify(card.Etat, card.MotifDisable, card.Csn != null, replaced);
        }

        return states;
    }

    /// <summary>One card, given whether its holder has a newer enabled card.</summary>
    public static CardOfficeState Classify(string etat, string motifDisable, bool hasCsn, bool holderHasNewerEnabledCard)
    {
        if (!hasCsn)
        {
            return CardOfficeState.NotListed;
        }

        switch (etat)
        {
            case "ENABLED":
                return CardOfficeState.Active;
            case "DISABLED":
                return motifDisable switch
                {
                    "LOST" => CardOfficeState.Lost,
                    "THEFT" => CardOfficeState.Stolen,
                    "OUT_OF_ORDER" => CardOfficeState.OutOfOrder,
                    _ => holderHasNewerEnabledCard ? CardOfficeState.Replaced : CardOfficeState.Blocked,
                };
            case "RENEWED":
                return CardOfficeState.Replaced;
            case "CADUC":
                return CardOfficeState.Expired;
            case "DESTROYED":
                return CardOfficeState.Destroyed;
            case "NEW":
            case "REQUEST_CHECKED":
            case "IN_PRINT":
            case "PRINTED":
            case "IN_ENCODE":
            case "ENCODED":
                return CardOfficeState.NotActivated;
            default:
                return CardOfficeState.NotListed; // CANCELED, REJECTED
        }
    }

    /// <summary>The list entry (state and category byte) for a card office state; null when not listed.</summary>
    public static (CardState State, byte Category)? ToList(CardOfficeState state) => state switch
    {
        CardOfficeState.Active => (CardState.Active, 0),
        CardOfficeState.Lost => (CardState.Lost, 0),
        CardOfficeState.Stolen => (CardState.Stolen, 0),
        CardOfficeState.Replaced => (CardState.Renewed, 0),
        CardOfficeState.OutOfOrder => (CardState.BlockedOther, BlockReason.OutOfOrder),
        CardOfficeState.Expired => (CardState.Expired, 0),
        CardOfficeState.Destroyed => (CardState.BlockedOther, 0),
        CardOfficeState.Blocked => (CardState.BlockedOther, 0),
        CardOfficeState.NotActivated => (CardState.NotYetActivated, 0),
        _ => null,
    };

    /// <summary>What a terminal answers for a listed card (state and category), as its decision engine maps it.</summary>
    public static ReasonCode ReasonAtTill(CardState state, byte category) => state switch
    {
        CardState.Active => ReasonCode.Approved,
        CardState.NotYetActivated => ReasonCode.NotYetActivated,
        CardState.Lost => ReasonCode.Lost,
        CardState.Stolen => ReasonCode.Stolen,
        CardState.Renewed => ReasonCode.Renewed,
        CardState.Expired => ReasonCode.Expired,
        _ => category == BlockReason.OutOfOrder ? ReasonCode.OutOfOrder : ReasonCode.Blocked,
    };

    /// <summary>Short English name of a list entry's meaning, for summaries ("active", "lost", "out of order"...).</summary>
    public static string Describe(CardState state, byte category) => state switch
    {
        CardState.Active => "active",
        CardState.NotYetActivated => "not activated",
        CardState.Lost => "lost",
        CardState.Stolen => "stolen",
        CardState.Renewed => "replaced",
        CardState.Expired => "expired",
        _ => category == BlockReason.OutOfOrder ? "out of order" : "blocked",
    };

    /// <summary>Whether a list entry refuses the card for a reason the holder must act on (lost, stolen, out of order, blocked).</summary>
    public static bool IsRefusedByCardOffice(CardState state) =>
        state is CardState.Lost or CardState.Stolen or CardState.BlockedOther;

    /// <summary>a enabled more recently than b: by dateEtat when both have one (ESUP-SGC sets it at every state change), else by id (ids grow).</summary>
    private static bool IsNewer(EsupCard a, EsupCard b) =>
        a.DateEtat.HasValue && b.DateEtat.HasValue && a.DateEtat != b.DateEtat ? a.DateEtat > b.DateEtat : a.Id > b.Id;

    /// <summary>
    /// The enabled card counts as newer than the disabled one when its state changed at the same time or later
    /// (ESUP-SGC disables the old card an instant before it enables the new one; the JSON has whole days), or,
    /// without dates, when it has a higher id.
    /// </summary>
    private static bool IsNewerOrSame(EsupCard enabled, EsupCard disabled) =>
        enabled.DateEtat.HasValue && disabled.DateEtat.HasValue ? enabled.DateEtat >= disabled.DateEtat : enabled.Id > disabled.Id;
}
