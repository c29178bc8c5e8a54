using System;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>The card's cryptography over System.Security.Cryptography, independent of the driver's: AES ECB/CBC, SP 800-38B CMAC, EV2 MACt.</summary>
    public sealed partial class DesfireCard
    {

        private static byte[] AesEcb(byte[] key, byte[] data, bool encrypt)
        {
            using var aes = System.Security.Cryptography.Aes.Create();
            aes.Key = key;
            return encrypt ? aes.EncryptEcb(data, System.Security.Cryptography.PaddingMode.None) : aes.DecryptEcb(data, System.Security.Cryptography.PaddingMode.None);
        }

        private static byte[] AesCbc(byte[] key, byte[] iv, byte[] data, bool encrypt)
        {
            using var aes = System.Security.Cryptography.Aes.Create();
            aes.Key = key;
            return encrypt ? aes.EncryptCbc(data, iv, System.Security.Cryptography.PaddingMode.None) : aes.DecryptCbc(data, iv, System.Security.Cryptography.PaddingMode.None);
        }

        private static byte[] Cmac(byte[] key, byte[] message)
        {
            // SP 800-38B over .NET's AES: the simulator's own implementation, independent of the driver's.
            byte[] l = AesEcb(key, new byte[16], true);
            byte[] k1 = Dbl(l), k2 = Dbl(k1);
            int blocks = Math.Max(1, (message.Length + 15) / 16);
            bool complete = message.Length > 0 && message.Length % 16 == 0;
            var padded = new byte[blocks * 16];
            Array.Copy(message, padded, message.Length);
            if (!complete)
            {
                padded[message.Length] = 0x80;
            }

            byte[] sub = complete ? k1 : k2;
            for (int i = 0; i < 16; i++)
            {
                padded[padded.Length - 16 + i] ^= sub[i];
            }

            byte[] cbc = AesCbc(key, new byte[16], padded, true);
            return cbc[^16..];
        }

        private static byte[] Dbl(byte[] v)
        {
            var r = new byte[16];
            for (int i = 0; i < 16; i++)
            {
                r[i] = (byte)((v[i] << 1) | (i < 15 ? v[i + 1] >> 7 : 0));
            }

            if ((v[0] & 0x80) != 0)
            {
                r[15] ^= 0x87;
            }

            return r;
        }

        private static byte[] MacT(byte[] key, byte[] message)
        {
            byte[] full = Cmac(key, message);
            var t = new byte[8];
            for (int i = 0; i < 8; i++)
            {
                t[i] = full[2 * i + 1];
            }

            return t;
        }
    }
}
