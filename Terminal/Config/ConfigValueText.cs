using LeoCarte.Terminal.Bytes;

namespace LeoCarte.Terminal.Config
{
    /// <summary>
    /// The value syntaxes of the configuration file (hardware/configuration.md): trimmed text, ASCII case folding,
    /// plain decimal numbers, hex keys, HH:MM clock times, identifiers and host names. Boot-time code: allocates
    /// freely, never throws on any input.
    /// </summary>
    internal static class ConfigValueText
    {
        internal static string Trim(string text)
        {
            int start = 0;
            int end = text.Length;
            while (start < end && (text[start] == ' ' || text[start] == '\t'))
            {
                start++;
            }

            while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t'))
            {
                end--;
            }

            return start == 0 && end == text.Length ? text : text.Substring(start, end - start);
        }

        /// <summary>
        /// Position of the first <paramref name="c"/> in UTF-16 code units, read through ToCharArray: on
        /// nanoFramework string.IndexOf returns -1 for anything after a character above U+FFFF (strings are UTF-8
        /// inside; found on nanoCLR, Builds/README.md), so "🍽 = x" would read as a line without '='.
        /// </summary>
        internal static int IndexOfChar(string text, char c)
        {
            char[] chars = text.ToCharArray();
            for (int i = 0; i < chars.Length; i++)
            {
                if (chars[i] == c)
                {
                    return i;
                }
            }

            return -1;
        }

        internal static string ToLowerAscii(string text)
        {
            char[] chars = text.ToCharArray();
            for (int i = 0; i < chars.Length; i++)
            {
                if (chars[i] >= 'A' && chars[i] <= 'Z')
                {
                    chars[i] = (char)(chars[i] + 32);
                }
            }

            return new string(chars);
        }

        /// <summary>Non-negative decimal integer of at most 9 digits (no sign, no spaces, no separators).</summary>
        internal static bool TryParseNumber(string text, out int value)
        {
            value = 0;
            if (text.Length == 0 || text.Length > 9)
            {
                return false;
            }

            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9')
                {
                    return false;
                }

                value = value * 10 + (c - '0');
            }

            return true;
        }

        /// <summary>Hex digits only, an even count; null otherwise.</summary>
        internal static byte[] ParseHex(string text)
        {
            if (text.Length == 0 || (text.Length & 1) != 0)
            {
                return null;
            }

            var bytes = new byte[text.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                int high = HexDigits.ValueOf(text[2 * i]);
                int low = HexDigits.ValueOf(text[2 * i + 1]);
                if (high < 0 || low < 0)
                {
                    return null;
                }

                bytes[i] = (byte)((high << 4) | low);
            }

            return bytes;
        }

        /// <summary>"H:MM" or "HH:MM", 00:00..23:59, or 24:00 when <paramref name="allowEndOfDay"/>; minutes since midnight or -1.</summary>
        internal static int ParseClock(string text, bool allowEndOfDay)
        {
            int colon = text.IndexOf(':');
            if (colon < 1 || colon > 2 || text.Length != colon + 3)
            {
                return -1;
            }

            int hours;
            int minutes;
            if (!TryParseNumber(text.Substring(0, colon), out hours) || !TryParseNumber(text.Substring(colon + 1), out minutes))
            {
                return -1;
            }

            if (minutes > 59 || hours > 24 || (hours == 24 && (minutes != 0 || !allowEndOfDay)))
            {
                return -1;
            }

            return hours * 60 + minutes;
        }

        internal static bool IsIdentifier(string text, int minLength, int maxLength, bool allowDot)
        {
            if (text.Length < minLength || text.Length > maxLength)
            {
                return false;
            }

            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                    || (allowDot && c == '.');
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A DNS host name or dotted IPv4 address: letters, digits, '-' and '.', 1..63 characters.</summary>
        internal static bool IsHostName(string text)
        {
            if (!IsIdentifier(text, 1, 63, true) || text.IndexOf('_') >= 0)
            {
                return false;
            }

            return text[0] != '.' && text[0] != '-' && text[text.Length - 1] != '.' && text.IndexOf("..") < 0;
        }
    }
}
