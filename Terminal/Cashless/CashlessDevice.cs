using System;
using LeoCarte.Drivers.Mdb;
using LeoCarte.Terminal.Decisions;

namespace LeoCarte.Terminal.Cashless
{
    /// <summary>
    /// The terminal as MDB cashless device #1 at address 10h (ICP/MDB 4.2 §7), feature level 1 to 3: RESET, SETUP
    /// (config data, max/min prices), POLL, VEND (request, cancel, success, failure, session complete, cash sale),
    /// READER (disable, enable, cancel), REVALUE (always denied: Izly is the purse), EXPANSION (request ID, write
    /// time/date, optional features enabled: "always idle").
    ///
    /// Two sides, one lock:
    /// <list type="bullet">
    /// <item>The bus side (<see cref="IMdbPeripheral"/>, called by <see cref="MdbPeripheralLink"/> within the 5 ms
    /// response time) only parses, changes state and queues POLL answers — it never touches storage.</item>
    /// <item>The terminal side (<see cref="PresentCard"/>, <see cref="Step"/>, called by the tap loop) asks the
    /// decision engine: a tap opens a session with the funds the caps allow; a VEND REQUEST is decided with the
    /// machine's price and journaled as pending; VEND SUCCESS charges; VEND FAILURE, VEND CANCEL, SESSION COMPLETE
    /// without success, a RESET, a session timeout or a silent bus void it. The answers (VEND APPROVED/DENIED…) go out
    /// at the following POLLs: the VMC waits up to the application maximum response time for them.</item>
    /// </list>
    /// A charge happens only in <see cref="Step"/> after a VEND SUCCESS for an approved vend, once (the link layer
    /// answers a repeated VEND SUCCESS without executing it again). A power cut loses the pending vend (RAM), so it is
    /// never charged. Commands not valid in the current state are answered ACK and reported by Out Of Sequence at the
    /// next POLL, without changing state (§7.4.3 POLL, Z1 = 0Bh).
    /// </summary>
    public sealed partial class CashlessDevice : IMdbPeripheral
    {
        /// <summary>Cashless device #1 (§7.1).</summary>
        public const int Address = 0x10;

        private const int CommandReset = 0;
        private const int CommandSetup = 1;
        private const int CommandPoll = 2;
        private const int CommandVend = 3;
        private const int CommandReader = 4;
        private const int CommandRevalue = 5;
        private const int CommandExpansion = 7;

        // POLL answers (§7.4.3, Z1).
        private const int AnswerJustReset = 0x00;
        private const int AnswerReaderConfig = 0x01;
        private const int AnswerBeginSession = 0x03;
        private const int AnswerSessionCancel = 0x04;
        private const int AnswerVendApproved = 0x05;
        private const int AnswerVendDenied = 0x06;
        private const int AnswerEndSession = 0x07;
        private const int AnswerCancelled = 0x08;
        private const int AnswerPeripheralId = 0x09;
        private const int AnswerMalfunction = 0x0A;
        private const int AnswerOutOfSequence = 0x0B;
        private const int AnswerRevalueDenied = 0x0E;
        private const int AnswerRevalueLimit = 0x0F;
        private const int AnswerTimeDateRequest = 0x11;

        /// <summary>Level-3 optional feature bit: always idle (EXPANSION REQUEST ID answer, bytes 30–33).</summary>
        public const int FeatureAlwaysIdle = 0x20;

        private const int StageNone = 0;
        private const int StageAwaitCard = 1;
        private const int StageAwaitDecision = 2;
        private const int StageApproved = 3;

        private const int QueueSize = 8;

        private readonly object sync = new object();
        private readonly DecisionEngine engine;
        private readonly CashlessSettings settings;
        private readonly int[] queueType = new int[QueueSize];
        private readonly int[] queueValue = new int[QueueSize];
        private readonly byte[] sessionUid = new byte[10];
        private readonly byte[] cardUid = new byte[10];

        private int queueHead;
        private int queueCount;
        private CashlessState state = CashlessState.Inactive;
        private int level = 1;
        private bool alwaysIdle;
        private bool disableAfterSession;
        private bool timeRequested;
        private int stage;
        private int vendPriceCents;
        private int vendItem;
        private int sessionUidLength;
        private bool cardWaiting;
        private int cardUidLength;
        private bool successWaiting;
        private int successItem;
        private ReasonCode voidWaiting;
        private bool sessionCancelSent;
        private bool busActivity;
        private bool sessionTouched;
        private long lastBusMilliseconds;
        private long sessionActivityMilliseconds;
        private long cardDeadlineMilliseconds;
        private long nowMilliseconds;

        public CashlessDevice(DecisionEngine engine, CashlessSettings settings)
        {
            this.engine = engine;
            this.settings = settings;
            Enqueue(AnswerJustReset, 0); // power-up is a reset (§7.3: Inactive, JUST RESET at the first POLL)
        }

        /// <summary>Told about every event (display, virtual terminal, tests); may be null.</summary>
        public ICashlessObserver Observer;

        public CashlessState State
        {
            get { lock (sync) { return state; } }
        }

        /// <summary>Feature level in force (the lower of ours and the VMC's, 1 until SETUP Config Data).</summary>
        public int FeatureLevel
        {
            get { lock (sync) { return level; } }
        }

        /// <summary>True when the VMC enabled the level-3 always-idle option.</summary>
        public bool AlwaysIdle
        {
            get { lock (sync) { return alwaysIdle; } }
        }

        /// <summary>VMC's max/min price (cents) from SETUP; -1 when unknown.</summary>
        public int MachineMaxPriceCents { get; private set; }

        /// <summary>See <see cref="MachineMaxPriceCents"/>.</summary>
        public int MachineMinPriceCents { get; private set; }

        /// <summary>The VMC's display: columns × rows (SETUP Config Data), 0 when none.</summary>
        public int MachineDisplayColumns { get; private set; }

        /// <summary>The machine's local time from EXPANSION WRITE TIME/DATE (DateTime.MinValue until received).</summary>
        public DateTime MachineLocalTime { get; private set; }

        /// <summary>The price (cents) and item of the VEND REQUEST in progress or last decided.</summary>
        public int VendPriceCents
        {
            get { lock (sync) { return vendPriceCents; } }
        }

        /// <summary>See <see cref="VendPriceCents"/>.</summary>
        public int VendItem
        {
            get { lock (sync) { return vendItem; } }
        }

        /// <summary>
        /// The decision the last <see cref="PresentCard"/> got at the following <see cref="Step"/> (session opened or
        /// refused; in always-idle mode the vend decision), null when the card was ignored (machine not taking cards).
        /// The engine's reused object: read it before the next decision.
        /// </summary>
        public Decision LastCardDecision { get; private set; }

        public int Sessions { get; private set; }
        public int SessionsRefused { get; private set; }
        public int VendsAuthorized { get; private set; }
        public int VendsRefused { get; private set; }
        public int VendsCharged { get; private set; }
        public int VendsNotCharged { get; private set; }
        public int VendsVoided { get; private set; }
        public int OutOfSequenceCommands { get; private set; }
        public int CashSales { get; private set; }
        public int Resets { get; private set; }
        public int SessionTimeouts { get; private set; }
    }
}
