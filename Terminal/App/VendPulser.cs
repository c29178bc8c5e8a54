namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// The vend output for machines without MDB: an approved sale produces <c>count</c> pulses of
    /// <c>widthMs</c> separated by <c>gapMs</c> on the relay/optocoupler line, the way coin-mech "pulse"
    /// inputs of vending controllers expect credit (one pulse per credit unit). Non-blocking: the loop calls
    /// <see cref="Step"/>. Sales requested while a train is running queue up (a bounded count, never lost
    /// silently: <see cref="Request"/> returns false when the queue is full so the sale can be denied).
    /// </summary>
    public sealed class VendPulser
    {
        private const int MaxQueuedTrains = 4;

        private readonly IDigitalOutputs outputs;
        private readonly int widthMs;
        private readonly int gapMs;
        private readonly int pulsesPerSale;
        private int pendingTrains;
        private int pulsesLeftInTrain;
        private bool high;
        private long nextEdgeAt;

        public VendPulser(IDigitalOutputs outputs, int widthMs, int gapMs, int pulsesPerSale)
        {
            this.outputs = outputs;
            this.widthMs = widthMs < 1 ? 1 : widthMs;
            this.gapMs = gapMs < 1 ? 1 : gapMs;
            this.pulsesPerSale = pulsesPerSale < 1 ? 1 : pulsesPerSale;
            outputs.Set(OutputSignal.VendPulse, false);
        }

        /// <summary>Pulses emitted since construction (for diagnostics and tests).</summary>
        public long PulsesEmitted { get; private set; }

        /// <summary>True while a pulse train is running or queued.</summary>
        public bool IsBusy => pulsesLeftInTrain > 0 || pendingTrains > 0 || high;

        /// <summary>Queues one sale's pulse train; false when too many are queued already.</summary>
        public bool Request(long nowMs)
        {
            if (pendingTrains >= MaxQueuedTrains)
            {
                return false;
            }

            pendingTrains++;
            if (pulsesLeftInTrain == 0 && !high)
            {
                nextEdgeAt = nowMs;
                Step(nowMs);
            }

            return true;
        }

        public void Step(long nowMs)
        {
            while (nowMs >= nextEdgeAt)
            {
                if (high)
                {
                    outputs.Set(OutputSignal.VendPulse, false);
                    high = false;
                    PulsesEmitted++;
                    nextEdgeAt += gapMs;
                    continue;
                }

                if (pulsesLeftInTrain == 0)
                {
                    if (pendingTrains == 0)
                    {
                        return;
                    }

                    pendingTrains--;
                    pulsesLeftInTrain = pulsesPerSale;
                }

                pulsesLeftInTrain--;
                outputs.Set(OutputSignal.VendPulse, true);
                high = true;
                nextEdgeAt += widthMs;
            }
        }
    }
}
