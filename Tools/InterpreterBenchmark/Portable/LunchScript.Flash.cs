using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Time;
using LeoCarte.Terminal.Storage;

namespace LeoCarte.NanoApp
{
    // LunchScript, part: the flash contents: the signed snapshot, its crowd of students, the configuration file.
    public sealed partial class LunchScript
    {
        // ------------------------------------------------------------------ flash contents

        /// <summary>The signed snapshot the gateway would send: the script's listed cards and a crowd of students.</summary>
        public static byte[] BuildList()
        {
            return BuildList(CrowdSize);
        }

        public static byte[] BuildList(int crowd)
        {
            int listed = 0;
            for (int i = 0; i < CardCount; i++)
            {
                if (ListedStates[i] >= 0)
                {
                    listed++;
                }
            }

            var entries = new ListEntry[listed + crowd];
            int n = 0;
            for (int i = 0; i < CardCount; i++)
            {
                if (ListedStates[i] >= 0)
                {
                    entries[n++] = new ListEntry(CardUids[i], (CardState)ListedStates[i], 1000 + i, 0);
                }
            }

            for (int i = 0; i < crowd; i++)
            {
                entries[n++] = new ListEntry(CrowdUid(i), CardState.Active, 5000 + i, 0);
            }

            long issued = UnixTime.ToSeconds(BootUtc) - 600;
            return ListBuilder.BuildSnapshot(SiteId, ListVersion, issued, entries, ListKey.Signing(DatabaseId));
        }

        /// <summary>A crowd student's 7-byte UID (NXP manufacturer byte 04, then a spread-out counter).</summary>
        public static byte[] CrowdUid(int i)
        {
            uint x = (uint)i * 2654435761u;
            return new byte[] { 0x04, 0x5A, (byte)(x >> 24), (byte)(x >> 16), (byte)(x >> 8), (byte)x, (byte)i };
        }

        /// <summary>Feeds a signed list into the allowlist in flash in chunks, as the sync engine does.</summary>
        public static ListUpdateResult ApplyList(IFileStore files, byte[] list, int chunk)
        {
            var store = new AllowlistStore(files);
            store.Open();
            var update = new ListUpdate(store, SiteId, ListKey.Trust());
            update.Begin();
            for (int offset = 0; offset < list.Length; offset += chunk)
            {
                int n = list.Length - offset < chunk ? list.Length - offset : chunk;
                ListUpdateResult r = update.Write(list, offset, n);
                if (r != ListUpdateResult.Ok)
                {
                    return r;
                }
            }

            return update.Commit();
        }

        public static string ResultName(ListUpdateResult result)
        {
            return ListUpdateResultNames.Of(result);
        }

        public static string ConfigurationText()
        {
            return "[terminal]\nid = RU-CAEN-NANO\nsite = Restaurant universitaire (nanoCLR script)\nmode = restaurant\n\n"
                + "[time]\ntimezone = Europe/Paris\n\n"
                + "[service]\nwindow = lunch 11:30-14:00\nwindow = dinner 18:30-20:30\n\n"
                + "[wifi]\nssid = campus-virtuel\npassword = virtual-passphrase\n\n"
                + "[gateway]\nurl = http://127.0.0.1:5080/\nsync_interval_seconds = 60\n\n"
                + "[keys]\nlist_public_key = 1:" + Hex(ListKey.PublicKey) + "\nterminal_secret = " + Hex(TerminalSecret) + "\nsite_id = " + SiteId.ToString() + "\n\n"
                + "[limits]\ncard_daily_offline_cap_cents = 1500\nterminal_daily_offline_cap_cents = 100000\nlist_max_age_hours = 72\ndouble_tap_seconds = 10\n";
        }

        private static string Hex(byte[] data)
        {
            return Hex(data, data.Length);
        }

        private static string Hex(byte[] data, int length)
        {
            const string Digits = "0123456789abcdef";
            var chars = new char[length * 2];
            for (int i = 0; i < length; i++)
            {
                chars[2 * i] = Digits[data[i] >> 4];
                chars[2 * i + 1] = Digits[data[i] & 0xF];
            }

            return new string(chars);
        }

        /// <summary>The configuration text is ASCII (nanoFramework's Encoding lives in a separate package).</summary>
        private static byte[] Ascii(string text)
        {
            var bytes = new byte[text.Length];
            for (int i = 0; i < text.Length; i++)
            {
                bytes[i] = (byte)text[i];
            }

            return bytes;
        }

        private static byte[] Bytes(int seed, int length)
        {
            var b = new byte[length];
            uint x = (uint)seed;
            for (int i = 0; i < length; i++)
            {
                x = x * 1103515245u + 12345u;
                b[i] = (byte)(x >> 16);
            }

            return b;
        }
    }
}
