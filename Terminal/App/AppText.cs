namespace LeoCarte.Terminal.App
{
    /// <summary>Display messages of the application itself (the decision messages are in Decisions/ReasonText). Constants: no string is built in the tap loop.</summary>
    public static class AppText
    {
        public const string IdleFrench = "Présentez votre LéoCarte";
        public const string IdleEnglish = "Present your LéoCarte";

        public const string NotConfiguredFrench = "Terminal hors service (configuration)";
        public const string NotConfiguredEnglish = "Terminal out of service (configuration)";

        public const string VendBusyFrench = "Distribution en cours, patientez";
        public const string VendBusyEnglish = "Vending in progress, please wait";

        public const string SeveralCardsFrench = "Plusieurs cartes : présentez une seule carte";
        public const string SeveralCardsEnglish = "Several cards: present one card only";

        public const string ReaderErrorFrench = "Erreur de lecture, présentez à nouveau la carte";
        public const string ReaderErrorEnglish = "Read error, present the card again";

        public const string ReaderDownFrench = "Lecteur de carte hors service";
        public const string ReaderDownEnglish = "Card reader out of service";
    }
}
