using LeoCarte.Terminal.Decisions;

namespace LeoCarte.Terminal.Cashless
{
    /// <summary>Cashless device states (ICP/MDB 4.2 §7.3 state diagram); the number is also the Out-Of-Sequence status byte (level 2+).</summary>
    public enum CashlessState
    {
        /// <summary>After power-up or RESET: waits for SETUP Config Data.</summary>
        Inactive = 1,

        /// <summary>Configured, not accepting cards (READER DISABLE, or not enabled yet).</summary>
        Disabled = 2,

        /// <summary>Accepting cards: a tap begins a session.</summary>
        Enabled = 3,

        /// <summary>A session is open: the machine may ask to vend.</summary>
        SessionIdle = 4,

        /// <summary>A VEND REQUEST is being decided, or approved and dispensing.</summary>
        Vend = 5,
    }

    /// <summary>What happened, for the display, the virtual terminal and the tests.</summary>
    public enum CashlessEvent
    {
        /// <summary>RESET (command or bus break): back to Inactive.</summary>
        Reset,

        /// <summary>The VMC configured and enabled or disabled the reader.</summary>
        StateChanged,

        /// <summary>A tap opened a session; the decision carries the funds (AmountCents).</summary>
        SessionOpened,

        /// <summary>A tap was refused (decision: the reason).</summary>
        SessionRefused,

        /// <summary>A tap while the machine is not accepting cards or a session is already open: nothing decided.</summary>
        CardIgnored,

        /// <summary>VEND REQUEST approved and journaled as pending; the machine dispenses.</summary>
        VendAuthorized,

        /// <summary>VEND REQUEST refused (decision: the reason), cancelled before approval, or no card in time (decision null).</summary>
        VendRefused,

        /// <summary>VEND SUCCESS: the student is charged (decision: the approved record).</summary>
        VendCharged,

        /// <summary>VEND SUCCESS could not be recorded (storage): dispensed, not charged.</summary>
        VendNotCharged,

        /// <summary>VEND FAILURE, cancel, timeout, reset or lost bus: the authorised vend ended without a charge.</summary>
        VendVoided,

        /// <summary>The session ended (END SESSION sent).</summary>
        SessionEnded,

        /// <summary>A command that is not valid in the current state (answered Out Of Sequence).</summary>
        OutOfSequence,

        /// <summary>The machine sold an item for cash (audit only).</summary>
        CashSale,

        /// <summary>The machine's clock arrived (EXPANSION WRITE TIME/DATE).</summary>
        MachineTime,

        /// <summary>No POLL for the bus-silence time: the machine stopped.</summary>
        BusLost,
    }

    /// <summary>Told about every cashless event, on the thread that caused it. The decision is the engine's reused one (or null).</summary>
    public interface ICashlessObserver
    {
        void OnCashless(CashlessEvent e, Decision decision);
    }
}
