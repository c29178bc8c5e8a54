namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>Kind of a signed list on the wire.</summary>
    public enum ListKind : byte
    {
        Snapshot = 1,
        Delta = 2,
    }

    /// <summary>
    /// Constants and big-endian helpers of the signed list wire format (FORMAT.md, "Wire list"): a 40-byte
    /// header, the entries, and an HMAC-SHA256 tag over header and entries.
    /// </summary>
    public static class WireFormat
    {
        /// <summary>"LCAL" — LéoCarte allowlist.</summary>
        public const uint Magic = 0x4C43414C;
        public const byte FormatVersion = 1;
        public const int HeaderSize = 40;
        public const int TagSize = 32;

        /// <summary>Upper bound on entries a list may declare (sanity limit against forged headers).</summary>
        public const int MaxEntries = 4000000;

        internal const int OffsetMagic = 0;
        internal const int OffsetFormatVersion = 4;
        internal const int OffsetKind = 5;
        internal const int OffsetReserved = 6;
        internal const int OffsetSiteId = 8;
        internal const int OffsetVersion = 12;
        internal const int OffsetBaseVersion = 20;
        internal const int OffsetIssued = 28;
        internal const int OffsetCount = 36;

        internal static void PutUInt16(byte[] b, int p, int v)
        {
            b[p] = (byte)(v >> 8);
            b[p + 1] = (byte)v;
        }

        internal static void PutUInt32(byte[] b, int p, uint v)
        {
            b[p] = (byte)(v >> 24);
            b[p + 1] = (byte)(v >> 16);
            b[p + 2] = (byte)(v >> 8);
            b[p + 3] = (byte)v;
        }

        internal static void PutInt64(byte[] b, int p, long v)
        {
            PutUInt32(b, p, (uint)(v >> 32));
            PutUInt32(b, p + 4, (uint)v);
        }

        internal static void PutUInt64(byte[] b, int p, ulong v)
        {
            PutUInt32(b, p, (uint)(v >> 32));
            PutUInt32(b, p + 4, (uint)v);
        }

        internal static int GetUInt16(byte[] b, int p)
        {
            return (b[p] << 8) | b[p + 1];
        }

        internal static uint GetUInt32(byte[] b, int p)
        {
            return ((uint)b[p] << 24) | ((uint)b[p + 1] << 16) | ((uint)b[p + 2] << 8) | b[p + 3];
        }

        internal static long GetInt64(byte[] b, int p)
        {
            return (long)(((ulong)GetUInt32(b, p) << 32) | GetUInt32(b, p + 4));
        }

        internal static ulong GetUInt64(byte[] b, int p)
        {
            return ((ulong)GetUInt32(b, p) << 32) | GetUInt32(b, p + 4);
        }

        private const long UnixEpochTicks = 621355968000000000L;
        private const long TicksPerSecond = 10000000L;
        /// <summary>3000-12-31T23:59:59Z: the last second of nanoFramework's DateTime (DateTime.MaxValue is the end
        /// of year 3000 there, not 9999 as on .NET, and new DateTime beyond it throws; found running the shared
        /// tests on nanoCLR, Builds/README.md). Larger values are clamped here, never thrown on the tap path.</summary>
        public const long MaxUnixSeconds = 32535215999L;

        /// <summary>UTC DateTime of Unix seconds, clamped to the range both runtimes' DateTime holds (1970..3000).</summary>
        public static System.DateTime FromUnixSeconds(long seconds)
        {
            if (seconds < 0)
            {
                seconds = 0;
            }

            if (seconds > MaxUnixSeconds)
            {
                seconds = MaxUnixSeconds;
            }

            return new System.DateTime(UnixEpochTicks + seconds * TicksPerSecond, System.DateTimeKind.Utc);
        }

        /// <summary>Unix seconds of a UTC DateTime (whole seconds, floor).</summary>
        public static long ToUnixSeconds(System.DateTime utc)
        {
            return (utc.Ticks - UnixEpochTicks) / TicksPerSecond;
        }
    }
}
