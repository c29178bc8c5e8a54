using LeoCarte.Terminal.Decisions;

namespace LeoCarte.Terminal.Cashless
{
    // CashlessDevice, part: the VEND command (13h, ICP/MDB 4.2 §7.4: request, cancel, success, failure, session
    // complete, cash sale) and the end of a session.
    public sealed partial class CashlessDevice
    {
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
    }
}
