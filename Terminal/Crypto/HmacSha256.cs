namespace LeoCarte.Terminal.Crypto
{
    /// <summary>
    /// HMAC-SHA256 (RFC 2104 with SHA-256, test vectors RFC 4231), incremental: <see cref="Init"/> with the
    /// key, <see cref="Update"/> per chunk, <see cref="Final"/>. Buffers are allocated once per instance.
    /// </summary>
    public sealed class HmacSha256
    {
        public const int TagSize = Sha256.HashSize;

        private readonly Sha256 inner = new Sha256();
        private readonly Sha256 outer = new Sha256();
        private readonly byte[] innerPad = new byte[Sha256.BlockSize];
        private readonly byte[] outerPad = new byte[Sha256.BlockSize];
        private readonly byte[] innerDigest = new byte[Sha256.HashSize];

        /// <summary>Sets the key (RFC 2104 §2: keys longer than the block are hashed first) and starts a message.</summary>
        public void Init(byte[] key, int offset, int count)
        {
            System.Array.Clear(innerPad, 0, Sha256.BlockSize);
            if (count > Sha256.BlockSize)
            {
                inner.Init();
                inner.Update(key, offset, count);
                inner.Final(innerPad, 0);
            }
            else if (count > 0)
            {
                System.Array.Copy(key, offset, innerPad, 0, count);
            }

            for (int i = 0; i < Sha256.BlockSize; i++)
            {
                byte k = innerPad[i];
                innerPad[i] = (byte)(k ^ 0x36);
                outerPad[i] = (byte)(k ^ 0x5c);
            }

            Restart();
        }

        /// <summary>Starts a new message with the key already set.</summary>
        public void Restart()
        {
            inner.Init();
            inner.Update(innerPad, 0, Sha256.BlockSize);
        }

        public void Update(byte[] data, int offset, int count)
        {
            inner.Update(data, offset, count);
        }

        /// <summary>Writes the 32-byte tag at output[offset] and restarts with the same key.</summary>
        public void Final(byte[] output, int offset)
        {
            inner.Final(innerDigest, 0);
            outer.Init();
            outer.Update(outerPad, 0, Sha256.BlockSize);
            outer.Update(innerDigest, 0, Sha256.HashSize);
            outer.Final(output, offset);
            Restart();
        }

        /// <summary>One-shot tag of data with key (allocates: not for the tap path).</summary>
        public static void Compute(byte[] key, byte[] data, int offset, int count, byte[] output, int outputOffset)
        {
            HmacSha256 mac = new HmacSha256();
            mac.Init(key, 0, key.Length);
            mac.Update(data, offset, count);
            mac.Final(output, outputOffset);
        }
    }
}
