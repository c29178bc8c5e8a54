namespace LeoCarte.Terminal.Sync
{
    /// <summary>The request signer's hashes on the portable SHA-256/HMAC-SHA256 (Terminal/Crypto, FIPS 180-4, RFC 2104).</summary>
    public sealed class PortableMessageHasher : IMessageHasher
    {
        public void Sha256(byte[] data, int offset, int count, byte[] output)
        {
            Crypto.Sha256.Hash(data, offset, count, output, 0);
        }

        private readonly Crypto.PortableMac mac = new Crypto.PortableMac();

        /// <summary>One re-keyed instance (the sync thread's): request signatures and list chunks allocate nothing.</summary>
        public void HmacSha256(byte[] key, byte[] data, int offset, int count, byte[] output)
        {
            mac.HmacSha256(key, data, offset, count, output);
        }
    }
}
