using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// The one entry encoding shared by the wire lists and the flash table (FORMAT.md, "Entry"): a tag byte
    /// (state, key code, payload code), the key as a big-endian delta from the previous key or in full (key code 7:
    /// in full followed by an attribute byte carrying a card family other than the one the UID length implies and, when
    /// its bit 2 is set, a 4-byte originality digest), the holder key on 3 or 4 bytes and an optional category. An instance holds the running key and the fields
    /// of the last decoded entry, so decoding allocates nothing.
    /// </summary>
    public sealed class EntryCodec
    {
        /// <summary>Longest encoded entry: tag, length byte, 10 UID bytes, attribute, 4 digest bytes, 4 holder bytes, category.</summary>
        public const int MaxEntrySize = 22;

        /// <summary>State value 7 in a tag marks a delta removal.</summary>
        public const int RemovalState = 7;

        public const int FullKeyCode = 6;

        /// <summary>Key code 7: the key in full, then an attribute byte (bits 0–1 the card family, bit 2 an originality
        /// digest follows, bits 3–7 zero).</summary>
        public const int FullKeyWithAttributesCode = 7;

        /// <summary>Attribute bit 2: the 4-byte originality digest (FORMAT.md, "Originality digest") follows the attribute byte.</summary>
        public const int AttributeDigestBit = 0x04;

        /// <summary>Bytes of the originality digest: the first 4 bytes, big-endian, of HMAC-SHA256("LeoCarte originality", Read_Sig).</summary>
        public const int DigestSize = 4;

        /// <summary>Bits of the attribute byte that must be zero (reserved for later per-entry fields).</summary>
        public const int AttributeReservedMask = 0xF8;
        public const int MaxDeltaBytes = 6;

        /// <summary>The previous key before <see cref="Decode"/>, the decoded key after.</summary>
        public readonly EntryKey Key = new EntryKey();
        public CardState State;
        public int HolderKey;
        public byte Category;

        /// <summary>The card family: from the attribute byte, else the one the UID length implies.</summary>
        public CardFamily Family;

        /// <summary>The originality digest of the card's genuine Read_Sig answer (never 0); 0 when the entry carries none.</summary>
        public uint OriginalityDigest;
        public bool IsRemoval;

        /// <summary>True when the tag's key code writes the key in full (6, or 7 with an attribute byte).</summary>
        public static bool HasFullKey(int tag)
        {
            return ((tag >> 3) & 7) >= FullKeyCode;
        }

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
            if (removal && (payload != 0 || keyCode == FullKeyWithAttributesCode))
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
                if (keyCode == FullKeyWithAttributesCode)
                {
                    // The attribute byte, and the digest when its bit 2 says so.
                    if (available < 2 + length + 1)
                    {
                        return 0;
                    }

                    keyBytes += (buffer[offset + 2 + length] & AttributeDigestBit) != 0 ? 1 + DigestSize : 1;
                }
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
            int keyEnd = DecodeKey(buffer, offset, allowRemoval);
            return keyEnd >= 0 && DecodeFields(buffer, offset, size, keyEnd);
        }

        /// <summary>
        /// The first half of <see cref="Decode"/>: the key (and <see cref="IsRemoval"/>) of the entry at buffer[offset]
        /// only; returns the offset just after the key, or -1 when invalid. The lookup compares this key first and reads
        /// the fields (<see cref="DecodeFields"/>) of the matching entry only: nanoFramework interprets every step.
        /// </summary>
        public int DecodeKey(byte[] buffer, int offset, bool allowRemoval)
        {
            int tag = buffer[offset];
            int keyCode = (tag >> 3) & 7;
            IsRemoval = (tag & 7) == RemovalState;
            if (IsRemoval && !allowRemoval)
            {
                return -1;
            }

            int p = offset + 1;
            if (keyCode < FullKeyCode)
            {
                int length = Key.Length;
                if (length != CardUid.SingleSize && length != CardUid.DoubleSize)
                {
                    return -1;
                }

                ulong delta = 0;
                for (int i = 0; i <= keyCode; i++)
                {
                    delta = (delta << 8) | buffer[p++];
                }

                ulong limit = length == CardUid.SingleSize ? 0xFFFFFFFFUL : 0x00FFFFFFFFFFFFFFUL;
                if (delta == 0 || delta > limit - Key.Value)
                {
                    return -1;
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
                    return -1;
                }

                if (Key.Length == length)
                {
                    // Must be strictly above the previous key of the same length.
                    Key.EnsureBytes();
                    int order = CardUid.Compare(buffer, p, length, Key.Bytes, 0, length);
                    if (order <= 0)
                    {
                        return -1;
                    }
                }

                Key.Set(buffer, p, length);
                p += length;
            }

            return p;
        }

        /// <summary>
        /// The second half of <see cref="Decode"/>: the fields after the key (<paramref name="keyEnd"/> from
        /// <see cref="DecodeKey"/>) of the entry of <paramref name="size"/> bytes at buffer[offset]. Only key code 7
        /// (attribute byte) can be invalid here; for the others, a size from <see cref="Measure"/> always fits.
        /// </summary>
        public bool DecodeFields(byte[] buffer, int offset, int size, int keyEnd)
        {
            int tag = buffer[offset];
            int keyCode = (tag >> 3) & 7;
            int state = tag & 7;
            int payload = tag >> 6;
            int p = keyEnd;
            if (IsRemoval)
            {
                State = CardState.Active;
                HolderKey = 0;
                Category = 0;
                Family = CardFamily.Unchecked;
                OriginalityDigest = 0;
                return p == offset + size;
            }

            if (keyCode == FullKeyWithAttributesCode)
            {
                int attributes = buffer[p++];
                if ((attributes & AttributeReservedMask) != 0 || (attributes & 3) > CardFamilies.MaxValue)
                {
                    return false;
                }

                Family = (CardFamily)(attributes & 3);
                OriginalityDigest = 0;
                if ((attributes & AttributeDigestBit) != 0)
                {
                    if (p + DigestSize > offset + size)
                    {
                        return false;
                    }

                    OriginalityDigest = ((uint)buffer[p] << 24) | ((uint)buffer[p + 1] << 16) | ((uint)buffer[p + 2] << 8) | buffer[p + 3];
                    p += DigestSize;
                    if (OriginalityDigest == 0)
                    {
                        // 0 means "no digest": an encoder clears bit 2 instead, so this entry is malformed.
                        return false;
                    }
                }
            }
            else
            {
                Family = CardFamilies.ImpliedBy(Key.Length);
                OriginalityDigest = 0;
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
        /// the state encodable (0..6) and the family a <see cref="CardFamily"/> value. A family other than the one
        /// the UID length implies costs the entry its delta (key in full) and one attribute byte.
        /// </summary>
        public static int Encode(byte[] output, int offset, EntryKey previous, byte[] uid, int uidOffset, int length, CardState state, int holderKey, byte category, CardFamily family, bool removal)
        {
            return Encode(output, offset, previous, uid, uidOffset, length, state, holderKey, category, family, 0, removal);
        }

        /// <summary>
        /// <see cref="Encode(byte[], int, EntryKey, byte[], int, int, CardState, int, byte, CardFamily, bool)"/> with an
        /// originality digest (0 = none): a digest costs the entry its delta (key in full), the attribute byte and 4 bytes.
        /// </summary>
        public static int Encode(byte[] output, int offset, EntryKey previous, byte[] uid, int uidOffset, int length, CardState state, int holderKey, byte category, CardFamily family, uint originalityDigest, bool removal)
        {
            int p = offset + 1;
            int keyCode = FullKeyCode;
            bool attributes = !removal && (family != CardFamilies.ImpliedBy(length) || originalityDigest != 0);
            if (!attributes && previous.Length == length && length <= CardUid.DoubleSize)
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

                if (attributes)
                {
                    keyCode = FullKeyWithAttributesCode;
                    output[p++] = (byte)((int)family | (originalityDigest != 0 ? AttributeDigestBit : 0));
                    if (originalityDigest != 0)
                    {
                        output[p++] = (byte)(originalityDigest >> 24);
                        output[p++] = (byte)(originalityDigest >> 16);
                        output[p++] = (byte)(originalityDigest >> 8);
                        output[p++] = (byte)originalityDigest;
                    }
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
