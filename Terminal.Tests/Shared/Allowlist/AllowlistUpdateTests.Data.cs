using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Tests.Allowlist
{
    // AllowlistUpdateTests, part: the test lists (sample entries, the test gateway's key and database identity,
    // a list fed in chunks). Also linked, without the tests of this class, into the second device test assembly
    // (Terminal.Tests.SyncDrivers), whose sync tests use them; no [TestClass] here, so no test runs twice.
    public partial class AllowlistUpdateTests
    {
        internal const uint Site = 76;

        /// <summary>Distinct UIDs of all three sizes, deterministic (no Random on both frameworks alike).</summary>
        internal static ListEntry[] Sample(int count, int seed)
        {
            ListEntry[] entries = new ListEntry[count];
            uint x = (uint)(seed * 2654435761u) | 1;
            for (int i = 0; i < count; i++)
            {
                int size = i % 10 == 9 ? 10 : (i % 3 == 0 ? 4 : 7);
                byte[] uid = new byte[size];
                for (int b = 0; b < size; b++)
                {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    uid[b] = (byte)x;
                }

                // The index makes every UID unique whatever the random bytes.
                uid[size - 1] = (byte)i;
                uid[size - 2] = (byte)(i >> 8);
                if (size != 4)
                {
                    uid[0] = 0x04;
                }

                entries[i] = new ListEntry(uid, (CardState)(i % 7), i % 5 == 0 ? -i : 1000 + i, (byte)(i % 4 == 0 ? 3 : 0));
            }

            return entries;
        }

        /// <summary>The test gateway's key (id 7) and database identity.</summary>
        internal static readonly StandInListKeys GatewayKey = new StandInListKeys(7, 0xA0);
        internal const long Database = 0x5EED0001;

        internal static ListSigning Key()
        {
            return GatewayKey.Signing(Database);
        }

        internal static ListTrust Trust()
        {
            return GatewayKey.Trust();
        }

        internal static ListUpdateResult Feed(AllowlistStore store, byte[] list, int chunk)
        {
            ListUpdate update = new ListUpdate(store, Site, Trust());
            update.Begin();
            for (int i = 0; i < list.Length; i += chunk)
            {
                int n = list.Length - i < chunk ? list.Length - i : chunk;
                ListUpdateResult r = update.Write(list, i, n);
                if (r != ListUpdateResult.Ok)
                {
                    return r;
                }
            }

            return update.Commit();
        }
    }
}
