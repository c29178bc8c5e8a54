// nanoFramework-only: built by the device .nfproj (package nanoFramework.System.Security.Cryptography 1.0.43),
// excluded from the portable builds (Builds/Drivers excludes Device/).
using System;
using System.Security.Cryptography;
using LeoCarte.Drivers.Desfire;

namespace LeoCarte.Drivers.Device
{
    /// <summary>
    /// <see cref="IBlockCipher"/> over the firmware's native AES (nanoFramework.System.Security.Cryptography 1.0.43:
    /// <c>Aes(CipherMode.ECB)</c>, AES-128, one-shot <c>Encrypt(byte[])</c>/<c>Decrypt(byte[])</c> over whole blocks,
    /// no padding; ESP-IDF mbedTLS on the ESP32). ECB on one block is the raw block function, which is all the seam
    /// asks; CBC, CMAC and the DESFire session are built on it in portable code.
    /// <para>
    /// Cost of the API: every call returns a new 16-byte array (the native method allocates it), so one block costs one
    /// small allocation; the input goes through a reused buffer. The key array is handed to the native side by
    /// reference (<c>Aes.Key</c> stores it), so it is a private copy, cleared by <see cref="Clear"/>.
    /// </para>
    /// </summary>
    public sealed class NativeAesBlockCipher : IBlockCipher
    {
        private readonly Aes aes = new Aes(CipherMode.ECB);
        private readonly byte[] key = new byte[16];
        private readonly byte[] block = new byte[16];

        public NativeAesBlockCipher()
        {
            aes.Key = key;
        }

        public void SetKey(byte[] source, int offset)
        {
            Array.Copy(source, offset, key, 0, 16);
            aes.Key = key;
        }

        public void Encrypt(byte[] input, int inputOffset, byte[] output, int outputOffset)
        {
            Copy(input, inputOffset);
            byte[] result = aes.Encrypt(block);
            CopyOut(result, output, outputOffset);
        }

        public void Decrypt(byte[] input, int inputOffset, byte[] output, int outputOffset)
        {
            Copy(input, inputOffset);
            byte[] result = aes.Decrypt(block);
            CopyOut(result, output, outputOffset);
        }

        /// <summary>Zeroes the key copy (at the end of a tap, the card key need not stay in RAM).</summary>
        public void Clear()
        {
            for (int i = 0; i < 16; i++)
            {
                key[i] = 0;
                block[i] = 0;
            }
        }

        // Array.Copy/Array.Clear are native in nanoCLR: one call each instead of 16 interpreted iterations
        // (≈ 300 IL instructions saved per block, Tools/InterpreterBenchmark).
        private void Copy(byte[] input, int inputOffset)
        {
            Array.Copy(input, inputOffset, block, 0, 16);
        }

        private static void CopyOut(byte[] result, byte[] output, int outputOffset)
        {
            Array.Copy(result, 0, output, outputOffset, 16);
            Array.Clear(result, 0, 16);
        }
    }
}
