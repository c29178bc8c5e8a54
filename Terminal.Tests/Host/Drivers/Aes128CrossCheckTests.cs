using System;
using System.Security.Cryptography;
using LeoCarte.Drivers.Desfire;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>The subset AES-128 and CMAC against .NET's System.Security.Cryptography on random keys and blocks.</summary>
[TestClass]
public class Aes128CrossCheckTests
{
    [TestMethod]
    public void RandomBlocksMatchDotNetAes()
    {
        var random = new Random(128);
        var ours = new Aes128();
        int cases = 0;
        for (int k = 0; k < 200; k++)
        {
            byte[] key = new byte[16];
            random.NextBytes(key);
            using var reference = Aes.Create();
            reference.Key = key;
            ours.SetKey(key, 0);
            for (int b = 0; b < 10; b++)
            {
                byte[] plain = new byte[16];
                random.NextBytes(plain);
                byte[] expected = reference.EncryptEcb(plain, PaddingMode.None);
                byte[] actual = new byte[20];
                ours.Encrypt(plain, 0, actual, 3);
                CollectionAssert.AreEqual(expected, actual[3..19]);
                byte[] back = new byte[16];
                ours.Decrypt(actual, 3, back, 0);
                CollectionAssert.AreEqual(plain, back);
                cases++;
            }
        }

        Console.WriteLine(cases + " random AES-128 blocks match System.Security.Cryptography both ways");
    }

    [TestMethod]
    public void CmacOfRandomMessagesMatchesACbcMacBuiltOnDotNetAes()
    {
        var random = new Random(4493);
        var cmac = new AesCmac(new Aes128());
        for (int n = 0; n < 300; n++)
        {
            byte[] key = new byte[16];
            random.NextBytes(key);
            byte[] message = new byte[random.Next(0, 80)];
            random.NextBytes(message);
            cmac.SetKey(key, 0);
            byte[] ours = new byte[16];
            cmac.Compute(message, 0, message.Length, ours, 0);
            CollectionAssert.AreEqual(ReferenceCmac(key, message), ours, "length " + message.Length);
        }
    }

    /// <summary>SP 800-38B written directly over .NET's AES (an independent implementation of the same steps).</summary>
    private static byte[] ReferenceCmac(byte[] key, byte[] message)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        byte[] l = aes.EncryptEcb(new byte[16], PaddingMode.None);
        byte[] k1 = Shift(l), k2 = Shift(k1);
        int blocks = Math.Max(1, (message.Length + 15) / 16);
        bool complete = message.Length > 0 && message.Length % 16 == 0;
        byte[] padded = new byte[blocks * 16];
        Array.Copy(message, padded, message.Length);
        if (!complete) padded[message.Length] = 0x80;
        byte[] sub = complete ? k1 : k2;
        for (int i = 0; i < 16; i++) padded[padded.Length - 16 + i] ^= sub[i];
        byte[] cbc = aes.EncryptCbc(padded, new byte[16], PaddingMode.None);
        return cbc[^16..];
    }

    private static byte[] Shift(byte[] v)
    {
        var r = new byte[16];
        for (int i = 0; i < 16; i++) r[i] = (byte)((v[i] << 1) | (i < 15 ? v[i + 1] >> 7 : 0));
        if ((v[0] & 0x80) != 0) r[15] ^= 0x87;
        return r;
    }
}
