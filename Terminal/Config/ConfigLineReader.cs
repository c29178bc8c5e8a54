namespace LeoCarte.Terminal.Config
{
    /// <summary>
    /// The lines of a configuration file: skips a UTF-8 byte order mark, splits at LF (a CR before it is dropped),
    /// decodes each line as UTF-8 into one reused buffer, rejects over-long lines and control characters (each a
    /// reported error, the line then skipped), and hands out the trimmed text. No generics or iterators
    /// (nanoFramework 1.x): call <see cref="Next"/> until it returns false.
    /// </summary>
    internal sealed class ConfigLineReader
    {
        private readonly byte[] bytes;
        private readonly int length;
        private readonly ConfigErrors errors;
        private readonly char[] chars = new char[ConfigurationParser.MaxLineBytes];
        private int position;

        public ConfigLineReader(byte[] bytes, int length, ConfigErrors errors)
        {
            this.bytes = bytes;
            this.length = length;
            this.errors = errors;
            if (length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
            {
                position = 3; // UTF-8 byte order mark written by some Windows editors
            }
        }

        /// <summary>1-based number of the line <see cref="Next"/> last read (the count of lines at the end).</summary>
        public int LineNumber { get; private set; }

        /// <summary>The line's text without surrounding blanks, or null when the line could not be decoded (error reported).</summary>
        public string Text { get; private set; }

        /// <summary>Reads the next line; false at the end of the file.</summary>
        public bool Next()
        {
            if (position >= length)
            {
                Text = null;
                return false;
            }

            LineNumber++;
            int end = position;
            while (end < length && bytes[end] != (byte)'\n')
            {
                end++;
            }

            int next = end + 1;
            if (end > position && bytes[end - 1] == (byte)'\r')
            {
                end--;
            }

            string text = DecodeLine(bytes, position, end - position, chars, LineNumber, errors);
            Text = text == null ? null : ConfigValueText.Trim(text);
            position = next;
            return true;
        }

        private static string DecodeLine(byte[] bytes, int offset, int count, char[] chars, int line, ConfigErrors errors)
        {
            if (count > ConfigurationParser.MaxLineBytes)
            {
                errors.Add(line, ConfigurationParser.FieldFile, "lines of at most " + ConfigurationParser.MaxLineBytes.ToString() + " bytes (found " + count.ToString() + ")");
                return null;
            }

            int decoded = Utf8Text.Decode(bytes, offset, count, chars);
            if (decoded < 0)
            {
                errors.Add(line, ConfigurationParser.FieldFile, "UTF-8 text (invalid byte sequence at column " + (-decoded).ToString() + ")");
                return null;
            }

            for (int i = 0; i < decoded; i++)
            {
                char c = chars[i];
                if ((c < ' ' && c != '\t') || c == (char)0x7F)
                {
                    errors.Add(line, ConfigurationParser.FieldFile, "printable text (control character 0x" + ((int)c).ToString("X2") + " at column " + (i + 1).ToString() + ")");
                    return null;
                }
            }

            return new string(chars, 0, decoded);
        }
    }
}
