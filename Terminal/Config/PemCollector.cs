using System.Collections;

namespace LeoCarte.Terminal.Config
{
    /// <summary>
    /// Collects the PEM block of gateway.ca_certificate (RFC 7468 §2: a BEGIN line, base64 lines of at most 76
    /// characters, '=' padding only at the end, an END line; several certificates of a chain may follow one
    /// another). Each bad line is a reported error; a block left open ends at the first line that looks like a
    /// setting, which is then parsed normally. The text is kept only when the whole block was valid.
    /// </summary>
    internal sealed class PemCollector
    {
        private const int None = 0;
        private const int Inside = 1;
        private const int AfterEnd = 2;

        private readonly ConfigErrors errors;
        private readonly string field;
        private int state;
        private int startLine;
        private ArrayList lines;
        private int base64Chars;
        private int certificates;
        private bool valid;

        public PemCollector(ConfigErrors errors, string field)
        {
            this.errors = errors;
            this.field = field;
        }

        /// <summary>True while a block is being collected: every line goes to <see cref="Line"/> first.</summary>
        public bool IsOpen => state != None;

        /// <summary>The collected certificate(s) with LF line ends, or null.</summary>
        public string Pem { get; private set; }

        /// <summary>The field's value was the BEGIN line at <paramref name="line"/>: collecting starts.</summary>
        public void Begin(int line)
        {
            state = Inside;
            startLine = line;
            lines = new ArrayList();
            lines.Add(ConfigurationParser.PemBegin);
            base64Chars = 0;
            certificates = 0;
            valid = true;
        }

        /// <summary>Handles a line while a block is open; false when the line ends the block and must be parsed normally.</summary>
        public bool Line(int line, string text)
        {
            if (state == AfterEnd)
            {
                if (text == ConfigurationParser.PemBegin)
                {
                    state = Inside; // the next certificate of a chain
                    lines.Add(text);
                    return true;
                }

                if (text.Length == 0)
                {
                    return true;
                }

                Close();
                return false;
            }

            if (text.Length == 0)
            {
                return true;
            }

            if (text == ConfigurationParser.PemEnd)
            {
                if (base64Chars == 0 || (base64Chars & 3) != 0)
                {
                    errors.Add(line, field, "base64 content whose length is a multiple of 4 before " + ConfigurationParser.PemEnd);
                    valid = false;
                }

                lines.Add(text);
                certificates++;
                base64Chars = 0;
                state = AfterEnd;
                return true;
            }

            if (text[0] == '[' || text.IndexOf(" = ") > 0 || text[0] == '#')
            {
                // The END line is missing: end the block here and let this line be parsed as a setting.
                errors.Add(line, field, ConfigurationParser.PemEnd + " before this line (the certificate started at line " + startLine.ToString() + ")");
                state = None;
                lines = null;
                return false;
            }

            if (!IsBase64Line(text) || (base64Chars > 0 && HasPaddingBefore()))
            {
                errors.Add(line, field, "a base64 line of the certificate (A-Z a-z 0-9 + / =, at most 76 characters) or " + ConfigurationParser.PemEnd);
                valid = false;
                return true;
            }

            base64Chars += text.Length;
            lines.Add(text);
            return true;
        }

        /// <summary>The end of the file: an unfinished block is an error, a finished one is kept.</summary>
        public void Finish()
        {
            if (state == Inside)
            {
                errors.Add(startLine, field, ConfigurationParser.PemEnd + " before the end of the file");
            }
            else if (state == AfterEnd)
            {
                Close();
            }
        }

        /// <summary>'=' padding may only end a certificate's base64: a line after a padded line is an error.</summary>
        private bool HasPaddingBefore()
        {
            string previous = (string)lines[lines.Count - 1];
            return previous.Length > 0 && previous[previous.Length - 1] == '=';
        }

        private void Close()
        {
            if (valid && certificates > 0)
            {
                var text = new string[lines.Count];
                for (int i = 0; i < text.Length; i++)
                {
                    text[i] = (string)lines[i] + "\n";
                }

                Pem = string.Concat(text);
            }

            state = None;
            lines = null;
        }

        private static bool IsBase64Line(string text)
        {
            if (text.Length == 0 || text.Length > 76)
            {
                return false;
            }

            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
