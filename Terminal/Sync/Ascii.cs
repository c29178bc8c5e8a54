using System;
using LeoCarte.Terminal.Bytes;

namespace LeoCarte.Terminal.Sync
{
    /// <summary>
    /// Just enough text handling for the wire protocol without System.Text (not in nanoFramework's mscorlib):
    /// ASCII into byte buffers, decimal numbers, lowercase hex (Unix time: Time/UnixTime). The protocol keeps every string
    /// it signs or sends in ASCII (terminal ids are [A-Za-z0-9._-]) so no UTF-8 encoder is needed.
    /// </summary>
    public static class Ascii
    {
        /// <summary>Writes the characters of <paramref name="text"/> as bytes; returns the new offset, or -1 if it does not fit or is not ASCII.</summary>
        public static int Write(string text, byte[] buffer, int offset)
        {
            if (text == null)
            {
                return offset;
            }

            if (offset < 0 || offset + text.Length > buffer.Length)
            {
                return -1;
            }

            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c > 127)
                {
                    return -1;
                }

                buffer[offset + i] = (byte)c;
            }

            return offset + text.Length;
        }

        /// <summary>Writes a decimal integer; returns the new offset or -1 if it does not fit.</summary>
        public static int WriteInt64(long value, byte[] buffer, int offset)
        {
            if (offset < 0)
            {
                return -1;
            }

            if (value == long.MinValue)
            {
                return Write("-9223372036854775808", buffer, offset);
            }

            if (value < 0)
            {
                if (offset >= buffer.Length)
                {
                    return -1;
                }

                buffer[offset++] = (byte)'-';
                value = -value;
            }

            int digits = 1;
            for (long rest = value / 10; rest > 0; rest /= 10)
            {
                digits++;
            }

            if (offset + digits > buffer.Length)
            {
                return -1;
            }

            for (int i = digits - 1; i >= 0; i--)
            {
                buffer[offset + i] = (byte)('0' + (int)(value % 10));
                value /= 10;
            }

            return offset + digits;
        }

        /// <summary>Lowercase hex of bytes, e.g. for the request signature header.</summary>
        public static string ToHex(byte[] data, int offset, int count)
        {
            char[] chars = new char[count * 2];
            for (int i = 0; i < count; i++)
            {
                byte b = data[offset + i];
                chars[2 * i] = HexDigits.Lowercase[b >> 4];
                chars[2 * i + 1] = HexDigits.Lowercase[b & 0x0F];
            }

            return new string(chars);
        }

        /// <summary>Parses a non-negative decimal integer; returns -1 for null, empty, non-digits or overflow.</summary>
        public static long ParseNonNegative(string text)
        {
            if (text == null)
            {
                return -1;
            }

            int start = 0;
            int end = text.Length;
            while (start < end && text[start] == ' ')
            {
                start++;
            }

            while (end > start && text[end - 1] == ' ')
            {
                end--;
            }

            if (start == end || end - start > 18)
            {
                return -1;
            }

            long value = 0;
            for (int i = start; i < end; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9')
                {
                    return -1;
                }

                value = value * 10 + (c - '0');
            }

            return value;
        }

        /// <summary>
        /// Finds <c>"name":</c> in a small JSON object held in bytes and parses the non-negative integer after it.
        /// Returns -1 when the field is missing or not a non-negative integer. Enough for the gateway's fixed
        /// responses ({"ackedUpTo": 42}) without a JSON library on the device.
        /// </summary>
        public static long FindJsonInteger(byte[] json, int offset, int count, string name)
        {
            int end = offset + count;
            int nameLength = name.Length;
            for (int i = offset; i + nameLength + 2 <= end; i++)
            {
                if (json[i] != (byte)'"' || json[i + nameLength + 1] != (byte)'"')
                {
                    continue;
                }

                bool same = true;
                for (int k = 0; k < nameLength; k++)
                {
                    if (json[i + 1 + k] != (byte)name[k])
                    {
                        same = false;
                        break;
                    }
                }

                if (!same)
                {
                    continue;
                }

                int p = i + nameLength + 2;
                while (p < end && (json[p] == (byte)' ' || json[p] == (byte)'\t' || json[p] == (byte)'\r' || json[p] == (byte)'\n'))
                {
                    p++;
                }

                if (p >= end || json[p] != (byte)':')
                {
                    continue;
                }

                p++;
                while (p < end && (json[p] == (byte)' ' || json[p] == (byte)'\t'))
                {
                    p++;
                }

                long value = 0;
                int digits = 0;
                while (p < end && json[p] >= (byte)'0' && json[p] <= (byte)'9' && digits < 18)
                {
                    value = value * 10 + (json[p] - (byte)'0');
                    p++;
                    digits++;
                }

                return digits == 0 ? -1 : value;
            }

            return -1;
        }
    }
}
