namespace LeoCarte.Terminal.Decisions
{
    /// <summary>
    /// Short display messages per <see cref="ReasonCode"/>, in French (the students' and staff's language) and
    /// English (exchange students). Constant strings, looked up by index: no string is built in the tap path.
    /// Sized for a two-line 20-character display at most where possible; the app may wrap.
    /// </summary>
    public static class ReasonText
    {
        private static readonly string[] French = new string[]
        {
            "Paiement accepté",
            "Carte inconnue",
            "Carte non activée",
            "Carte déclarée perdue : adressez-vous au service carte",
            "Carte déclarée volée : adressez-vous au service carte",
            "Carte remplacée : utilisez votre nouvelle carte",
            "Carte expirée",
            "Carte bloquée : adressez-vous au service carte",
            "Liste des cartes trop ancienne",
            "Terminal sans liste de cartes",
            "Plafond hors ligne de la carte atteint",
            "Plafond hors ligne du terminal atteint",
            "Repas déjà servi pour ce service",
            "Déjà enregistré, non débité",
            "Journal plein : terminal à synchroniser",
            "Erreur de lecture, présentez à nouveau la carte",
            "Hors des horaires de service",
            "Horloge du terminal non réglée",
            "Vente invalide",
            "Erreur de mémoire du terminal",
            "Paiement autorisé : distribution en cours",
            "Produit non distribué : non débité",
            "Vente annulée : non débitée",
            "Carte hors service : adressez-vous au service carte",
            "Carte non reconnue : carte non authentique",
            "Carte non reconnue : carte non authentique",
            "Carte non reconnue : carte non authentique",
            "Carte à mettre à jour au service carte",
        };

        private static readonly string[] English = new string[]
        {
            "Payment approved",
            "Unknown card",
            "Card not activated yet",
            "Card reported lost: contact the card office",
            "Card reported stolen: contact the card office",
            "Card replaced: use your new card",
            "Card expired",
            "Card blocked: contact the card office",
            "Card list too old",
            "Terminal has no card list",
            "Card offline spending cap reached",
            "Terminal offline spending cap reached",
            "Meal already served this service",
            "Already recorded, not charged",
            "Journal full: terminal must sync",
            "Read error, present the card again",
            "Outside service hours",
            "Terminal clock not set",
            "Invalid sale",
            "Terminal storage error",
            "Payment authorised: vending",
            "Not dispensed: not charged",
            "Sale cancelled: not charged",
            "Card out of order: contact the card office",
            "Card not genuine",
            "Card not genuine",
            "Card not genuine",
            "Card must be updated at the card office",
        };

        /// <summary>Vending session opened (MDB): the student chooses on the machine.</summary>
        public const string SessionOpenFrench = "Choisissez votre produit";

        /// <summary>Vending session opened (MDB), English.</summary>
        public const string SessionOpenEnglish = "Choose your product";

        /// <summary>Approval message in restaurant mode (the meal, not a payment, is what the student sees).</summary>
        public const string MealApprovedFrench = "Repas accepté, bon appétit";

        public const string MealApprovedEnglish = "Meal approved, enjoy";

        private const string UnknownFrench = "Refusé";
        private const string UnknownEnglish = "Denied";

        /// <summary>Number of reason codes with a message (codes 0..Count-1).</summary>
        public static int Count
        {
            get { return French.Length; }
        }

        public static string InFrench(ReasonCode reason)
        {
            int index = (int)reason;
            return index < French.Length ? French[index] : UnknownFrench;
        }

        public static string InEnglish(ReasonCode reason)
        {
            int index = (int)reason;
            return index < English.Length ? English[index] : UnknownEnglish;
        }
    }
}
