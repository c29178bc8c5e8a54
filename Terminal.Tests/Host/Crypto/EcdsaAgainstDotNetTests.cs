using System;
using System.Security.Cryptography;
using LeoCarte.Terminal.Crypto;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Crypto;

/// <summary>
/// The subset ECDSA verifier agrees with System.Security.Cryptography.ECDsa (OpenSSL here) on P-256 and secp224r1:
/// random keys and messages signed by .NET verify; every altered signature, message or key that .NET rejects, the
/// verifier rejects too; and the curve constants equal OpenSSL's.
/// </summary>
[TestClass]
public class EcdsaAgainstDotNetTests
{
    private static readonly EcCurve P256 = EcCurve.NistP256();
    private static readonly EcCurve P224 = EcCurve.Secp224r1();

    [TestMethod]
    public void CurveConstantsEqualOpenSsl()
    {
        AssertSameCurve(P256, ECCurve.NamedCurves.nistP256);
        AssertSameCurve(P224, ECCurve.CreateFromFriendlyName("secp224r1"));
    }

    [TestMethod]
    public void P256SignaturesFromDotNetVerifyAndAlterationsFail()
    {
        int cases = RunAgainstDotNet(P256, ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256, keys: 24, messagesPerKey: 6, seed: 186_4);
        Console.WriteLine($"P-256: {cases} signature checks agreed with .NET ECDsa");
    }

    [TestMethod]
    public void Secp224r1SignaturesFromDotNetVerifyAndAlterationsFail()
    {
        // secp224r1 with SHA-256: the hash is longer than n (224 bits), so FIPS 186-4 §6.4 truncation is exercised.
        int cases = RunAgainstDotNet(P224, ECCurve.CreateFromFriendlyName("secp224r1"), HashAlgorithmName.SHA256, keys: 16, messagesPerKey: 6, seed: 224);
        Console.WriteLine($"secp224r1: {cases} signature checks agreed with .NET ECDsa");
    }

    [TestMethod]
    public void HashesOfOtherLengthsFollowFips186Truncation()
    {
        // SHA-512 and SHA-1 digests given precomputed: the leftmost bits of n's length (longer), or all of it (shorter).
        var random = new Random(5);
        foreach (var (curve, dotNetCurve) in new[] { (P256, ECCurve.NamedCurves.nistP256), (P224, ECCurve.CreateFromFriendlyName("secp224r1")) })
        {
            using var key = ECDsa.Create(dotNetCurve);
            var verifier = NewVerifier(curve, key);
            foreach (int hashLength in new[] { 20, 28, 32, 48, 64 })
            {
                for (int i = 0; i < 4; i++)
                {
                    var hash = new byte[hashLength];
                    random.NextBytes(hash);
                    var signature = key.SignHash(hash);
                    Assert.IsTrue(verifier.VerifyHash(hash, 0, hash.Length, signature, 0, signature.Length), $"{curve.Name} hash {hashLength}");
                    hash[hashLength - 1] ^= 1;
                    bool dotNet = key.VerifyHash(hash, signature);
                    Assert.AreEqual(dotNet, verifier.VerifyHash(hash, 0, hash.Length, signature, 0, signature.Length), $"{curve.Name} hash {hashLength} altered");
                }
            }
        }
    }

    [TestMethod]
    public void MalformedSignaturesAndKeysAreFalseNotExceptions()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var message = new byte[] { 1, 2, 3 };
        var signature = key.SignData(message, HashAlgorithmName.SHA256);
        var verifier = NewVerifier(P256, key);
        Assert.IsTrue(verifier.VerifySha256(message, 0, 3, signature, 0, 64));

        // Wrong lengths.
        Assert.IsFalse(verifier.VerifySha256(message, 0, 3, signature, 0, 63));
        Assert.IsFalse(verifier.VerifySha256(message, 0, 3, new byte[65], 0, 65));

        // r or s = 0, = n, ≥ n, all ones.
        var n = Convert.FromHexString("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
        foreach (var bad in new[] { new byte[32], n, Convert.FromHexString("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632552"), Enumerable(32, 0xFF) })
        {
            var withR = (byte[])signature.Clone();
            Buffer.BlockCopy(bad, 0, withR, 0, 32);
            Assert.IsFalse(verifier.VerifySha256(message, 0, 3, withR, 0, 64));
            var withS = (byte[])signature.Clone();
            Buffer.BlockCopy(bad, 0, withS, 32, 32);
            Assert.IsFalse(verifier.VerifySha256(message, 0, 3, withS, 0, 64));
        }

        // Keys: wrong prefix, wrong length, x or y ≥ p, off the curve, all zero (the point at infinity has no affine form).
        var parameters = key.ExportParameters(false);
        var good = Concat(new byte[] { 4 }, parameters.Q.X!, parameters.Q.Y!);
        var other = new EcdsaVerifier(P256);
        Assert.IsTrue(other.SetPublicKey(good, 0, 65));
        Assert.IsTrue(other.SetPublicKey(good, 1, 64));
        var compressed = (byte[])good.Clone();
        compressed[0] = 2;
        Assert.IsFalse(other.SetPublicKey(compressed, 0, 65));
        Assert.IsFalse(other.HasKey);
        Assert.IsFalse(other.VerifySha256(message, 0, 3, signature, 0, 64), "no key: false");
        Assert.IsFalse(other.SetPublicKey(good, 0, 64 + 2));
        Assert.IsFalse(other.SetPublicKey(new byte[65], 0, 65));
        var offCurve = (byte[])good.Clone();
        offCurve[64] ^= 1;
        Assert.IsFalse(other.SetPublicKey(offCurve, 0, 65));
        var p = Convert.FromHexString("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
        var xAtP = Concat(new byte[] { 4 }, p, parameters.Q.Y!);
        Assert.IsFalse(other.SetPublicKey(xAtP, 0, 65));
        var tooBig = Concat(new byte[] { 4 }, Enumerable(32, 0xFF), Enumerable(32, 0xFF));
        Assert.IsFalse(other.SetPublicKey(tooBig, 0, 65));
    }

    [TestMethod]
    public void VerifyingAllocatesNothing()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var message = new byte[100];
        var signature = key.SignData(message, HashAlgorithmName.SHA256);
        var verifier = NewVerifier(P256, key);
        Assert.IsTrue(verifier.VerifySha256(message, 0, message.Length, signature, 0, signature.Length));
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool ok = verifier.VerifySha256(message, 0, message.Length, signature, 0, signature.Length);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.IsTrue(ok);
        Assert.AreEqual(0, allocated, "bytes allocated by one verification");
    }

    [TestMethod]
    public void FieldArithmeticEqualsBigIntegerArithmetic()
    {
        // The moduli of both curves (8 and 9 limbs: the written-out products) and P-192's p (7 limbs: the loops).
        var random = new Random(29);
        int cases = 0;
        foreach (var hex in new[]
        {
            "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
            "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
            "ffffffffffffffffffffffffffffffff000000000000000000000001",
            "ffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3d",
            "fffffffffffffffffffffffffffffffeffffffffffffffff",
        })
        {
            var modulusBytes = Convert.FromHexString(hex);
            var m = ToBig(hex);
            var field = new MontgomeryField(modulusBytes);
            var rInverse = System.Numerics.BigInteger.ModPow(System.Numerics.BigInteger.Pow(2, 29 * field.Limbs), m - 2, m);
            var a = field.NewElement();
            var b = field.NewElement();
            var r = field.NewElement();
            var r2 = field.NewElement();
            var bytes = new byte[modulusBytes.Length];
            for (int t = 0; t < 400; t++)
            {
                // Random values, and the extremes 0, 1, m - 1, m - 2.
                var x = t < 4 ? new[] { System.Numerics.BigInteger.Zero, 1, m - 1, m - 2 }[t] : RandomBelow(random, m);
                var y = t < 4 ? m - 1 : RandomBelow(random, m);
                Load(field, x, a, bytes);
                Load(field, y, b, bytes);
                field.Multiply(r, a, b);
                Assert.AreEqual(x * y * rInverse % m, Read(field, r, bytes), $"{hex} product {t}");
                field.MultiplyByLoops(r2, a, b);
                Assert.IsTrue(field.AreEqual(r, r2));
                field.Square(r, a);
                Assert.AreEqual(x * x * rInverse % m, Read(field, r, bytes), $"{hex} square {t}");
                field.Add(r, a, b);
                Assert.AreEqual((x + y) % m, Read(field, r, bytes));
                field.Subtract(r, a, b);
                Assert.AreEqual(((x - y) % m + m) % m, Read(field, r, bytes));
                if (!x.IsZero)
                {
                    field.ToMontgomery(r, a);
                    field.Inverse(r, r);
                    field.FromMontgomery(r, r);
                    Assert.AreEqual(System.Numerics.BigInteger.ModPow(x, m - 2, m), Read(field, r, bytes), $"{hex} inverse {t}");
                }

                cases++;
            }
        }

        Console.WriteLine($"{cases} random and extreme operand pairs: product, square, sum, difference, inverse equal BigInteger's");
    }

    private static System.Numerics.BigInteger RandomBelow(Random random, System.Numerics.BigInteger m)
    {
        var bytes = new byte[m.GetByteCount(isUnsigned: true) + 8];
        random.NextBytes(bytes);
        return new System.Numerics.BigInteger(bytes, isUnsigned: true) % m;
    }

    private static void Load(MontgomeryField field, System.Numerics.BigInteger value, uint[] element, byte[] buffer)
    {
        Array.Clear(buffer);
        var raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        Buffer.BlockCopy(raw, 0, buffer, buffer.Length - raw.Length, raw.Length);
        Assert.IsTrue(field.TryLoad(buffer, 0, buffer.Length, element));
    }

    private static System.Numerics.BigInteger Read(MontgomeryField field, uint[] element, byte[] buffer)
    {
        field.Store(element, buffer, 0, buffer.Length);
        return new System.Numerics.BigInteger(buffer, isUnsigned: true, isBigEndian: true);
    }

    internal static EcdsaVerifier NewVerifier(EcCurve curve, ECDsa key)
    {
        var parameters = key.ExportParameters(false);
        var verifier = new EcdsaVerifier(curve);
        var encoded = Concat(new byte[] { 4 }, parameters.Q.X!, parameters.Q.Y!);
        Assert.IsTrue(verifier.SetPublicKey(encoded, 0, encoded.Length));
        return verifier;
    }

    private static int RunAgainstDotNet(EcCurve curve, ECCurve dotNetCurve, HashAlgorithmName hash, int keys, int messagesPerKey, int seed)
    {
        var random = new Random(seed);
        int cases = 0;
        int size = curve.ScalarBytes;
        for (int k = 0; k < keys; k++)
        {
            using var key = ECDsa.Create(dotNetCurve);
            using var otherKey = ECDsa.Create(dotNetCurve);
            var verifier = NewVerifier(curve, key);
            var otherVerifier = NewVerifier(curve, otherKey);
            for (int m = 0; m < messagesPerKey; m++)
            {
                var message = new byte[random.Next(0, 300)];
                random.NextBytes(message);
                var signature = key.SignData(message, hash);
                Assert.AreEqual(2 * size, signature.Length);

                // Signed by .NET: verifies, with the message hashed here or given as a hash.
                Assert.IsTrue(verifier.VerifySha256(message, 0, message.Length, signature, 0, signature.Length), $"key {k} message {m}");
                var digest = SHA256.HashData(message);
                Assert.IsTrue(verifier.VerifyHash(digest, 0, digest.Length, signature, 0, signature.Length));

                // The other key, one flipped bit of the message, r, s: both sides say no.
                Assert.IsFalse(otherVerifier.VerifySha256(message, 0, message.Length, signature, 0, signature.Length));
                cases += 3;
                if (message.Length > 0)
                {
                    var altered = (byte[])message.Clone();
                    altered[random.Next(altered.Length)] ^= (byte)(1 << random.Next(8));
                    Assert.IsFalse(key.VerifyData(altered, signature, hash));
                    Assert.IsFalse(verifier.VerifySha256(altered, 0, altered.Length, signature, 0, signature.Length));
                    cases++;
                }

                for (int flip = 0; flip < 4; flip++)
                {
                    var bad = (byte[])signature.Clone();
                    bad[random.Next(bad.Length)] ^= (byte)(1 << random.Next(8));
                    bool dotNet = key.VerifyData(message, bad, hash);
                    Assert.AreEqual(dotNet, verifier.VerifySha256(message, 0, message.Length, bad, 0, bad.Length), $"key {k} message {m} flip {flip}");
                    cases++;
                }

                // s and n - s are both valid ECDSA signatures (no low-s rule in FIPS 186-4): .NET accepts both, so do we.
                var n = ToBig(curve == P256
                    ? "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"
                    : "ffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3d");
                var sValue = new System.Numerics.BigInteger(signature.AsSpan(size), isUnsigned: true, isBigEndian: true);
                var negated = (byte[])signature.Clone();
                var negatedS = (n - sValue).ToByteArray(isUnsigned: true, isBigEndian: true);
                Array.Clear(negated, size, size);
                Buffer.BlockCopy(negatedS, 0, negated, 2 * size - negatedS.Length, negatedS.Length);
                Assert.IsTrue(key.VerifyData(message, negated, hash));
                Assert.IsTrue(verifier.VerifySha256(message, 0, message.Length, negated, 0, negated.Length));
                cases++;
            }
        }

        return cases;
    }

    private static System.Numerics.BigInteger ToBig(string hex) =>
        new(Convert.FromHexString(hex), isUnsigned: true, isBigEndian: true);

    private static void AssertSameCurve(EcCurve curve, ECCurve named)
    {
        using var key = ECDsa.Create(named);
        var explicitParameters = key.ExportExplicitParameters(false).Curve;
        var expected = new EcCurve(
            "from OpenSSL",
            Convert.ToHexString(explicitParameters.Prime!),
            Convert.ToHexString(explicitParameters.A!),
            Convert.ToHexString(explicitParameters.B!),
            Convert.ToHexString(explicitParameters.G.X!),
            Convert.ToHexString(explicitParameters.G.Y!),
            Convert.ToHexString(explicitParameters.Order!));
        Assert.AreEqual(curve.FieldBytes, explicitParameters.Prime!.Length);
        Assert.AreEqual(curve.ScalarBytes, explicitParameters.Order!.Length);
        Assert.AreEqual(1, explicitParameters.Cofactor![^1]);

        // Same constants = the same elements (Montgomery limbs compared through a signature made by OpenSSL).
        var message = new byte[] { 0x4C, 0xE9 };
        var signature = key.SignData(message, HashAlgorithmName.SHA256);
        var parameters = key.ExportParameters(false);
        var encoded = Concat(new byte[] { 4 }, parameters.Q.X!, parameters.Q.Y!);
        foreach (var c in new[] { curve, expected })
        {
            var verifier = new EcdsaVerifier(c);
            Assert.IsTrue(verifier.SetPublicKey(encoded, 0, encoded.Length));
            Assert.IsTrue(verifier.VerifySha256(message, 0, message.Length, signature, 0, signature.Length));
        }

        CollectionAssert.AreEqual(Convert.FromHexString(Hex(curve.Field, explicitParameters.Prime!.Length, isModulus: true)), explicitParameters.Prime);
    }

    private static string Hex(MontgomeryField field, int bytes, bool isModulus)
    {
        // The modulus itself is not an element (not below itself): m - 1 is, and m = (m - 1) + 1.
        var minusOne = field.NewElement();
        var one = field.NewElement();
        one[0] = 1;
        field.Negate(minusOne, one);
        var buffer = new byte[bytes];
        field.Store(minusOne, buffer, 0, bytes);
        var value = new System.Numerics.BigInteger(buffer, isUnsigned: true, isBigEndian: true) + (isModulus ? 1 : 0);
        var result = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        return Convert.ToHexString(result);
    }

    private static byte[] Enumerable(int count, byte value)
    {
        var bytes = new byte[count];
        Array.Fill(bytes, value);
        return bytes;
    }

    internal static byte[] Concat(params byte[][] parts)
    {
        int length = 0;
        foreach (var part in parts)
        {
            length += part.Length;
        }

        var result = new byte[length];
        int offset = 0;
        foreach (var part in parts)
        {
            Buffer.BlockCopy(part, 0, result, offset, part.Length);
            offset += part.Length;
        }

        return result;
    }
}
