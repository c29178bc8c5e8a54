namespace LeoCarte.Terminal.App
{
    /// <summary>Fills the reader's 16-byte challenge RndA of a DESFire authentication (AuthenticateEV2First).</summary>
    public interface IChallengeSource
    {
        void Fill(byte[] into, int offset, int count);
    }

    /// <summary>
    /// The portable challenge source: xorshift128 seeded once at boot (from <see cref="System.Random"/> and the tick count),
    /// allocation-free per tap. RndA must not repeat or be predictable, or a recorded authentication could be replayed
    /// (NXP MF3D(H)x2 §9.3: the card's answer covers RndA); a PRNG seeded at boot is the fallback of the host, nanoCLR and
    /// the device until a hardware-RNG adapter (the ESP32's RF-noise RNG) is passed in <see cref="ApplicationOptions.Challenges"/>
    /// (hardware/security.md lists it as open).
    /// </summary>
    public sealed class ChallengeGenerator : IChallengeSource
    {
        private uint x, y, z, w;

        public ChallengeGenerator(int seed)
        {
            x = (uint)seed ^ 0x9E3779B9u;
            y = 362436069u ^ (uint)(seed << 7);
            z = 521288629u;
            w = 88675123u ^ (uint)System.DateTime.UtcNow.Ticks;
            if ((x | y | z | w) == 0)
            {
                x = 1;
            }
        }

        public void Fill(byte[] into, int offset, int count)
        {
            for (int i = 0; i < count; i++)
            {
                if ((i & 3) == 0)
                {
                    uint t = x ^ (x << 11);
                    x = y;
                    y = z;
                    z = w;
                    w = w ^ (w >> 19) ^ t ^ (t >> 8);
                }

                into[offset + i] = (byte)(w >> (8 * (i & 3)));
            }
        }
    }
}
