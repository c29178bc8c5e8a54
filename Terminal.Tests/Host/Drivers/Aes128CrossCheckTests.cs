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

    [TestMethod]
    public void CbcCallsMatchDotNetAesCbc()
    {
        // The seam's CBC calls (one native call each on the device) against .NET's CBC: random keys, IVs, 1..6 blocks,
        // at offsets and in place; the IV is left as it was.
        var random = new Random(3818);
        var ours = new Aes128();
        int cases = 0;
        for (int n = 0; n < 300; n++)
        {
            byte[] key = new byte[16];
            byte[] iv = new byte[16];
            random.NextBytes(key);
            random.NextBytes(iv);
            byte[] plain = new byte[16 * random.Next(1, 7)];
            random.NextBytes(plain);
            using var reference = Aes.Create();
            reference.Key = key;
            ours.SetKey(key, 0);
            byte[] expected = reference.EncryptCbc(plain, iv, PaddingMode.None);
            int offset = random.Next(0, 9);
            byte[] input = new byte[offset + plain.Length];
            plain.CopyTo(input, offset);
            byte[] output = new byte[3 + plain.Length];
            byte[] ivBefore = (byte[])iv.Clone();
            ours.EncryptCbc(iv, input, offset, plain.Length, output, 3);
            CollectionAssert.AreEqual(expected, output[3..]);
            ours.EncryptCbc(iv, input, offset, plain.Length, input, offset);
            CollectionAssert.AreEqual(expected, input[offset..]);
            ours.DecryptCbc(iv, output, 3, plain.Length, output, 3);
            CollectionAssert.AreEqual(plain, output[3..]);
            byte[] back = new byte[plain.Length];
            ours.DecryptCbc(iv, input, offset, plain.Length, back, 0);
            CollectionAssert.AreEqual(reference.DecryptCbc(expected, iv, PaddingMode.None), back);
            CollectionAssert.AreEqual(ivBefore, iv);
            cases += 4;
        }

        Console.WriteLine(cases + " CBC calls (1..6 blocks, at offsets, in place) match System.Security.Cryptography");
    }

    [TestMethod]
    public void CmacInPlaceMatchesDotNetAes()
    {
        // AesCmac.ComputeInPlace (the DESFire session's MACs): padded and encrypted in the caller's buffer, whatever the
        // buffer held past the message.
        var random = new Random(4494);
        var cmac = new AesCmac(new Aes128());
        for (int n = 0; n < 300; n++)
        {
            byte[] key = new byte[16];
            random.NextBytes(key);
            byte[] message = new byte[random.Next(0, 80)];
            random.NextBytes(message);
            byte[] buffer = new byte[message.Length + 16];
            random.NextBytes(buffer);
            message.CopyTo(buffer, 0);
            cmac.SetKey(key, 0);
            byte[] ours = new byte[16];
            cmac.ComputeInPlace(buffer, message.Length, ours, 0);
            CollectionAssert.AreEqual(ReferenceCmac(key, message), ours, "length " + message.Length);
        }
    }

    [TestMethod]
    public void CmacAtOffsetsAndChainedFromAnIvMatchesDotNetAes()
    {
        var random = new Random(38);
        var cmac = new AesCmac(new Aes128());
        int cases = 0;
        for (int n = 0; n < 300; n++)
        {
            byte[] key = new byte[16];
            random.NextBytes(key);
            int offset = random.Next(0, 20);
            byte[] message = new byte[offset + random.Next(0, 80)];
            random.NextBytes(message);
            byte[] body = message[offset..];
            cmac.SetKey(key, 0);
            byte[] ours = new byte[19];
            cmac.Compute(message, offset, body.Length, ours, 3);
            CollectionAssert.AreEqual(ReferenceCmac(key, body), ours[3..], "length " + body.Length + " at " + offset);

            // EV1 "CMAC as IV": the CBC chain starts at the IV; the IV becomes the CMAC.
            byte[] iv = new byte[16];
            random.NextBytes(iv);
            byte[] expected = ReferenceCmac(key, body, iv);
            cmac.ComputeChained(iv, message, offset, body.Length, ours, 0);
            CollectionAssert.AreEqual(expected, ours[..16]);
            CollectionAssert.AreEqual(expected, iv);
            cases += 2;
        }

        Console.WriteLine(cases + " CMACs at offsets, plain and chained, match System.Security.Cryptography");
    }

    [TestMethod]
    public void DiversificationWithChangingMasterKeysMatchesAn10922OverDotNetAes()
    {
        // The diversifier caches the master key's subkeys: random taps over 3 master keys (a rotation with a
        // reconfigured key) and random UID/system-id lengths, against AN10922 §2.2 written over .NET's AES.
        var random = new Random(10922);
        var masters = new byte[3][];
        for (int i = 0; i < masters.Length; i++)
        {
            masters[i] = new byte[16];
            random.NextBytes(masters[i]);
        }

        var diversification = new KeyDiversification(new Aes128());
        byte[] aid = { 0x01, 0x43, 0x4C };
        int changes = 0, previous = -1;
        for (int n = 0; n < 400; n++)
        {
            int which = random.Next(0, 10) < 8 ? n / 50 % 3 : random.Next(0, 3);
            if (n == 200)
            {
                random.NextBytes(masters[which]); // overwritten in place: must be set up again
            }

            changes += which != previous || n == 200 ? 1 : 0;
            previous = which;
            byte[] uid = new byte[random.Next(0, 2) == 0 ? 7 : 4];
            random.NextBytes(uid);
            byte[] systemId = new byte[random.Next(0, 33 - 4 - uid.Length)]; // up to 32 bytes of input: K1, no padding
            random.NextBytes(systemId);
            byte[] key = new byte[16];
            Assert.IsTrue(diversification.Diversify(masters[which], 0, uid, uid.Length, aid, 0, systemId, systemId.Length, key, 0));
            CollectionAssert.AreEqual(ReferenceDiversify(masters[which], uid, aid, systemId), key, "tap " + n);
        }

        Assert.AreEqual(changes, diversification.MasterKeySetups, "set up exactly when the master key changed");
        Console.WriteLine("400 diversifications over 3 master keys match AN10922 over System.Security.Cryptography; " + changes + " key set-ups");
    }

    /// <summary>AN10922 §2.2: CMAC(master, 01h || UID || AID || system id) with the input always padded to 32 bytes.</summary>
    private static byte[] ReferenceDiversify(byte[] master, byte[] uid, byte[] aid, byte[] systemId)
    {
        using var aes = Aes.Create();
        aes.Key = master;
        byte[] k1 = Shift(aes.EncryptEcb(new byte[16], PaddingMode.None)), k2 = Shift(k1);
        byte[] input = new byte[32];
        input[0] = 0x01;
        uid.CopyTo(input, 1);
        aid.CopyTo(input, 1 + uid.Length);
        systemId.CopyTo(input, 4 + uid.Length);
        int n = 4 + uid.Length + systemId.Length;
        if (n < 32)
        {
            input[n] = 0x80;
        }

        for (int i = 0; i < 16; i++)
        {
            input[16 + i] ^= n < 32 ? k2[i] : k1[i];
        }

        return aes.EncryptCbc(input, new byte[16], PaddingMode.None)[16..];
    }

    /// <summary>SP 800-38B written directly over .NET's AES (an independent implementation of the same steps).</summary>
    private static byte[] ReferenceCmac(byte[] key, byte[] message, byte[] iv = null)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        byte[] l = aes.EncryptEcb(new byte[16], PaddingMode.None);
        byte[] k1 = Shift(l), k2 = Shift(k1);
        int blocks = Math.Max(1, (message.Length + 15) / 16);
        bool complete = message.Length > 0 && message.Length % 16 == 0;
        byte[] padded = new byte[blocks * 16];
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

        byte[] cbc = aes.EncryptCbc(padded, iv ?? new byte[16], PaddingMode.None);
        return cbc[^16..];
    }

    private static byte[] Shift(byte[] v)
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
}
