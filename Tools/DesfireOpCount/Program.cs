using System;
using LeoCarte.Drivers.Desfire;

namespace LeoCarte.Tools.DesfireOpCount
{
    /// <summary>
    /// Runs one part of a desfire-aes tap's cryptography, chosen by a constant compiled in (nanoCLR passes no
    /// arguments): run.sh builds it once per part and subtracts the matching setup run, so each figure is the IL
    /// instructions of that part alone. Parts: setup (objects, S-box), block (key schedule + one AES-128 block),
    /// diversify (AN10922 for a first card: the master key's subkeys set up), diversify2 (a second card with the same
    /// master key: the subkeys cached, as at every tap after the first), authenticate (EV2First reader side with the
    /// AN12196 vectors), authenticate+readmac (plus the command MAC and the response MAC check of a 16-byte ReadData),
    /// tap (diversify + authenticate + readmac). "native-" runs the same with the device adapter's IL around a native
    /// AES (<see cref="NativeStandIn"/>).
    /// </summary>
    public static class Program
    {
        public static void Main()
        {
            string name = Part.Name;
            bool native = name.Length > 7 && name.Substring(0, 7) == "native-";
            string part = native ? name.Substring(7) : name;
            Aes128 a = new Aes128();
            IBlockCipher k = native ? (IBlockCipher)new NativeStandIn() : a;
            IBlockCipher b = native ? (IBlockCipher)new NativeStandIn() : new Aes128();
            IBlockCipher c = native ? (IBlockCipher)new NativeStandIn() : new Aes128();
            DesfireSession session = new DesfireSession(k, b, c);
            KeyDiversification diversification = new KeyDiversification(native ? (IBlockCipher)new NativeStandIn() : new Aes128());
            byte[] key = new byte[16];
            byte[] master = new byte[16];
            byte[] uid = new byte[] { 0x04, 0x78, 0x2E, 0x21, 0x80, 0x1D, 0x80 };
            byte[] uid2 = new byte[] { 0x04, 0x51, 0x2C, 0x7A, 0x9B, 0x3D, 0x80 };
            byte[] aid = new byte[] { 0x30, 0x42, 0xF5 };
            byte[] system = new byte[] { 0x4E, 0x58, 0x50, 0x20, 0x41, 0x62, 0x75 };
            byte[] rndA = Hex("B98F4C50CF1C2E084FD150E33992B048");
            byte[] encRndB = Hex("B875CEB0E66A6C5CD00898DC371F92D1");
            byte[] cardAnswer = Hex("0CC9A8094A8EEA683ECAAC5C7BF20584206D0608D477110FC6B3D5D3F65C3A6A");
            byte[] answer = new byte[32];
            byte[] header = new byte[7];
            byte[] mac = new byte[8];
            byte[] data = new byte[24];
            bool ok = true;
            if (part == "block")
            {
                a.SetKey(master, 0);
                a.Encrypt(data, 0, data, 0);
            }

            if (part == "diversify" || part == "diversify2" || part == "tap")
            {
                ok &= diversification.Diversify(master, 0, uid, 7, aid, 0, system, 7, key, 0);
            }

            if (part == "diversify2")
            {
                ok &= diversification.Diversify(master, 0, uid2, 7, aid, 0, system, 7, key, 0);
            }

            if (part == "authenticate" || part == "authenticate+readmac" || part == "tap")
            {
                session.BeginAuthentication(new byte[16], 0, rndA, 0, encRndB, 0, answer, 0);
                ok &= session.CompleteAuthentication(cardAnswer, 0) || native;
            }

            if (part == "authenticate+readmac" || part == "tap")
            {
                session.CommandMac(0xAD, header, 0, 7, header, 0, 0, mac, 0);
                session.VerifyResponseMac(0x00, data, 0, 16, data, 16); // a wrong MAC costs the same as a right one
            }

            Console.WriteLine("part " + name + " ok " + ok);
        }

        /// <summary>
        /// What the device's NativeAesBlockCipher does in IL around the native call (copy the block in, copy the result
        /// out, clear it): the AES itself runs as native code, outside the interpreter. Its output is not AES, so the
        /// "tap-native" run counts instructions only (the MAC checks fail, at the same cost).
        /// </summary>
        private sealed class NativeStandIn : IBlockCipher
        {
            private readonly byte[] block = new byte[16];
            private readonly byte[] result = new byte[16];

            public void SetKey(byte[] key, int offset)
            {
                Array.Copy(key, offset, block, 0, 16);
            }

            public void Encrypt(byte[] input, int inputOffset, byte[] output, int outputOffset) => Copy(input, inputOffset, output, outputOffset);

            public void Decrypt(byte[] input, int inputOffset, byte[] output, int outputOffset) => Copy(input, inputOffset, output, outputOffset);

            // The statements of Drivers/Device/NativeAesBlockCipher.cs around the native call.
            private void Copy(byte[] input, int inputOffset, byte[] output, int outputOffset)
            {
                Array.Copy(input, inputOffset, block, 0, 16);
                Array.Copy(result, 0, output, outputOffset, 16);
                Array.Clear(result, 0, 16);
            }

            private readonly byte[] iv = new byte[16];
            private readonly byte[] twoBlocks = new byte[32];
            private readonly byte[] twoResult = new byte[32];

            public void EncryptCbc(byte[] chainStart, byte[] input, int inputOffset, int length, byte[] output, int outputOffset) => Cbc(chainStart, input, inputOffset, length, output, outputOffset);

            public void DecryptCbc(byte[] chainStart, byte[] input, int inputOffset, int length, byte[] output, int outputOffset) => Cbc(chainStart, input, inputOffset, length, output, outputOffset);

            // The adapter's CBC statements: IV and input staged, one native call (here a reused result array), copy out, clear.
            private void Cbc(byte[] chainStart, byte[] input, int inputOffset, int length, byte[] output, int outputOffset)
            {
                Array.Copy(chainStart, 0, iv, 0, 16);
                byte[] staged = length == 16 ? block : length == 32 ? twoBlocks : new byte[length];
                Array.Copy(input, inputOffset, staged, 0, length);
                byte[] cbcResult = length == 16 ? result : length == 32 ? twoResult : new byte[length];
                Array.Copy(cbcResult, 0, output, outputOffset, length);
                Array.Clear(cbcResult, 0, length);
            }
        }

        private static byte[] Hex(string hex)
        {
            byte[] bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)((Digit(hex[2 * i]) << 4) | Digit(hex[2 * i + 1]));
            }

            return bytes;
        }

        private static int Digit(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    }
}
