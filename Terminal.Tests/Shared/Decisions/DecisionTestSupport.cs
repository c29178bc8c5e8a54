// Shared test support for decisions and journal: compiled for MSTest on the host and nanoFramework.TestFramework.
using System;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Time;

namespace LeoCarte.Terminal.Tests.Decisions
{
    /// <summary>A clock the test sets: wall time, sync state and a monotonic counter, advanced together by <see cref="Advance"/>.</summary>
    public sealed class TestClock : IClock
    {
        public DateTime Now;
        public bool Synced = true;
        public long Monotonic = 1000;

        public TestClock(DateTime utc)
        {
            Now = utc;
        }

        public DateTime UtcNow
        {
            get { return Now; }
        }

        public bool IsSynced
        {
            get { return Synced; }
        }

        public long MonotonicMilliseconds
        {
            get { return Monotonic; }
        }

        public void Advance(int seconds)
        {
            Now = Now.AddSeconds(seconds);
            Monotonic += seconds * 1000L;
        }

        /// <summary>A reboot: the monotonic counter restarts, wall time continues (RTC) but is not synced yet.</summary>
        public void Reboot()
        {
            Monotonic = 1000;
            Synced = false;
        }
    }

    /// <summary>
    /// In-memory allowlist for tests, standing in for the flash allowlist store behind the <see cref="IAllowlist"/>
    /// seam: linear search over arrays (no generics, so it also runs on nanoFramework).
    /// </summary>
    public sealed class TestAllowlist : IAllowlist
    {
        private byte[][] uids = new byte[64][];
        private CardState[] states = new CardState[64];
        private int[] holders = new int[64];
        private byte[] categories = new byte[64];
        private CardFamily[] families = new CardFamily[64];
        private int count;

        public long ListVersion = 1;

        /// <summary>The DESFire key versions the list announces (see <see cref="IAllowlist.KeyVersion"/>).</summary>
        public byte ListKeyVersion;
        public byte ListPreviousKeyVersion;

        public byte KeyVersion
        {
            get { return ListKeyVersion; }
        }

        public byte PreviousKeyVersion
        {
            get { return ListPreviousKeyVersion; }
        }
        public DateTime Issued;

        public TestAllowlist(DateTime issuedUtc)
        {
            Issued = issuedUtc;
        }

        public long Version
        {
            get { return ListVersion; }
        }

        public DateTime IssuedUtc
        {
            get { return Issued; }
        }

        public int Count
        {
            get { return count; }
        }

        /// <summary>Set to make every lookup fail as a flash fault would.</summary>
        public bool FailLookups;

        public bool LastLookupFailed
        {
            get { return FailLookups; }
        }

        public long LastLookupVersion
        {
            get { return ListVersion; }
        }

        public void Add(byte[] uid, CardState state, int holder)
        {
            for (int i = 0; i < count; i++)
            {
                if (Same(uids[i], uid, 0, uid.Length))
                {
                    states[i] = state;
                    holders[i] = holder;
                    families[i] = CardFamilies.ImpliedBy(uid.Length);
                    return;
                }
            }

            if (count == uids.Length)
            {
                Grow();
            }

            uids[count] = uid;
            states[count] = state;
            holders[count] = holder;
            families[count] = CardFamilies.ImpliedBy(uid.Length);
            count++;
        }

        /// <summary>Sets the category byte of a listed card (a tariff, or a blocked card's BlockReason).</summary>
        public void SetCategory(byte[] uid, byte category)
        {
            for (int i = 0; i < count; i++)
            {
                if (Same(uids[i], uid, 0, uid.Length))
                {
                    categories[i] = category;
                }
            }
        }

        /// <summary>Sets the card family of a listed card (default: the one its UID length implies).</summary>
        public void SetFamily(byte[] uid, CardFamily family)
        {
            for (int i = 0; i < count; i++)
            {
                if (Same(uids[i], uid, 0, uid.Length))
                {
                    families[i] = family;
                }
            }
        }

        public bool TryFind(byte[] uid, int offset, int length, CardRecord into)
        {
            if (FailLookups)
            {
                return false;
            }

            for (int i = 0; i < count; i++)
            {
                if (uids[i].Length == length && Same(uids[i], uid, offset, length))
                {
                    into.State = states[i];
                    into.HolderKey = holders[i];
                    into.Category = categories[i];
                    into.Family = families[i];
                    return true;
                }
            }

            return false;
        }

        private void Grow()
        {
            int size = uids.Length * 2;
            byte[][] newUids = new byte[size][];
            CardState[] newStates = new CardState[size];
            int[] newHolders = new int[size];
            byte[] newCategories = new byte[size];
            CardFamily[] newFamilies = new CardFamily[size];
            Array.Copy(uids, newUids, count);
            Array.Copy(states, newStates, count);
            Array.Copy(holders, newHolders, count);
            Array.Copy(categories, newCategories, count);
            Array.Copy(families, newFamilies, count);
            uids = newUids;
            states = newStates;
            holders = newHolders;
            categories = newCategories;
            families = newFamilies;
        }

        private static bool Same(byte[] a, byte[] b, int offset, int length)
        {
            if (a.Length != length)
            {
                return false;
            }

            for (int i = 0; i < length; i++)
            {
                if (a[i] != b[offset + i])
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>A terminal's decision stack over one store: journal + engine, rebuilt on "reboot".</summary>
    public sealed class TestTerminal
    {
        public readonly MemoryFileStore Store;
        public readonly TestClock Clock;
        public readonly TestAllowlist List;
        public readonly DecisionSettings Settings;
        public readonly JournalSettings JournalSettings;
        public TransactionJournal Journal;
        public DecisionEngine Engine;

        /// <summary>2026-11-26 11:30 UTC = 12:30 in Paris (winter time): inside the default lunch window.</summary>
        public static DateTime LunchUtc
        {
            get { return new DateTime(2026, 11, 26, 11, 30, 0); }
        }

        public TestTerminal(TerminalMode mode, int journalCapacity)
        {
            Store = new MemoryFileStore();
            Clock = new TestClock(LunchUtc);
            List = new TestAllowlist(LunchUtc.AddHours(-1));
            Settings = new DecisionSettings();
            Settings.Mode = mode;
            Settings.JournalSlotsReservedForApprovals = 0; // journal every denial (tests of the reserve set it)
            JournalSettings = new JournalSettings();
            JournalSettings.Capacity = journalCapacity;
            Boot();
        }

        /// <summary>Builds journal and engine over the store, as the firmware does at boot; asserts nothing.</summary>
        public bool Boot()
        {
            Journal = new TransactionJournal(Store, JournalSettings);
            Engine = new DecisionEngine(List, Clock, Journal, Store, Settings);
            return Journal.Open() == JournalResult.Ok && Engine.Start();
        }

        public static byte[] Uid7(int n)
        {
            return new byte[] { 0x04, (byte)(n >> 16), (byte)(n >> 8), (byte)n, 0x5A, 0x6B, 0x80 };
        }

        public static byte[] Uid4(int n)
        {
            return new byte[] { (byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n };
        }

        public Decision Tap(byte[] uid)
        {
            return Engine.Decide(uid, 0, uid.Length, 0, 0);
        }

        public Decision Sell(byte[] uid, int priceCents, int item)
        {
            return Engine.DecideSale(uid, 0, uid.Length, priceCents, item);
        }
    }
}
