using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// A UID being decoded or compared, kept both as bytes and, for 4- and 7-byte UIDs, as the big-endian
    /// number the delta coding adds to. Mutable and reused: no allocation per entry.
    /// </summary>
    public sealed class EntryKey
    {
        public readonly byte[] Bytes = new byte[CardUid.MaxLength];

        /// <summary>0 = no key (start of a block or stream).</summary>
        public int Length;

        /// <summary>Big-endian value of the bytes when Length ≤ 7 (fits 56 bits).</summary>
        public ulong Value;

        public void Clear()
        {
            bytesStale = false;
            Length = 0;
            Value = 0;
        }

        /// <summary>
        /// True after <see cref="SetValueOnly"/>: <see cref="Bytes"/> does not hold the key until
        /// <see cref="EnsureBytes"/>. Only the lookup's own codec uses it (its keys are compared by Value).
        /// </summary>
        private bool bytesStale;

        public void Set(byte[] source, int offset, int length)
        {
            bytesStale = false;
            Length = length;
            Value = 0;
            for (int i = 0; i < length; i++)
            {
                byte b = source[offset + i];
                Bytes[i] = b;
                Value = (Value << 8) | b;
            }
        }

        public void CopyFrom(EntryKey other)
        {
            other.EnsureBytes();
            bytesStale = false;
            Length = other.Length;
            Value = other.Value;
            for (int i = 0; i < other.Length; i++)
            {
                Bytes[i] = other.Bytes[i];
            }
        }

        /// <summary>Sets Value and rewrites Bytes from it (4- and 7-byte keys).</summary>
        /// <summary>
        /// Sets a 4 or 7-byte key by its value only, leaving <see cref="Bytes"/> stale: the lookup decodes up to a
        /// few dozen delta-coded keys per block and compares them by value, so writing their bytes each time was an
        /// 8-step loop per entry for nothing (nanoFramework interprets every step).
        /// </summary>
        public void SetValueOnly(int length, ulong value)
        {
            Length = length;
            Value = value;
            bytesStale = true;
        }

        /// <summary>Brings <see cref="Bytes"/> in step with <see cref="Value"/> after <see cref="SetValueOnly"/>.</summary>
        public void EnsureBytes()
        {
            if (bytesStale)
            {
                ulong value = Value;
                for (int i = Length - 1; i >= 0; i--)
                {
                    Bytes[i] = (byte)value;
                    value >>= 8;
                }

                bytesStale = false;
            }
        }

        public void SetValue(int length, ulong value)
        {
            bytesStale = false;
            Length = length;
            Value = value;
            for (int i = length - 1; i >= 0; i--)
            {
                Bytes[i] = (byte)value;
                value >>= 8;
            }
        }

        /// <summary>Allowlist order: by length, then bytes in received order.</summary>
        public int CompareTo(EntryKey other)
        {
            if (Length != other.Length)
            {
                return Length < other.Length ? -1 : 1;
            }

            if (Length <= 7)
            {
                return Value == other.Value ? 0 : (Value < other.Value ? -1 : 1);
            }

            EnsureBytes();
            other.EnsureBytes();
            for (int i = 0; i < Length; i++)
            {
                int d = Bytes[i] - other.Bytes[i];
                if (d != 0)
                {
                    return d;
                }
            }

            return 0;
        }

        /// <summary>
        /// The RAM index's 8-byte sort key: length in the top byte, then the first 7 UID bytes. Exact for 4- and
        /// 7-byte UIDs; for 10-byte UIDs a prefix (ties resolved by the table's block rule, see FORMAT.md).
        /// </summary>
        public ulong IndexPrefix
        {
            get
            {
                ulong prefix = (ulong)Length << 56;
                if (Length <= 7)
                {
                    return prefix | Value;
                }

                EnsureBytes();
                ulong head = 0;
                for (int i = 0; i < 7; i++)
                {
                    head = (head << 8) | Bytes[i];
                }

                return prefix | head;
            }
        }
    }
}
