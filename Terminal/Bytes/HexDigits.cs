namespace LeoCarte.Terminal.Bytes
{
    /// <summary>The one hex alphabet and hex-digit decoder of the terminal (configuration keys, CSN text, protocol fields).</summary>
    public static class HexDigits
    {
        /// <summary>The digits of lowercase hex, the form every LéoCarte protocol and ESUP-SGC write (index = nibble).</summary>
        public const string Lowercase = "0123456789abcdef";

        /// <summary>Value of a hex digit (either case), or -1.</summary>
        public static int ValueOf(char c)
        {
            if (c >= '0' && c <= '9')
            {
                return c - '0';
            }

            if (c >= 'a' && c <= 'f')
            {
                return c - 'a' + 10;
            }

            if (c >= 'A' && c <= 'F')
            {
                return c - 'A' + 10;
            }

            return -1;
        }
    }
}
