namespace LeoCarte.Terminal.Config
{
    /// <summary>
    /// UTF-8 decoding by hand: nanoFramework's mscorlib has no System.Text.Encoding (it lives in a separate
    /// package the portable code does not reference). Strict per RFC 3629 §3–4: rejects overlong forms, UTF-16
    /// surrogate code points (U+D800..U+DFFF), code points above U+10FFFF and truncated sequences, so a file
    /// that decodes here decodes identically everywhere.
    /// </summary>
    public static class Utf8Text
    {
        /// <summary>
        /// Decodes <paramref name="count"/> bytes at <paramref name="offset"/> into <paramref name="chars"/>
        /// (which needs room for <paramref name="count"/> chars: UTF-16 never needs more code units than UTF-8
        /// bytes). Returns the number of chars written, or -(1 + i) when the sequence starting at byte i
        /// (relative to <paramref name="offset"/>) is invalid.
        /// </summary>
        public static int Decode(byte[] bytes, int offset, int count, char[] chars)
        {
            int written = 0;
            int i = 0;
            while (i < count)
            {
                int b0 = bytes[offset + i];
                if (b0 < 0x80)
                {
                    chars[written++] = (char)b0;
                    i++;
                    continue;
                }

                int needed;
                int codePoint;
                int lowestSecond = 0x80;
                int highestSecond = 0xBF;
                if (b0 >= 0xC2 && b0 <= 0xDF)
                {
                    needed = 1;
                    codePoint = b0 & 0x1F;
                }
                else if (b0 >= 0xE0 && b0 <= 0xEF)
                {
                    needed = 2;
                    codePoint = b0 & 0x0F;
                    if (b0 == 0xE0)
                    {
                        lowestSecond = 0xA0; // below: overlong
                    }
                    else if (b0 == 0xED)
                    {
                        highestSecond = 0x9F; // above: surrogates U+D800..U+DFFF
                    }
                }
                else if (b0 >= 0xF0 && b0 <= 0xF4)
                {
                    needed = 3;
                    codePoint = b0 & 0x07;
                    if (b0 == 0xF0)
                    {
                        lowestSecond = 0x90; // below: overlong
                    }
                    else if (b0 == 0xF4)
                    {
                        highestSecond = 0x8F; // above: beyond U+10FFFF
                    }
                }
                else
                {
                    return -(1 + i); // continuation byte without a lead, 0xC0/0xC1 overlong leads, or 0xF5..0xFF
                }

                if (i + needed >= count)
                {
                    return -(1 + i); // truncated sequence
                }

                for (int k = 1; k <= needed; k++)
                {
                    int b = bytes[offset + i + k];
                    int low = k == 1 ? lowestSecond : 0x80;
                    int high = k == 1 ? highestSecond : 0xBF;
                    if (b < low || b > high)
                    {
                        return -(1 + i);
                    }

                    codePoint = (codePoint << 6) | (b & 0x3F);
                }

                if (codePoint >= 0x10000)
                {
                    int v = codePoint - 0x10000;
                    chars[written++] = (char)(0xD800 + (v >> 10));
                    chars[written++] = (char)(0xDC00 + (v & 0x3FF));
                }
                else
                {
                    chars[written++] = (char)codePoint;
                }

                i += needed + 1;
            }

            return written;
        }

        /// <summary>Number of bytes <paramref name="text"/> takes in UTF-8 (e.g. for the 32-byte SSID limit).</summary>
        /// <remarks>Reads the UTF-16 code units through ToCharArray: nanoFramework keeps strings in UTF-8 and its
        /// indexer returns the high surrogate at both positions of a character above U+FFFF (Builds/README.md).
        /// Called when a configuration is checked, not on the tap path.</remarks>
        public static int ByteCount(string text)
        {
            char[] units = text.ToCharArray();
            int bytes = 0;
            for (int i = 0; i < units.Length; i++)
            {
                char c = units[i];
                if (c < 0x80)
                {
                    bytes += 1;
                }
                else if (c < 0x800)
                {
                    bytes += 2;
                }
                else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < units.Length && units[i + 1] >= 0xDC00 && units[i + 1] <= 0xDFFF)
                {
                    bytes += 4; // a surrogate pair is one code point above U+FFFF
                    i++;
                }
                else
                {
                    bytes += 3;
                }
            }

            return bytes;
        }
    }
}
