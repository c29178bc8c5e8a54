using LeoCarte.Drivers.Reader;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// The customer display: two short lines, French first (students and staff), English second (exchange
    /// students). The strings are constants (<see cref="ReasonText"/>, <see cref="AppText"/>): showing one
    /// allocates nothing. Device: a character LCD or, without one, the debug output; virtual terminal: the console.
    /// </summary>
    public interface IDisplay
    {
        void Show(string french, string english);
    }

    /// <summary>
    /// A vending sale request: what the machine asks the terminal to pay for. With a pulse-credit machine (no MDB)
    /// the machine says nothing, so the request is the configured credit per sale; an MDB cashless device would
    /// fill it from the machine's VEND REQUEST (price, item number).
    /// </summary>
    public sealed class SaleRequest
    {
        public int PriceCents;
        public int ItemCode;
    }

    /// <summary>Where the terminal learns what is being bought at the moment of a tap (vending mode only).</summary>
    public interface ISaleRequestSource
    {
        /// <summary>Fills <paramref name="into"/> with the sale being requested now; false when none is (the tap is then refused as an invalid sale).</summary>
        bool Current(SaleRequest into);
    }

    /// <summary>A machine without MDB: every approved sale is one fixed credit (price and item from the options).</summary>
    public sealed class FixedSaleSource : ISaleRequestSource
    {
        private readonly int priceCents;
        private readonly int itemCode;

        public FixedSaleSource(int priceCents, int itemCode)
        {
            this.priceCents = priceCents;
            this.itemCode = itemCode;
        }

        public bool Current(SaleRequest into)
        {
            into.PriceCents = priceCents;
            into.ItemCode = itemCode;
            return true;
        }
    }

    /// <summary>
    /// What the application needs from the machine it runs on, created once the configuration is known (pins,
    /// Wi-Fi, gateway URL, CA certificate): the ESP32 (Terminal/Device/DevicePlatform) or the virtual terminal
    /// (simulated MFRC522, loopback HTTP). A method may return null when the part cannot be made (e.g. no
    /// transport for an unprovisioned terminal); the application then runs without it and says so.
    /// </summary>
    public interface ITerminalPlatform
    {
        /// <summary>The card reader on the configured pins (never null: a missing chip shows up in its self-test).</summary>
        CardReader CreateReader(TerminalConfiguration configuration);

        IDigitalOutputs CreateOutputs(TerminalConfiguration configuration);

        IDisplay CreateDisplay(TerminalConfiguration configuration);

        /// <summary>HTTP to the configured gateway, or null when the configuration gives none.</summary>
        IHttpTransport CreateTransport(TerminalConfiguration configuration);

        /// <summary>The network link (Wi-Fi on the device), or null when there is none.</summary>
        INetworkLink CreateNetworkLink(TerminalConfiguration configuration);

        /// <summary>Free bytes in the flash store, or -1 when unknown.</summary>
        long StorageFreeBytes { get; }

        /// <summary>Why the device last started ("power-on", "watchdog", ...), or null when unknown.</summary>
        string LastResetReason { get; }

        void Reboot(string reason);
    }

    /// <summary>Called after every decision the tap loop made (the virtual terminal prints it; tests record it). Read the decision before the next tap: it is reused.</summary>
    public delegate void DecisionObserver(Decision decision, TapKind kind);

    /// <summary>What one <see cref="TerminalApplication.Step"/> did with the reader's event.</summary>
    public enum TapKind
    {
        /// <summary>No card, nothing to do.</summary>
        None = 0,

        /// <summary>A new tap was decided (approved or denied, see the decision).</summary>
        Decided = 1,

        /// <summary>The card of the last tap still rests on the reader: not decided again, not charged again.</summary>
        Resting = 2,

        /// <summary>The card of the last tap left the field.</summary>
        Removed = 3,

        /// <summary>A tap refused before deciding: the terminal is not configured (deny-all).</summary>
        RefusedNotConfigured = 4,

        /// <summary>A tap refused before deciding: the vend output is still busy with earlier sales.</summary>
        RefusedVendBusy = 5,

        /// <summary>The reader reported an error (noise, collision, chip fault being recovered).</summary>
        ReaderError = 6,

        /// <summary>A tap refused before deciding: several cards answered at once (a wallet); present one card.</summary>
        RefusedSeveralCards = 7,

    }
}
