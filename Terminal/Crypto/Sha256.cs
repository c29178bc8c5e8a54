namespace LeoCarte.Terminal.Crypto
{
    /// <summary>
    /// SHA-256 (FIPS 180-4 §6.2), incremental so a list streamed in chunks can be hashed without holding it:
    /// <see cref="Init"/>, any number of <see cref="Update"/> calls, <see cref="Final"/>. One instance owns its
    /// message schedule and block buffer, allocated once: hashing allocates nothing.
    /// </summary>
    public sealed class Sha256
    {
        public const int HashSize = 32;
        public const int BlockSize = 64;

        // FIPS 180-4 §4.2.2: first 32 bits of the fractional parts of the cube roots of the first 64 primes.
        private static readonly uint[] RoundConstants = new uint[]
        {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        };

        private readonly uint[] state = new uint[8];
        private readonly uint[] schedule = new uint[64];
        private readonly byte[] pending = new byte[BlockSize];
        private int pendingCount;
        private long totalBytes;

        public Sha256()
        {
            Init();
        }

        /// <summary>Starts a new message (FIPS 180-4 §5.3.3 initial hash value).</summary>
        public void Init()
        {
            state[0] = 0x6a09e667;
            state[1] = 0xbb67ae85;
            state[2] = 0x3c6ef372;
            state[3] = 0xa54ff53a;
            state[4] = 0x510e527f;
            state[5] = 0x9b05688c;
            state[6] = 0x1f83d9ab;
            state[7] = 0x5be0cd19;
            pendingCount = 0;
            totalBytes = 0;
        }

        /// <summary>Adds data[offset..offset+count) to the message.</summary>
        public void Update(byte[] data, int offset, int count)
        {
            totalBytes += count;
            if (pendingCount > 0)
            {
                int take = BlockSize - pendingCount;
                if (take > count)
                {
                    take = count;
                }

                System.Array.Copy(data, offset, pending, pendingCount, take);
                pendingCount += take;
                offset += take;
                count -= take;
                if (pendingCount < BlockSize)
                {
                    return;
                }

                Compress(pending, 0);
                pendingCount = 0;
            }

            while (count >= BlockSize)
            {
                Compress(data, offset);
                offset += BlockSize;
                count -= BlockSize;
            }

            if (count > 0)
            {
                System.Array.Copy(data, offset, pending, 0, count);
                pendingCount = count;
            }
        }

        /// <summary>Adds one byte to the message.</summary>
        public void Update(byte value)
        {
            totalBytes++;
            pending[pendingCount++] = value;
            if (pendingCount == BlockSize)
            {
                Compress(pending, 0);
                pendingCount = 0;
            }
        }

        /// <summary>
        /// Pads the message (FIPS 180-4 §5.1.1: a 1 bit, zeros, the 64-bit big-endian bit length), writes the
        /// 32-byte digest at output[offset] and starts a new message.
        /// </summary>
        public void Final(byte[] output, int offset)
        {
            long bitLength = totalBytes * 8;
            pending[pendingCount++] = 0x80;
            if (pendingCount > BlockSize - 8)
            {
                while (pendingCount < BlockSize)
                {
                    pending[pendingCount++] = 0;
                }

                Compress(pending, 0);
                pendingCount = 0;
            }

            while (pendingCount < BlockSize - 8)
            {
                pending[pendingCount++] = 0;
            }

            for (int i = 0; i < 8; i++)
            {
                pending[BlockSize - 1 - i] = (byte)(bitLength >> (8 * i));
            }

            Compress(pending, 0);
            for (int i = 0; i < 8; i++)
            {
                uint word = state[i];
                output[offset + 4 * i] = (byte)(word >> 24);
                output[offset + 4 * i + 1] = (byte)(word >> 16);
                output[offset + 4 * i + 2] = (byte)(word >> 8);
                output[offset + 4 * i + 3] = (byte)word;
            }

            Init();
        }

        /// <summary>One-shot digest of data[offset..offset+count) into output[outputOffset..+32).</summary>
        public static void Hash(byte[] data, int offset, int count, byte[] output, int outputOffset)
        {
            Sha256 sha = new Sha256();
            sha.Update(data, offset, count);
            sha.Final(output, outputOffset);
        }

        // FIPS 180-4 §6.2.2: message schedule then 64 rounds on one 512-bit block. The rotations are written out
        // (ROTR n = x >> n | x << (32 - n)) and Ch/Maj use their two-operation forms (g ^ (e & (f ^ g)),
        // (a & b) | (c & (a | b))): nanoFramework's interpreter does not inline, and a helper call per rotation
        // cost about a third of the block (IL counts: Tools/InterpreterBenchmark).
        private void Compress(byte[] block, int offset)
        {
            uint[] w = schedule;
            for (int t = 0; t < 16; t++)
            {
                int p = offset + 4 * t;
                w[t] = ((uint)block[p] << 24) | ((uint)block[p + 1] << 16) | ((uint)block[p + 2] << 8) | block[p + 3];
            }

            for (int t = 16; t < 64; t++)
            {
                uint w15 = w[t - 15];
                uint w2 = w[t - 2];
                uint sigma0 = ((w15 >> 7) | (w15 << 25)) ^ ((w15 >> 18) | (w15 << 14)) ^ (w15 >> 3);
                uint sigma1 = ((w2 >> 17) | (w2 << 15)) ^ ((w2 >> 19) | (w2 << 13)) ^ (w2 >> 10);
                w[t] = unchecked(w[t - 16] + sigma0 + w[t - 7] + sigma1);
            }

            uint[] k = RoundConstants;
            uint a = state[0], b = state[1], c = state[2], d = state[3];
            uint e = state[4], f = state[5], g = state[6], h = state[7];
            for (int t = 0; t < 64; t++)
            {
                uint t1 = unchecked(h + (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7)))
                    + (g ^ (e & (f ^ g))) + k[t] + w[t]);
                uint t2 = unchecked((((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10)))
                    + ((a & b) | (c & (a | b))));
                h = g;
                g = f;
                f = e;
                e = unchecked(d + t1);
                d = c;
                c = b;
                b = a;
                a = unchecked(t1 + t2);
            }

            state[0] = unchecked(state[0] + a);
            state[1] = unchecked(state[1] + b);
            state[2] = unchecked(state[2] + c);
            state[3] = unchecked(state[3] + d);
            state[4] = unchecked(state[4] + e);
            state[5] = unchecked(state[5] + f);
            state[6] = unchecked(state[6] + g);
            state[7] = unchecked(state[7] + h);
        }
    }
}
