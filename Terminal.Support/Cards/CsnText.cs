using LeoCarte.Terminal.Bytes;

namespace LeoCarte.Terminal.Cards
{
    /// <summary>
    /// The text forms card platforms use for a card serial number (CSN = the UID). Which one a site's platform
    /// uses is configuration (<see cref="CsnText.TryParseFormName"/>).
    /// </summary>
    public enum CsnForm : byte
    {
        /// <summary>Lowercase hex, bytes in received order: ESUP-SGC's canonical form ("04a1b2c3d4e5f6").</summary>
        Hex = 0,

        /// <summary>Lowercase hex, bytes in reverse order ("f6e5d4c3b2a104"), as some readers report it.</summary>
        HexReversed = 1,

        /// <summary>Decimal of the bytes in received order read as one big-endian number.</summary>
        Decimal = 2,

        /// <summary>Decimal of the bytes in reverse order, i.e. the received bytes read as little-endian (common in access control).</summary>
        DecimalReversed = 3,
    }

    /// <summary>Outcome of parsing a CSN text.</summary>
    public enum CsnParseResult : byte
    {
        Ok = 0,
        /// <summary>Nothing but blanks.</summary>
        Empty = 1,
        /// <summary>A character that is not a digit of the form (the message can quote its position).</summary>
        BadCharacter = 2,
        /// <summary>Hex of an odd length or not 4, 7 or 10 bytes; or an expected length that is not a UID size.</summary>
        BadLength = 3,
        /// <summary>A decimal value too large for the expected UID size (or for 10 bytes).</summary>
        TooLarge = 4,
        /// <summary>The output buffer cannot hold the UID.</summary>
        BufferTooSmall = 5,
        /// <summary>Unknown <see cref="CsnForm"/> value.</summary>
        BadForm = 6,
    }

    /// <summary>
    /// Parses and formats CSN text without allocating (formatting writes into a caller's char[]; parsing reads
    /// a string or char[] and writes the UID bytes into a caller's byte[]). Decimal conversions are done by
    /// hand on three 32-bit limbs (a 10-byte UID is 80 bits): nanoFramework has no BigInteger. Bad text gets a
    /// <see cref="CsnParseResult"/>, never an exception.
    /// </summary>
    public static class CsnText
    {
        /// <summary>Longest text any form produces: 10 bytes = 20 hex digits, 2^80-1 = 25 decimal digits.</summary>
        public const int MaxChars = 25;

        /// <summary>
        /// Writes the CSN of uid[offset..+length) in <paramref name="form"/> at into[intoOffset]; returns the
        /// number of chars written, or -1 when the length is not a UID size, the form is unknown or the buffer is too small.
        /// </summary>
        public static int Format(byte[] uid, int offset, int length, CsnForm form, char[] into, int intoOffset)
        {
            if (uid == null || into == null || !CardUid.IsValidLength(length) || offset < 0 || offset + length > uid.Length)
            {
                return -1;
            }

            if (form == CsnForm.Hex || form == CsnForm.HexReversed)
            {
                if (intoOffset < 0 || intoOffset + 2 * length > into.Length)
                {
                    return -1;
                }

                for (int i = 0; i < length; i++)
                {
                    byte b = form == CsnForm.Hex ? uid[offset + i] : uid[offset + length - 1 - i];
                    into[intoOffset + 2 * i] = HexDigits.Lowercase[b >> 4];
                    into[intoOffset + 2 * i + 1] = HexDigits.Lowercase[b & 0x0F];
                }

                return 2 * length;
            }

            if (form != CsnForm.Decimal && form != CsnForm.DecimalReversed)
            {
                return -1;
            }

            // The number as three limbs, most significant first: limb2 holds bits 64..79.
            uint limb2 = 0, limb1 = 0, limb0 = 0;
            for (int i = 0; i < length; i++)
            {
                byte b = form == CsnForm.Decimal ? uid[offset + i] : uid[offset + length - 1 - i];
                limb2 = (limb2 << 8) | (limb1 >> 24);
                limb1 = (limb1 << 8) | (limb0 >> 24);
                limb0 = (limb0 << 8) | b;
            }

            // Digits come out least significant first; count them, then write right to left.
            int digits = CountDecimalDigits(limb2, limb1, limb0);
            if (intoOffset < 0 || intoOffset + digits > into.Length)
            {
                return -1;
            }

            int position = intoOffset + digits - 1;
            do
            {
                ulong remainder = limb2;
                limb2 = (uint)(remainder / 10);
                remainder = ((remainder % 10) << 32) | limb1;
                limb1 = (uint)(remainder / 10);
                remainder = ((remainder % 10) << 32) | limb0;
                limb0 = (uint)(remainder / 10);
                into[position--] = (char)('0' + (int)(remainder % 10));
            }
            while (limb2 != 0 || limb1 != 0 || limb0 != 0);

            return digits;
        }

        /// <summary>The CSN as a string (allocates: for exports, logs and configuration, not the tap path); null on bad input.</summary>
        public static string ToText(byte[] uid, int offset, int length, CsnForm form)
        {
            char[] buffer = new char[MaxChars];
            int n = Format(uid, offset, length, form, buffer, 0);
            return n < 0 ? null : new string(buffer, 0, n);
        }

        /// <summary>Parses a CSN string; see <see cref="Parse(char[],int,int,CsnForm,int,byte[],int,out int)"/>.</summary>
        public static CsnParseResult Parse(string text, CsnForm form, int expectedLength, byte[] into, int intoOffset, out int length)
        {
            length = 0;
            if (text == null)
            {
                return CsnParseResult.Empty;
            }

            return ParseCore(text, null, 0, text.Length, form, expectedLength, into, intoOffset, out length);
        }

        /// <summary>
        /// Parses text[offset..+count) in <paramref name="form"/> into into[intoOffset..], setting
        /// <paramref name="length"/> to the UID size. Leading and trailing blanks (space, tab, CR, LF) are ignored;
        /// hex accepts either case. <paramref name="expectedLength"/> is 4, 7 or 10 to demand that size, or 0 to
        /// infer it: hex from its digit count; decimal (which has no length) as the smallest UID size that holds
        /// the value — a 7-byte LéoCarte UID starting with 0x04 always needs 7 bytes in received order, but its
        /// reversed form can be small, so sites using <see cref="CsnForm.DecimalReversed"/> should pass 7.
        /// </summary>
        public static CsnParseResult Parse(char[] text, int offset, int count, CsnForm form, int expectedLength, byte[] into, int intoOffset, out int length)
        {
            length = 0;
            if (text == null || offset < 0 || count < 0 || offset + count > text.Length)
            {
                return CsnParseResult.Empty;
            }

            return ParseCore(null, text, offset, count, form, expectedLength, into, intoOffset, out length);
        }

        /// <summary>Configuration name of a form: "hex", "hex-reversed", "decimal", "decimal-reversed".</summary>
        public static string FormName(CsnForm form)
        {
            switch (form)
            {
                case CsnForm.Hex:
                    return "hex";
                case CsnForm.HexReversed:
                    return "hex-reversed";
                case CsnForm.Decimal:
                    return "decimal";
                case CsnForm.DecimalReversed:
                    return "decimal-reversed";
                default:
                    return "unknown";
            }
        }

        /// <summary>Reads a form from configuration (the names of <see cref="FormName"/>, case-sensitive).</summary>
        public static bool TryParseFormName(string name, out CsnForm form)
        {
            form = CsnForm.Hex;
            for (int i = 0; i <= (int)CsnForm.DecimalReversed; i++)
            {
                if (name == FormName((CsnForm)i))
                {
                    form = (CsnForm)i;
                    return true;
                }
            }

            return false;
        }

        private static CsnParseResult ParseCore(string s, char[] a, int offset, int count, CsnForm form, int expectedLength, byte[] into, int intoOffset, out int length)
        {
            length = 0;
            int start = offset;
            int end = offset + count;
            while (start < end && IsBlank(CharAt(s, a, start)))
            {
                start++;
            }

            while (end > start && IsBlank(CharAt(s, a, end - 1)))
            {
                end--;
            }

            if (start == end)
            {
                return CsnParseResult.Empty;
            }

            if (expectedLength != 0 && !CardUid.IsValidLength(expectedLength))
            {
                return CsnParseResult.BadLength;
            }

            if (form == CsnForm.Hex || form == CsnForm.HexReversed)
            {
                int digits = end - start;
                for (int i = start; i < end; i++)
                {
                    if (HexDigits.ValueOf(CharAt(s, a, i)) < 0)
                    {
                        return CsnParseResult.BadCharacter;
                    }
                }

                if ((digits & 1) != 0 || !CardUid.IsValidLength(digits / 2) || (expectedLength != 0 && digits / 2 != expectedLength))
                {
                    return CsnParseResult.BadLength;
                }

                int n = digits / 2;
                if (into == null || intoOffset < 0 || intoOffset + n > into.Length)
                {
                    return CsnParseResult.BufferTooSmall;
                }

                for (int i = 0; i < n; i++)
                {
                    int value = (HexDigits.ValueOf(CharAt(s, a, start + 2 * i)) << 4) | HexDigits.ValueOf(CharAt(s, a, start + 2 * i + 1));
                    into[intoOffset + (form == CsnForm.Hex ? i : n - 1 - i)] = (byte)value;
                }

                length = n;
                return CsnParseResult.Ok;
            }

            if (form != CsnForm.Decimal && form != CsnForm.DecimalReversed)
            {
                return CsnParseResult.BadForm;
            }

            // value = value * 10 + digit on three limbs; anything reaching bit 80 is too large for any UID.
            uint limb2 = 0, limb1 = 0, limb0 = 0;
            for (int i = start; i < end; i++)
            {
                int digit = CharAt(s, a, i) - '0';
                if (digit < 0 || digit > 9)
                {
                    return CsnParseResult.BadCharacter;
                }

                ulong t = (ulong)limb0 * 10 + (uint)digit;
                limb0 = (uint)t;
                t = (ulong)limb1 * 10 + (t >> 32);
                limb1 = (uint)t;
                t = (ulong)limb2 * 10 + (t >> 32);
                if (t > 0xFFFF)
                {
                    return CsnParseResult.TooLarge;
                }

                limb2 = (uint)t;
            }

            int size = expectedLength;
            if (size == 0)
            {
                size = limb2 != 0 || limb1 > 0x00FFFFFF ? CardUid.TripleSize : (limb1 != 0 ? CardUid.DoubleSize : CardUid.SingleSize);
            }
            else if ((size == CardUid.SingleSize && (limb2 != 0 || limb1 != 0))
                || (size == CardUid.DoubleSize && (limb2 != 0 || limb1 > 0x00FFFFFF)))
            {
                return CsnParseResult.TooLarge;
            }

            if (into == null || intoOffset < 0 || intoOffset + size > into.Length)
            {
                return CsnParseResult.BufferTooSmall;
            }

            // Least significant byte first out of the limbs; Decimal puts it last (big-endian in received order).
            for (int i = 0; i < size; i++)
            {
                byte b = (byte)limb0;
                limb0 = (limb0 >> 8) | (limb1 << 24);
                limb1 = (limb1 >> 8) | (limb2 << 24);
                limb2 >>= 8;
                into[intoOffset + (form == CsnForm.Decimal ? size - 1 - i : i)] = b;
            }

            length = size;
            return CsnParseResult.Ok;
        }

        private static int CountDecimalDigits(uint limb2, uint limb1, uint limb0)
        {
            int digits = 0;
            do
            {
                ulong remainder = limb2;
                limb2 = (uint)(remainder / 10);
                remainder = ((remainder % 10) << 32) | limb1;
                limb1 = (uint)(remainder / 10);
                remainder = ((remainder % 10) << 32) | limb0;
                limb0 = (uint)(remainder / 10);
                digits++;
            }
            while (limb2 != 0 || limb1 != 0 || limb0 != 0);

            return digits;
        }

        private static char CharAt(string s, char[] a, int index)
        {
            return s != null ? s[index] : a[index];
        }

        private static bool IsBlank(char c)
        {
            return c == ' ' || c == '\t' || c == '\r' || c == '\n';
        }
    }
}
