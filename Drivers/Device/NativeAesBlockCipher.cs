// nanoFramework-only: built by the device .nfproj (package nanoFramework.System.Security.Cryptography 1.0.43),
// excluded from the portable builds (Builds/Drivers excludes Device/).
using System;
using System.Security.Cryptography;
using LeoCarte.Drivers.Desfire;

namespace LeoCarte.Drivers.Device
{
    /// <summary>
    /// <see cref="IBlockCipher"/> over the firmware's native AES (nanoFramework.System.Security.Cryptography 1.0.43,
    /// ESP-IDF mbedTLS on the ESP32): <c>Aes(CipherMode.ECB)</c> for single blocks, <c>Aes(CipherMode.CBC)</c> for the
    /// CBC calls. Both are one-shot <c>Encrypt(byte[])</c>/<c>Decrypt(byte[])</c> over a whole array whose length is a
    /// multiple of 16, no padding; the CBC ones chain from the array in <c>Aes.IV</c> (the native side copies it before
    /// each call and takes its length as the IV length, so the IV handed over is always a 16-byte array).
    /// <para>
    /// Cost of the API: every call returns a new array of the input's length (the native method allocates it); the
    /// input goes through reused staging arrays of 16 and 32 bytes (the tap's sizes; another length allocates one array
    /// of its size, off the tap path). <c>Aes.Key</c> and <c>Aes.IV</c> store the array reference (the native side reads
    /// them at each call), so both objects share one private key copy, cleared by <see cref="Clear"/>. Results are
    /// cleared after they are copied out.
    /// </para>
    /// </summary>
    public sealed class NativeAesBlockCipher : IBlockCipher
    {
        private readonly Aes aes = new Aes(CipherMode.ECB);
        private readonly Aes cbc = new Aes(CipherMode.CBC);
        private readonly byte[] key = new byte[16];
        private readonly byte[] block = new byte[16];
        private readonly byte[] twoBlocks = new byte[32];
        private readonly byte[] iv = new byte[16];

        public NativeAesBlockCipher()
        {
            aes.Key = key;
            cbc.Key = key;
            cbc.IV = iv;
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

        public void EncryptCbc(byte[] chainStart, byte[] input, int inputOffset, int length, byte[] output, int outputOffset)
        {
            byte[] staged = Stage(chainStart, input, inputOffset, length);
            byte[] result = cbc.Encrypt(staged);
            Array.Copy(result, 0, output, outputOffset, length);
            Array.Clear(result, 0, length);
        }

        public void DecryptCbc(byte[] chainStart, byte[] input, int inputOffset, int length, byte[] output, int outputOffset)
        {
            byte[] staged = Stage(chainStart, input, inputOffset, length);
            byte[] result = cbc.Decrypt(staged);
            Array.Copy(result, 0, output, outputOffset, length);
            Array.Clear(result, 0, length);
        }

        /// <summary>Zeroes the key copy and the staging arrays (at the end of a tap, the card key need not stay in RAM).</summary>
        public void Clear()
        {
            Array.Clear(key, 0, 16);
            Array.Clear(block, 0, 16);
            Array.Clear(twoBlocks, 0, 32);
            Array.Clear(iv, 0, 16);
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

        /// <summary>The IV into the 16-byte array <c>cbc.IV</c> holds, the input into an array of exactly its length.</summary>
        private byte[] Stage(byte[] chainStart, byte[] input, int inputOffset, int length)
        {
            Array.Copy(chainStart, 0, iv, 0, 16);
            byte[] staged = length == 16 ? block : length == 32 ? twoBlocks : new byte[length];
            Array.Copy(input, inputOffset, staged, 0, length);
            return staged;
        }
    }
}
