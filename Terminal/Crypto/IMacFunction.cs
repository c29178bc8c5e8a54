namespace LeoCarte.Terminal.Crypto
{
    /// <summary>
    /// One-shot HMAC-SHA256 (RFC 2104) as a seam: the portable <see cref="HmacSha256"/> on the host and on nanoCLR,
    /// nanoFramework's native <c>HMACSHA256.HashData</c> on the ESP32 (Terminal/Device/Sync/NativeMessageHasher:
    /// a handful of IL instructions instead of ≈ 18,000 per 64-byte block). The list format uses it with public,
    /// fixed keys as a hash function (Allowlist/FORMAT.md, "Integrity"), so that the device can verify a list's
    /// chunks and signed digest without interpreting SHA-256.
    /// </summary>
    public interface IMacFunction
    {
        /// <summary>HMAC-SHA256 of data[offset..offset+count) under key into output[0..32).</summary>
        void HmacSha256(byte[] key, byte[] data, int offset, int count, byte[] output);
    }

    /// <summary>
    /// <see cref="IMacFunction"/> on the portable <see cref="HmacSha256"/>: one instance re-keyed per call, so a
    /// list update allocates nothing per chunk. Not thread-safe: one per user (the sync thread's).
    /// </summary>
    public sealed class PortableMac : IMacFunction
    {
        private readonly HmacSha256 mac = new HmacSha256();

        public void HmacSha256(byte[] key, byte[] data, int offset, int count, byte[] output)
        {
            mac.Init(key, 0, key.Length);
            mac.Update(data, offset, count);
            mac.Final(output, 0);
        }
    }
}
