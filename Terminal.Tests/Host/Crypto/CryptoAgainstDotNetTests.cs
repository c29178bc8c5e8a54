using System;
using System.Security.Cryptography;
using LeoCarte.Terminal.Crypto;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Crypto;

/// <summary>The portable SHA-256 and HMAC-SHA256 agree with System.Security.Cryptography on random inputs fed in every chunking.</summary>
[TestClass]
public class CryptoAgainstDotNetTests
{
    [TestMethod]
    public void Sha256MatchesForEveryLengthAndEveryChunkSize()
    {
        var random = new Random(180_4);
        var sha = new Sha256();
        var digest = new byte[32];
        int cases = 0;
        for (int length = 0; length <= 200; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            var expected = SHA256.HashData(data);
            for (int chunk = 1; chunk <= length + 1; chunk++)
            {
                for (int i = 0; i < length; i += chunk)
                {
                    sha.Update(data, i, Math.Min(chunk, length - i));
                }

                sha.Final(digest, 0);
                CollectionAssert.AreEqual(expected, digest, $"length {length} chunk {chunk}");
                cases++;
            }
        }

        for (int t = 0; t < 300; t++)
        {
            var data = new byte[random.Next(0, 5000)];
            random.NextBytes(data);
            int i = 0;
            while (i < data.Length)
            {
                int n = Math.Min(random.Next(0, 300), data.Length - i);
                if (random.Next(4) == 0 && n > 0)
                {
                    sha.Update(data[i]);
                    n = 1;
                }
                else
                {
                    sha.Update(data, i, n);
                }

                i += n;
            }

            sha.Final(digest, 0);
            CollectionAssert.AreEqual(SHA256.HashData(data), digest);
            cases++;
        }

        Console.WriteLine($"SHA-256 vs System.Security.Cryptography: {cases} cases (every length 0..200 x every chunk size, 300 random splits)");
    }

    [TestMethod]
    public void HmacMatchesForRandomKeysMessagesAndChunkings()
    {
        var random = new Random(2104);
        var mac = new HmacSha256();
        var tag = new byte[32];
        int cases = 0;
        for (int keyLength = 0; keyLength <= 150; keyLength += 1)
        {
            var key = new byte[keyLength];
            random.NextBytes(key);
            mac.Init(key, 0, key.Length);
            for (int m = 0; m < 6; m++)
            {
                var data = new byte[random.Next(0, 400)];
                random.NextBytes(data);
                int i = 0;
                while (i < data.Length)
                {
                    int n = Math.Min(random.Next(1, 130), data.Length - i);
                    mac.Update(data, i, n);
                    i += n;
                }

                mac.Final(tag, 0);
                CollectionAssert.AreEqual(HMACSHA256.HashData(key, data), tag, $"key {keyLength} message {data.Length}");
                cases++;
            }
        }

        Console.WriteLine($"HMAC-SHA256 vs System.Security.Cryptography: {cases} cases (key lengths 0..150, random messages and chunkings)");
    }

    [TestMethod]
    public void HashingAllocatesNothing()
    {
        var sha = new Sha256();
        var data = new byte[1000];
        var digest = new byte[32];
        sha.Update(data, 0, data.Length);
        sha.Final(digest, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            sha.Update(data, 0, data.Length);
            sha.Final(digest, 0);
        }

        Assert.AreEqual(0L, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
