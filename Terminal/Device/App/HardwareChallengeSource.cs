using LeoCarte.Terminal.App;

namespace LeoCarte.Terminal.Device.App
{
    /// <summary>
    /// The DESFire challenge RndA from the ESP32's hardware random number generator.
    /// <para>What nanoFramework offers (read at the pinned sources): <c>System.Random</c> of CoreLibrary 1.17.11 is all
    /// <c>InternalCall</c>s; its native side (nf-interpreter, <c>src/CLR/CorLib/corlib_native_System_Random.cpp</c>) calls
    /// <c>CLR_RT_Random</c>, whose ESP32 implementation (<c>targets/ESP32/_nanoCLR/targetRandom.cpp</c>, nf-interpreter
    /// a3e8139) returns <c>esp_random()</c> for every <c>Next()</c> and every byte of <c>NextBytes</c> and ignores the seed
    /// (other targets fall back to the C library's <c>rand()</c> seeded with the time: <c>src/CLR/Core/Random.cpp</c>).
    /// nanoFramework.Hardware.Esp32 1.6.40 has no RNG API, and System.Security.Cryptography 1.0.43 has none either (its
    /// <c>GenerateIV</c> calls <c>Random.NextBytes</c>). So on the ESP32 firmware <c>new Random().NextBytes</c> is the
    /// hardware RNG, one 32-bit <c>esp_random()</c> read per byte.</para>
    /// <para>Entropy (ESP32 Technical Reference Manual, "Random Number Generator"; ESP-IDF API reference, esp_random):
    /// the RNG mixes thermal and RF noise; it produces true random numbers while the RF subsystem (Wi-Fi) is on, and is
    /// only pseudo-random when Wi-Fi and Bluetooth are off. The terminal starts Wi-Fi at boot for its sync, but a terminal
    /// configured without a gateway never does: each byte is therefore XORed with the boot-seeded
    /// <see cref="ChallengeGenerator"/> stream, which cannot make RndA worse than either source alone.</para>
    /// Allocation: none per call (the 16-byte buffer and the PRNG are allocated once).
    /// </summary>
    public sealed class HardwareChallengeSource : IChallengeSource
    {
        private readonly System.Random hardware = new System.Random();
        private readonly ChallengeGenerator mix;
        private readonly byte[] block = new byte[16];
        private readonly byte[] mixed = new byte[16];

        public HardwareChallengeSource(int seed)
        {
            mix = new ChallengeGenerator(seed ^ hardware.Next());
        }

        public void Fill(byte[] into, int offset, int count)
        {
            while (count > 0)
            {
                int take = count < block.Length ? count : block.Length;
                hardware.NextBytes(block);
                mix.Fill(mixed, 0, take);
                for (int i = 0; i < take; i++)
                {
                    into[offset + i] = (byte)(block[i] ^ mixed[i]);
                }

                offset += take;
                count -= take;
            }
        }
    }
}
