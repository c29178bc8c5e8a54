namespace LeoCarte.Terminal.Crypto
{
    /// <summary>Comparisons whose duration does not depend on where the inputs differ.</summary>
    public static class FixedTime
    {
        /// <summary>
        /// True when a[aOffset..+count) equals b[bOffset..+count). Every byte is examined whatever the
        /// contents, so the time taken leaks no prefix of a secret tag (forging an HMAC byte by byte).
        /// </summary>
        public static bool AreEqual(byte[] a, int aOffset, byte[] b, int bOffset, int count)
        {
            int difference = 0;
            for (int i = 0; i < count; i++)
            {
                difference |= a[aOffset + i] ^ b[bOffset + i];
            }

            return difference == 0;
        }
    }
}
