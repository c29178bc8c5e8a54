using System;
using LeoCarte.Terminal.Decisions;

namespace LeoCarte.Terminal.Cashless
{
    /// <summary>The bus side (IMdbPeripheral): parses commands within the 5 ms response time, changes state, queues POLL answers; never touches storage.</summary>
    public sealed partial class CashlessDevice
    {
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
    }
}
