using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// The one entry encoding shared by the wire lists and the flash table (FORMAT.md, "Entry"): a tag byte
    /// (state, key code, payload code), the key as a big-endian delta from the previous key or in full, the
    /// holder key on 3 or 4 bytes and an optional category. An instance holds the running key and the fields
    /// of the last decoded entry, so decoding allocates nothing.
    /// </summary>
    public sealed class EntryCodec
    {
        /// <summary>Longest encoded entry: tag, length byte, 10 UID bytes, 4 holder bytes, category.</summary>
        public const int MaxEntrySize = 17;

        /// <summary>State value 7 in a tag marks a delta removal.</summary>
        public const int RemovalState = 7;

        public const int FullKeyCode = 6;
        public const int MaxDeltaBytes = 6;

        /// <summary>The previous key before <see cref="Decode"/>, the decoded key after.</summary>
        public readonly EntryKey Key = new EntryKey();
        public CardState State;
        public int HolderKey;
        public byte Category;
        public bool IsRemoval;

        /// <summary>Decode delta-coded keys by value only (<see cref="EntryKey.SetValueOnly"/>): for the lookup, which compares values.</summary>
        public bool KeyValueOnly;

        /// <summary>
        /// Size of the entry starting at buffer[offset], given <paramref name="available"/> bytes there:
        /// the size, 0 when a second byte is needed to tell, or -1 when the tag or length byte is invalid.
        /// </summary>
        public static int Measure(byte[] buffer, int offset, int available)
        {
            if (available < 1)
            {
                return 0;
            }

            int tag = buffer[offset];
            int keyCode = (tag >> 3) & 7;
            bool removal = (tag & 7) == RemovalState;
            int payload = tag >> 6;
            if (keyCode > FullKeyCode || (removal && payload != 0))
            {
                return -1;
            }

            int keyBytes;
            if (keyCode < FullKeyCode)
            {
                keyBytes = keyCode + 1;
            }
            else
            {
                if (available < 2)
                {
                    return 0;
                }

                int length = buffer[offset + 1];
                if (!CardUid.IsValidLength(length))
                {
                    return -1;
                }

                keyBytes = 1 + length;
            }

            int payloadBytes = removal ? 0 : ((payload & 1) != 0 ? 4 : 3) + ((payload & 2) != 0 ? 1 : 0);
            return 1 + keyBytes + payloadBytes;
        }

        /// <summary>
        /// Decodes the entry of <paramref name="size"/> bytes (from <see cref="Measure"/>) at buffer[offset],
        /// relative to <see cref="Key"/>. False when invalid: a delta from no key or from a 10-byte key, a zero
        /// delta, a key out of range, a full key not above the previous one, a removal where none is allowed.
        /// </summary>
        public bool Decode(byte[] buffer, int offset, int size, bool allowRemoval)
        {
            int tag = buffer[offset];
            int keyCode = (tag >> 3) & 7;
            int state = tag & 7;
            int payload = tag >> 6;
            IsRemoval = state == RemovalState;
            if (IsRemoval && !allowRemoval)
            {
                return false;
            }

            int p = offset + 1;
            if (keyCode < FullKeyCode)
            {
                int length = Key.Length;
                if (length != CardUid.SingleSize && length != CardUid.DoubleSize)
                {
                    return false;
                }

                ulong delta = 0;
                for (int i = 0; i <= keyCode; i++)
                {
                    delta = (delta << 8) | buffer[p++];
                }

                ulong limit = length == CardUid.SingleSize ? 0xFFFFFFFFUL : 0x00FFFFFFFFFFFFFFUL;
                if (delta == 0 || delta > limit - Key.Value)
                {
                    return false;
                }

                if (KeyValueOnly)
                {
                    Key.SetValueOnly(length, Key.Value + delta);
                }
                else
                {
                    Key.SetValue(length, Key.Value + delta);
                }
            }
            else
            {
                int length = buffer[p++];
                if (Key.Length > length)
                {
                    return false;
                }

                if (Key.Length == length)
                {
                    // Must be strictly above the previous key of the same length.
                    Key.EnsureBytes();
                    int order = CardUid.Compare(buffer, p, length, Key.Bytes, 0, length);
                    if (order <= 0)
                    {
                        return false;
                    }
                }

                Key.Set(buffer, p, length);
                p += length;
            }

            if (IsRemoval)
            {
                State = CardState.Active;
                HolderKey = 0;
                Category = 0;
                return p == offset + size;
            }

            State = (CardState)state;
            if ((payload & 1) != 0)
            {
                HolderKey = (buffer[p] << 24) | (buffer[p + 1] << 16) | (buffer[p + 2] << 8) | buffer[p + 3];
                p += 4;
            }
            else
            {
                HolderKey = (buffer[p] << 16) | (buffer[p + 1] << 8) | buffer[p + 2];
                p += 3;
            }

            Category = (payload & 2) != 0 ? buffer[p++] : (byte)0;
            return p == offset + size;
        }

        /// <summary>
        /// Encodes an entry for uid[uidOffset..+length) after <paramref name="previous"/> (Length 0 = none) into
        /// output[offset]; returns its size. The caller guarantees the UID is a valid size, above the previous key,
        /// and the state encodable (0..6).
        /// </summary>
        public static int Encode(byte[] output, int offset, EntryKey previous, byte[] uid, int uidOffset, int length, CardState state, int holderKey, byte category, bool removal)
        {
            int p = offset + 1;
            int keyCode = FullKeyCode;
            if (previous.Length == length && length <= CardUid.DoubleSize)
            {
                ulong value = 0;
                for (int i = 0; i < length; i++)
                {
                    value = (value << 8) | uid[uidOffset + i];
                }

                ulong delta = value - previous.Value;
                int bytes = 1;
                while (bytes < 8 && (delta >> (8 * bytes)) != 0)
                {
                    bytes++;
                }

                if (bytes <= MaxDeltaBytes)
                {
                    keyCode = bytes - 1;
                    for (int i = bytes - 1; i >= 0; i--)
                    {
                        output[p++] = (byte)(delta >> (8 * i));
                    }
                }
            }

            if (keyCode == FullKeyCode)
            {
                output[p++] = (byte)length;
                for (int i = 0; i < length; i++)
                {
                    output[p++] = uid[uidOffset + i];
                }
            }

            if (removal)
            {
                output[offset] = (byte)((keyCode << 3) | RemovalState);
                return p - offset;
            }

            int payload = 0;
            if (holderKey < 0 || holderKey > 0x00FFFFFF)
            {
                payload |= 1;
                output[p++] = (byte)(holderKey >> 24);
            }

            output[p++] = (byte)(holderKey >> 16);
            output[p++] = (byte)(holderKey >> 8);
            output[p++] = (byte)holderKey;
            if (category != 0)
            {
                payload |= 2;
                output[p++] = category;
            }

            output[offset] = (byte)((payload << 6) | (keyCode << 3) | (int)state);
            return p - offset;
        }
    }
}
