namespace LeoCarte.Terminal.Sync
{
    /// <summary>The request signer's hashes on the portable SHA-256/HMAC-SHA256 (Terminal/Crypto, FIPS 180-4, RFC 2104).</summary>
    public sealed class PortableMessageHasher : IMessageHasher
    {
        public void Sha256(byte[] data, int offset, int count, byte[] output)
        {
            Crypto.Sha256.Hash(data, offset, count, output, 0);
        }

        public void HmacSha256(byte[] key, byte[] data, int offset, int count, byte[] output)
        {
            Crypto.HmacSha256.Compute(key, data, offset, count, output, 0);
        }
    }
}
