using System;

namespace LeoCarte.Terminal.Decisions
{
    /// <summary>Service windows and periods: which window a minute falls in, entering a new period (meal and cap counters restart), a holder's count in the current period.</summary>
    public sealed partial class DecisionEngine
    {
        /// <summary>Index of the service window containing <paramref name="minuteOfDay"/>, or -1.</summary>
        private int WindowAt(int minuteOfDay)
        {
            ServiceWindow[] windows = settings.Restaurant.Windows;
            for (int i = 0; i < windows.Length; i++)
            {
                if (minuteOfDay >= windows[i].StartMinute && minuteOfDay < windows[i].EndMinute)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>
        /// Switches the counters to <paramref name="periodKey"/> (adopting unknown-period counters); false on a storage
        /// failure. Adopting flushes the unflushed approval first; a new period drops it (it belongs to the old one).
        /// </summary>
        private bool EnterPeriod(int periodKey)
        {
            if (ledger.PeriodKey == periodKey)
            {
                return true;
            }

            try
            {
                if (ledger.PeriodKey == PeriodLedger.UnknownPeriod && periodKey > 0)
                {
                    ledger.AdoptPeriod(periodKey);
                }
                else
                {
                    ledger.BeginPeriod(periodKey, journal.LastSequence);
                }

                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        private bool LookupHolder(int holder, out int count, out long amount)
        {
            try
            {
                ledger.Lookup(holder, out count, out amount);
                return true;
            }
            catch (Exception)
            {
                count = 0;
                amount = 0;
                return false;
            }
        }
    }
}
