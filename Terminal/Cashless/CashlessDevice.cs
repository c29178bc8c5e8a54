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
    public sealed class CashlessDevice : IMdbPeripheral
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

        // ---- the bus side (IMdbPeripheral) ----

        public bool IsPoll(byte[] block)
        {
            return (block[0] & 0x07) == CommandPoll;
        }

        public int CommandLength(byte[] block, int count)
        {
            int command = block[0] & 0x07;
            switch (command)
            {
                case CommandReset:
                case CommandPoll:
                    return 2;
                case CommandSetup:
                    if (count < 2)
                    {
                        return 0;
                    }

                    return block[1] == 0x00 ? 7 : block[1] == 0x01 ? 7 : -1;
                case CommandVend:
                    if (count < 2)
                    {
                        return 0;
                    }

                    switch (block[1])
                    {
                        case 0x00: // VEND REQUEST price(2) item(2)
                        case 0x05: // CASH SALE price(2) item(2)
                            return 7;
                        case 0x02: // VEND SUCCESS item(2)
                            return 5;
                        case 0x01: // VEND CANCEL
                        case 0x03: // VEND FAILURE
                        case 0x04: // SESSION COMPLETE
                            return 3;
                        default:
                            return -1; // 06 NEGATIVE VEND: option not offered
                    }

                case CommandReader:
                    if (count < 2)
                    {
                        return 0;
                    }

                    return block[1] <= 0x02 ? 3 : -1;
                case CommandRevalue:
                    if (count < 2)
                    {
                        return 0;
                    }

                    return block[1] == 0x00 ? 5 : block[1] == 0x01 ? 3 : -1;
                case CommandExpansion:
                    if (count < 2)
                    {
                        return 0;
                    }

                    switch (block[1])
                    {
                        case 0x00: // REQUEST ID: manufacturer(3) serial(12) model(12) version(2)
                            return 32;
                        case 0x03: // WRITE TIME/DATE: 10 bytes
                            return 13;
                        case 0x04: // OPTIONAL FEATURE ENABLED: 4 bytes
                            return 7;
                        default:
                            return -1;
                    }

                default:
                    return -1;
            }
        }

        public void OnBusReset()
        {
            lock (sync)
            {
                DoReset();
            }
        }

        public int OnCommand(byte[] block, int length, byte[] reply)
        {
            lock (sync)
            {
                busActivity = true;
                int command = block[0] & 0x07;
                switch (command)
                {
                    case CommandReset:
                        DoReset();
                        return 0;
                    case CommandSetup:
                        return Setup(block, reply);
                    case CommandPoll:
                        return Poll(reply);
                    case CommandVend:
                        return Vend(block);
                    case CommandReader:
                        return Reader(block[1]);
                    case CommandRevalue:
                        if (level < 2 || state == CashlessState.Inactive)
                        {
                            return OutOfSequence();
                        }

                        // Revalue (loading the purse from cash) belongs to Izly, not to the terminal: denied / limit 0.
                        reply[0] = (byte)(block[1] == 0x00 ? AnswerRevalueDenied : AnswerRevalueLimit);
                        if (block[1] == 0x00)
                        {
                            return 1;
                        }

                        reply[1] = 0;
                        reply[2] = 0;
                        return 3;
                    case CommandExpansion:
                        return Expansion(block, reply);
                    default:
                        return -1;
                }
            }
        }

        private void DoReset()
        {
            Resets++;
            VoidIfPending(ReasonCode.VendCancelled);
            queueCount = 0;
            queueHead = 0;
            Enqueue(AnswerJustReset, 0);
            state = CashlessState.Inactive;
            level = 1;
            alwaysIdle = false;
            disableAfterSession = false;
            timeRequested = false;
            stage = StageNone;
            sessionUidLength = 0;
            cardWaiting = false;
            sessionCancelSent = false;
            Notify(CashlessEvent.Reset, null);
        }

        /// <summary>The vend in progress ends without a charge (the engine journals why at the next Step).</summary>
        private void VoidIfPending(ReasonCode reason)
        {
            if (stage == StageApproved)
            {
                voidWaiting = reason;
            }

            if (stage != StageNone)
            {
                RemoveQueued(AnswerVendApproved);
            }

            stage = StageNone;
        }

        private int Setup(byte[] block, byte[] reply)
        {
            if (block[1] == 0x00)
            {
                // Config Data: VMC feature level, display columns, rows, display info (§7.4.2).
                int vmcLevel = block[2] < 1 ? 1 : block[2];
                level = vmcLevel < settings.FeatureLevel ? vmcLevel : settings.FeatureLevel;
                MachineDisplayColumns = block[3];
                if (state == CashlessState.Inactive)
                {
                    SetState(CashlessState.Disabled);
                }

                return WriteReaderConfig(reply);
            }

            if (state == CashlessState.Inactive)
            {
                return OutOfSequence();
            }

            // Max/Min Prices (§7.4.2, level 1–3 16-bit form; 0xFFFF/0x0000 = unknown).
            int max = (block[2] << 8) | block[3];
            int min = (block[4] << 8) | block[5];
            MachineMaxPriceCents = max == 0xFFFF ? -1 : max * settings.ScaleFactor;
            MachineMinPriceCents = min == 0 ? -1 : min * settings.ScaleFactor;
            return 0;
        }

        private int WriteReaderConfig(byte[] reply)
        {
            reply[0] = AnswerReaderConfig;
            reply[1] = (byte)settings.FeatureLevel;
            reply[2] = (byte)(settings.CurrencyCode >> 8);
            reply[3] = (byte)settings.CurrencyCode;
            reply[4] = (byte)settings.ScaleFactor;
            reply[5] = (byte)settings.DecimalPlaces;
            reply[6] = (byte)settings.MaxResponseSeconds;
            reply[7] = 0; // misc options: no refunds, no multivend, no display, no cash-sale requirement
            return 8;
        }

        private int Poll(byte[] reply)
        {
            if (queueCount == 0)
            {
                return 0;
            }

            int type = queueType[queueHead];
            int value = queueValue[queueHead];
            queueHead = (queueHead + 1) % QueueSize;
            queueCount--;
            reply[0] = (byte)type;
            switch (type)
            {
                case AnswerBeginSession:
                    int funds = value / settings.ScaleFactor;
                    if (funds > 0xFFFE)
                    {
                        funds = 0xFFFE;
                    }

                    reply[1] = (byte)(funds >> 8);
                    reply[2] = (byte)funds;
                    if (level < 2)
                    {
                        return 3;
                    }

                    // Level 2/3: payment media ID (not disclosed: FFFFFFFF), payment type 00 (normal vend card), payment data 0.
                    reply[3] = 0xFF;
                    reply[4] = 0xFF;
                    reply[5] = 0xFF;
                    reply[6] = 0xFF;
                    reply[7] = 0x00;
                    reply[8] = 0x00;
                    reply[9] = 0x00;
                    return 10;
                case AnswerVendApproved:
                    int amount = value / settings.ScaleFactor;
                    reply[1] = (byte)(amount >> 8);
                    reply[2] = (byte)amount;
                    return 3;
                case AnswerMalfunction:
                    reply[1] = (byte)value;
                    return 2;
                case AnswerOutOfSequence:
                    if (level < 2)
                    {
                        return 1;
                    }

                    reply[1] = (byte)value;
                    return 2;
                default:
                    return 1;
            }
        }

        private int Vend(byte[] block)
        {
            int sub = block[1];
            switch (sub)
            {
                case 0x00:
                    {
                        int price = ((block[2] << 8) | block[3]) * settings.ScaleFactor;
                        int item = (block[4] << 8) | block[5];
                        if (state == CashlessState.SessionIdle)
                        {
                            vendPriceCents = price;
                            vendItem = item;
                            stage = StageAwaitDecision;
                            sessionTouched = true;
                            SetState(CashlessState.Vend);
                            return 0;
                        }

                        if (state == CashlessState.Enabled && alwaysIdle)
                        {
                            // Always idle: the student chose first; the terminal waits for the tap.
                            vendPriceCents = price;
                            vendItem = item;
                            stage = StageAwaitCard;
                            sessionUidLength = 0;
                            cardDeadlineMilliseconds = nowMilliseconds + (settings.MaxResponseSeconds - 1) * 1000L;
                            cardWaiting = false;
                            sessionCancelSent = false;
                            sessionTouched = true;
                            SetState(CashlessState.Vend);
                            return 0;
                        }

                        return OutOfSequence();
                    }

                case 0x01: // VEND CANCEL: before (or instead of) the approval → VEND DENIED
                    if (state != CashlessState.Vend)
                    {
                        return OutOfSequence();
                    }

                    VoidIfPending(ReasonCode.VendCancelled);
                    Enqueue(AnswerVendDenied, 0);
                    VendsRefused++;
                    SetState(CashlessState.SessionIdle);
                    sessionTouched = true;
                    return 0;
                case 0x02: // VEND SUCCESS
                    if (state != CashlessState.Vend || stage != StageApproved)
                    {
                        return OutOfSequence(); // nothing approved: nothing charged
                    }

                    successWaiting = true;
                    successItem = (block[2] << 8) | block[3];
                    stage = StageNone;
                    sessionTouched = true;
                    SetState(CashlessState.SessionIdle);
                    return 0;
                case 0x03: // VEND FAILURE
                    if (state != CashlessState.Vend || stage != StageApproved)
                    {
                        return OutOfSequence();
                    }

                    VoidIfPending(ReasonCode.VendFailed);
                    sessionTouched = true;
                    SetState(CashlessState.SessionIdle);
                    return 0;
                case 0x04: // SESSION COMPLETE
                    if (state == CashlessState.Vend)
                    {
                        // The machine ends the session without reporting the vend: it did not succeed.
                        VoidIfPending(ReasonCode.VendCancelled);
                    }
                    else if (state != CashlessState.SessionIdle)
                    {
                        return OutOfSequence();
                    }

                    EndSession();
                    return 0;
                case 0x05: // CASH SALE (audit)
                    if (state == CashlessState.Inactive)
                    {
                        return OutOfSequence();
                    }

                    CashSales++;
                    Notify(CashlessEvent.CashSale, null);
                    return 0;
                default:
                    return -1;
            }
        }

        private void EndSession()
        {
            RemoveQueued(AnswerSessionCancel);
            RemoveQueued(AnswerBeginSession);
            Enqueue(AnswerEndSession, 0);
            sessionUidLength = 0;
            stage = StageNone;
            sessionCancelSent = false;
            SetState(disableAfterSession ? CashlessState.Disabled : CashlessState.Enabled);
            disableAfterSession = false;
            Notify(CashlessEvent.SessionEnded, null);
        }

        private int Reader(int sub)
        {
            if (state == CashlessState.Inactive)
            {
                return OutOfSequence();
            }

            switch (sub)
            {
                case 0x00: // DISABLE: at once, or when the session in progress ends
                    if (state == CashlessState.Enabled)
                    {
                        RemoveQueued(AnswerBeginSession);
                        SetState(CashlessState.Disabled);
                    }
                    else if (state != CashlessState.Disabled)
                    {
                        disableAfterSession = true;
                    }

                    return 0;
                case 0x01: // ENABLE
                    disableAfterSession = false;
                    if (state == CashlessState.Disabled)
                    {
                        SetState(CashlessState.Enabled);
                        if (level >= 3 && !timeRequested)
                        {
                            timeRequested = true;
                            Enqueue(AnswerTimeDateRequest, 0);
                        }
                    }

                    return 0;
                default: // CANCEL: abandon what the reader was doing (a tap not yet reported) → CANCELLED
                    cardWaiting = false;
                    if (state == CashlessState.Enabled)
                    {
                        RemoveQueued(AnswerBeginSession);
                    }

                    Enqueue(AnswerCancelled, 0);
                    return 0;
            }
        }

        private int Expansion(byte[] block, byte[] reply)
        {
            switch (block[1])
            {
                case 0x00:
                    return WritePeripheralId(reply);
                case 0x03:
                    // WRITE TIME/DATE: BCD year, month, day, hour, minute, second, day of week, week, summer time, holiday.
                    int year = Bcd(block[2]);
                    int month = Bcd(block[3]);
                    int day = Bcd(block[4]);
                    int hour = Bcd(block[5]);
                    int minute = Bcd(block[6]);
                    int second = Bcd(block[7]);
                    if (month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60 && second < 60 && day <= DateTime.DaysInMonth(2000 + year, month))
                    {
                        MachineLocalTime = new DateTime(2000 + year, month, day, hour, minute, second);
                        Notify(CashlessEvent.MachineTime, null);
                    }

                    return 0;
                default: // 0x04 OPTIONAL FEATURE ENABLED (level 3)
                    if (level < 3)
                    {
                        return OutOfSequence();
                    }

                    int features = (block[2] << 24) | (block[3] << 16) | (block[4] << 8) | block[5];
                    alwaysIdle = settings.OfferAlwaysIdle && (features & FeatureAlwaysIdle) != 0;
                    return 0;
            }
        }

        private int WritePeripheralId(byte[] reply)
        {
            reply[0] = AnswerPeripheralId;
            Ascii(settings.ManufacturerCode, reply, 1, 3);
            Ascii(settings.SerialNumber, reply, 4, 12);
            Ascii(settings.ModelNumber, reply, 16, 12);
            reply[28] = (byte)(settings.SoftwareVersion >> 8);
            reply[29] = (byte)settings.SoftwareVersion;
            if (level < 3)
            {
                return 30;
            }

            int features = settings.OfferAlwaysIdle ? FeatureAlwaysIdle : 0;
            reply[30] = (byte)(features >> 24);
            reply[31] = (byte)(features >> 16);
            reply[32] = (byte)(features >> 8);
            reply[33] = (byte)features;
            return 34;
        }

        private int OutOfSequence()
        {
            OutOfSequenceCommands++;
            Enqueue(AnswerOutOfSequence, (int)state);
            Notify(CashlessEvent.OutOfSequence, null);
            return 0;
        }

        private void SetState(CashlessState next)
        {
            if (state != next)
            {
                state = next;
                Notify(CashlessEvent.StateChanged, null);
            }
        }

        // ---- the terminal side ----

        /// <summary>A tap (from the tap loop): decided at the next <see cref="Step"/>.</summary>
        public void PresentCard(byte[] uid, int offset, int length)
        {
            lock (sync)
            {
                if (length < 0 || length > cardUid.Length)
                {
                    length = 0;
                }

                Array.Copy(uid, offset, cardUid, 0, length);
                cardUidLength = length;
                cardWaiting = true;
            }
        }

        /// <summary>
        /// The tap loop's turn (every loop tick): charges or voids what the bus reported, decides taps and vend
        /// requests, runs the timeouts. Never throws (the engine returns denials).
        /// </summary>
        public void Step(long monotonicMilliseconds)
        {
            lock (sync)
            {
                nowMilliseconds = monotonicMilliseconds;
                if (busActivity)
                {
                    busActivity = false;
                    lastBusMilliseconds = monotonicMilliseconds;
                }

                if (sessionTouched)
                {
                    sessionTouched = false;
                    sessionActivityMilliseconds = monotonicMilliseconds;
                }

                if (successWaiting)
                {
                    successWaiting = false;
                    Decision d = engine.CompleteVend(successItem);
                    if (d.Approved)
                    {
                        VendsCharged++;
                        Notify(CashlessEvent.VendCharged, d);
                    }
                    else
                    {
                        VendsNotCharged++;
                        Notify(CashlessEvent.VendNotCharged, d);
                    }
                }

                if (voidWaiting != ReasonCode.Approved)
                {
                    ReasonCode reason = voidWaiting;
                    voidWaiting = ReasonCode.Approved;
                    VendsVoided++;
                    Notify(CashlessEvent.VendVoided, engine.VoidVend(reason));
                }

                if (cardWaiting)
                {
                    cardWaiting = false;
                    DecideCard(monotonicMilliseconds);
                }

                if (state == CashlessState.Vend && stage == StageAwaitDecision)
                {
                    DecideVend();
                }

                RunTimeouts(monotonicMilliseconds);
            }
        }

        private void DecideCard(long now)
        {
            LastCardDecision = null;
            if (state == CashlessState.Vend && stage == StageAwaitCard)
            {
                Array.Copy(cardUid, sessionUid, cardUidLength);
                sessionUidLength = cardUidLength;
                Sessions++;
                LastCardDecision = DecideVend();
                return;
            }

            if (state != CashlessState.Enabled || alwaysIdle || HasQueued(AnswerBeginSession))
            {
                Notify(CashlessEvent.CardIgnored, null);
                return;
            }

            Decision d = engine.OpenVendSession(cardUid, 0, cardUidLength);
            LastCardDecision = d;
            if (!d.Approved)
            {
                SessionsRefused++;
                Notify(CashlessEvent.SessionRefused, d);
                return;
            }

            Array.Copy(cardUid, sessionUid, cardUidLength);
            sessionUidLength = cardUidLength;
            Sessions++;
            sessionCancelSent = false;
            sessionActivityMilliseconds = now;
            Enqueue(AnswerBeginSession, d.AmountCents);
            SetState(CashlessState.SessionIdle);
            Notify(CashlessEvent.SessionOpened, d);
        }

        private Decision DecideVend()
        {
            Decision d = engine.AuthorizeVend(sessionUid, 0, sessionUidLength, vendPriceCents, vendItem);
            if (d.Approved)
            {
                stage = StageApproved;
                VendsAuthorized++;
                Enqueue(AnswerVendApproved, vendPriceCents);
                Notify(CashlessEvent.VendAuthorized, d);
                return d;
            }

            stage = StageNone;
            VendsRefused++;
            Enqueue(AnswerVendDenied, 0);
            SetState(CashlessState.SessionIdle);
            Notify(CashlessEvent.VendRefused, d);
            return d;
        }

        private void RunTimeouts(long now)
        {
            if (state == CashlessState.Vend && stage == StageAwaitCard && now >= cardDeadlineMilliseconds)
            {
                stage = StageNone;
                VendsRefused++;
                Enqueue(AnswerVendDenied, 0);
                SetState(CashlessState.SessionIdle);
                Notify(CashlessEvent.VendRefused, null);
            }

            if (state == CashlessState.SessionIdle && !sessionCancelSent && now - sessionActivityMilliseconds >= settings.SessionTimeoutSeconds * 1000L)
            {
                // §7.4.3 SESSION CANCEL REQUEST: the VMC answers with SESSION COMPLETE.
                sessionCancelSent = true;
                SessionTimeouts++;
                Enqueue(AnswerSessionCancel, 0);
            }

            if (state != CashlessState.Inactive && now - lastBusMilliseconds >= settings.BusSilenceSeconds * 1000L)
            {
                // The machine stopped polling (power cut, reboot): it will RESET us; an authorised vend is void.
                VoidIfPending(ReasonCode.VendCancelled);
                if (voidWaiting != ReasonCode.Approved)
                {
                    ReasonCode reason = voidWaiting;
                    voidWaiting = ReasonCode.Approved;
                    VendsVoided++;
                    Notify(CashlessEvent.VendVoided, engine.VoidVend(reason));
                }

                queueCount = 0;
                queueHead = 0;
                sessionUidLength = 0;
                SetState(CashlessState.Inactive);
                Enqueue(AnswerJustReset, 0);
                Notify(CashlessEvent.BusLost, null);
            }
        }

        // ---- POLL answer queue (fixed ring, no allocation) ----

        private void Enqueue(int type, int value)
        {
            if (queueCount == QueueSize)
            {
                // Full (a VMC that stopped polling): the oldest answer is the least useful one.
                queueHead = (queueHead + 1) % QueueSize;
                queueCount--;
            }

            int index = (queueHead + queueCount) % QueueSize;
            queueType[index] = type;
            queueValue[index] = value;
            queueCount++;
        }

        private bool HasQueued(int type)
        {
            for (int i = 0; i < queueCount; i++)
            {
                if (queueType[(queueHead + i) % QueueSize] == type)
                {
                    return true;
                }
            }

            return false;
        }

        private void RemoveQueued(int type)
        {
            int kept = 0;
            for (int i = 0; i < queueCount; i++)
            {
                int from = (queueHead + i) % QueueSize;
                if (queueType[from] == type)
                {
                    continue;
                }

                int to = (queueHead + kept) % QueueSize;
                queueType[to] = queueType[from];
                queueValue[to] = queueValue[from];
                kept++;
            }

            queueCount = kept;
        }

        private void Notify(CashlessEvent e, Decision d)
        {
            ICashlessObserver observer = Observer;
            if (observer != null)
            {
                observer.OnCashless(e, d);
            }
        }

        private static int Bcd(byte value)
        {
            return (value >> 4) * 10 + (value & 0x0F);
        }

        private static void Ascii(string text, byte[] into, int offset, int length)
        {
            for (int i = 0; i < length; i++)
            {
                into[offset + i] = i < text.Length && text[i] < 0x80 ? (byte)text[i] : (byte)' ';
            }
        }
    }
}
