using LeoCarte.Terminal.Decisions;

namespace LeoCarte.Terminal.Cashless
{
    /// <summary>POLL answers waiting for the next POLL (§7.4.3): a fixed ring, no allocation; and the byte encoders the answers use.</summary>
    public sealed partial class CashlessDevice
    {
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
