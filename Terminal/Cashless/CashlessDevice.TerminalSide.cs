using System;
using LeoCarte.Terminal.Decisions;

namespace LeoCarte.Terminal.Cashless
{
    /// <summary>The terminal side: taps and the tap loop's Step ask the decision engine, charge after VEND SUCCESS, void and time out.</summary>
    public sealed partial class CashlessDevice
    {
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
    }
}
