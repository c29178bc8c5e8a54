using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Tests.Conformance;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Crypto;

/// <summary>
/// Published ECDSA vectors: all RFC 6979 A.2.4 (P-224) and A.2.5 (P-256) signatures (SHA-1 to SHA-512 given as
/// precomputed hashes: shorter and longer than n), and Google Wycheproof's ecdsa_secp256r1_sha256_p1363 and
/// ecdsa_secp224r1_sha256_p1363 files (every edge case: r, s out of range, modified integers, Shamir intermediate at
/// infinity, special-case hashes and public keys, wrong sizes) — the verifier's answer equals the expected result.
/// </summary>
[TestClass]
public class EcdsaPublishedVectorTests
{
    // RFC 6979 §A.2.4 / §A.2.5: private keys (public keys derived with .NET and compared with the shared tests' literals),
    // then (message, hash, r‖s) for each hash.
    private const string P224Private = "F220266E1105BFE3083E03EC7A3A654651F45E37167E88600BF257C1";
    private const string P256Private = "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721";

    private static readonly (string Message, string Hash, string R, string S)[] P224Signatures =
    {
        ("sample", "SHA1", "22226F9D40A96E19C4A301CE5B74B115303C0F3A4FD30FC257FB57AC", "66D1CDD83E3AF75605DD6E2FEFF196D30AA7ED7A2EDF7AF475403D69"),
        ("sample", "SHA224", "1CDFE6662DDE1E4A1EC4CDEDF6A1F5A2FB7FBD9145C12113E6ABFD3E", "A6694FD7718A21053F225D3F46197CA699D45006C06F871808F43EBC"),
        ("sample", "SHA256", "61AA3DA010E8E8406C656BC477A7A7189895E7E840CDFE8FF42307BA", "BC814050DAB5D23770879494F9E0A680DC1AF7161991BDE692B10101"),
        ("sample", "SHA384", "0B115E5E36F0F9EC81F1325A5952878D745E19D7BB3EABFABA77E953", "830F34CCDFE826CCFDC81EB4129772E20E122348A2BBD889A1B1AF1D"),
        ("sample", "SHA512", "074BD1D979D5F32BF958DDC61E4FB4872ADCAFEB2256497CDAC30397", "A4CECA196C3D5A1FF31027B33185DC8EE43F288B21AB342E5D8EB084"),
        ("test", "SHA1", "DEAA646EC2AF2EA8AD53ED66B2E2DDAA49A12EFD8356561451F3E21C", "95987796F6CF2062AB8135271DE56AE55366C045F6D9593F53787BD2"),
        ("test", "SHA224", "C441CE8E261DED634E4CF84910E4C5D1D22C5CF3B732BB204DBEF019", "902F42847A63BDC5F6046ADA114953120F99442D76510150F372A3F4"),
        ("test", "SHA256", "AD04DDE87B84747A243A631EA47A1BA6D1FAA059149AD2440DE6FBA6", "178D49B1AE90E3D8B629BE3DB5683915F4E8C99FDF6E666CF37ADCFD"),
        ("test", "SHA384", "389B92682E399B26518A95506B52C03BC9379A9DADF3391A21FB0EA4", "414A718ED3249FF6DBC5B50C27F71F01F070944DA22AB1F78F559AAB"),
        ("test", "SHA512", "049F050477C5ADD858CAC56208394B5A55BAEBBE887FDF765047C17C", "077EB13E7005929CEFA3CD0403C7CDCC077ADF4E44F3C41B2F60ECFF"),
    };

    private static readonly (string Message, string Hash, string R, string S)[] P256Signatures =
    {
        ("sample", "SHA1", "61340C88C3AAEBEB4F6D667F672CA9759A6CCAA9FA8811313039EE4A35471D32", "6D7F147DAC089441BB2E2FE8F7A3FA264B9C475098FDCF6E00D7C996E1B8B7EB"),
        ("sample", "SHA224", "53B2FFF5D1752B2C689DF257C04C40A587FABABB3F6FC2702F1343AF7CA9AA3F", "B9AFB64FDC03DC1A131C7D2386D11E349F070AA432A4ACC918BEA988BF75C74C"),
        ("sample", "SHA256", "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716", "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"),
        ("sample", "SHA384", "0EAFEA039B20E9B42309FB1D89E213057CBF973DC0CFC8F129EDDDC800EF7719", "4861F0491E6998B9455193E34E7B0D284DDD7149A74B95B9261F13ABDE940954"),
        ("sample", "SHA512", "8496A60B5E9B47C825488827E0495B0E3FA109EC4568FD3F8D1097678EB97F00", "2362AB1ADBE2B8ADF9CB9EDAB740EA6049C028114F2460F96554F61FAE3302FE"),
        ("test", "SHA1", "0CBCC86FD6ABD1D99E703E1EC50069EE5C0B4BA4B9AC60E409E8EC5910D81A89", "01B9D7B73DFAA60D5651EC4591A0136F87653E0FD780C3B1BC872FFDEAE479B1"),
        ("test", "SHA224", "C37EDB6F0AE79D47C3C27E962FA269BB4F441770357E114EE511F662EC34A692", "C820053A05791E521FCAAD6042D40AEA1D6B1A540138558F47D0719800E18F2D"),
        ("test", "SHA256", "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367", "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083"),
        ("test", "SHA384", "83910E8B48BB0C74244EBDF7F07A1C5413D61472BD941EF3920E623FBCCEBEB6", "8DDBEC54CF8CD5874883841D712142A56A8D0F218F5003CB0296B6B509619F2C"),
        ("test", "SHA512", "461D93F31B6540894788FD206C07CFA0CC35F46FA3C91816FFF1040AD1581A04", "39AF9F15DE0DB8D97E72719C74820D304CE5226E32DEDAE67519E840D1194E55"),
    };

    [TestMethod]
    public void Rfc6979AllHashesOnBothCurves()
    {
        int cases = 0;
        cases += RunRfc6979(EcCurve.Secp224r1(), ECCurve.CreateFromFriendlyName("secp224r1"), P224Private, EcdsaVectorTests.P224Key, P224Signatures);
        cases += RunRfc6979(EcCurve.NistP256(), ECCurve.NamedCurves.nistP256, P256Private, EcdsaVectorTests.P256Key, P256Signatures);
        Console.WriteLine($"RFC 6979: {cases} signatures verified, each also refused with the other message");
    }

    [TestMethod]
    public void WycheproofSecp256r1Sha256()
    {
        RunWycheproof(EcCurve.NistP256(), "ecdsa_secp256r1_sha256_p1363_test.json");
    }

    [TestMethod]
    public void WycheproofSecp224r1Sha256()
    {
        RunWycheproof(EcCurve.Secp224r1(), "ecdsa_secp224r1_sha256_p1363_test.json");
    }

    private static int RunRfc6979(EcCurve curve, ECCurve dotNetCurve, string privateHex, string publicHex, (string Message, string Hash, string R, string S)[] signatures)
    {
        // The RFC's public key = the private key times G, computed by .NET (checks the literal in the shared tests).
        using var key = ECDsa.Create(new ECParameters { Curve = dotNetCurve, D = Convert.FromHexString(privateHex) });
        var q = key.ExportParameters(false).Q;
        Assert.AreEqual(publicHex, "04" + Convert.ToHexString(q.X!).ToLowerInvariant() + Convert.ToHexString(q.Y!).ToLowerInvariant());

        var verifier = new EcdsaVerifier(curve);
        var encoded = Convert.FromHexString(publicHex);
        Assert.IsTrue(verifier.SetPublicKey(encoded, 0, encoded.Length));
        int cases = 0;
        foreach (var (message, hash, r, s) in signatures)
        {
            var signature = Convert.FromHexString(r + s);
            var digest = Hash(hash, message);
            var otherDigest = Hash(hash, message == "test" ? "sample" : "test");
            Assert.IsTrue(verifier.VerifyHash(digest, 0, digest.Length, signature, 0, signature.Length), $"{curve.Name} {message} {hash}");
            Assert.IsTrue(key.VerifyHash(digest, signature), "and .NET agrees");
            Assert.IsFalse(verifier.VerifyHash(otherDigest, 0, otherDigest.Length, signature, 0, signature.Length));
            cases++;
        }

        return cases;
    }

    private static byte[] Hash(string name, string message)
    {
        var data = Encoding.ASCII.GetBytes(message);
        return name switch
        {
            "SHA1" => SHA1.HashData(data),
            "SHA224" => Sha224(data),
            "SHA256" => SHA256.HashData(data),
            "SHA384" => SHA384.HashData(data),
            _ => SHA512.HashData(data),
        };
    }

    /// <summary>SHA-224 (FIPS 180-4 §6.3: SHA-256 with other initial values, truncated), absent from .NET.</summary>
    private static byte[] Sha224(byte[] data)
    {
        uint[] h = { 0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4 };
        uint[] k =
        {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
            0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
            0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
            0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        };
        int padded = ((data.Length + 9 + 63) / 64) * 64;
        var m = new byte[padded];
        data.CopyTo(m, 0);
        m[data.Length] = 0x80;
        ulong bits = (ulong)data.Length * 8;
        for (int i = 0; i < 8; i++)
        {
            m[padded - 1 - i] = (byte)(bits >> (8 * i));
        }

        var w = new uint[64];
        for (int block = 0; block < padded; block += 64)
        {
            for (int t = 0; t < 16; t++)
            {
                w[t] = (uint)(m[block + 4 * t] << 24 | m[block + 4 * t + 1] << 16 | m[block + 4 * t + 2] << 8 | m[block + 4 * t + 3]);
            }

            for (int t = 16; t < 64; t++)
            {
                uint s0 = uint.RotateRight(w[t - 15], 7) ^ uint.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
                uint s1 = uint.RotateRight(w[t - 2], 17) ^ uint.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
                w[t] = w[t - 16] + s0 + w[t - 7] + s1;
            }

            uint a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
            for (int t = 0; t < 64; t++)
            {
                uint t1 = hh + (uint.RotateRight(e, 6) ^ uint.RotateRight(e, 11) ^ uint.RotateRight(e, 25)) + ((e & f) ^ (~e & g)) + k[t] + w[t];
                uint t2 = (uint.RotateRight(a, 2) ^ uint.RotateRight(a, 13) ^ uint.RotateRight(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
                hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
            }

            h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
        }

        var digest = new byte[28];
        for (int i = 0; i < 7; i++)
        {
            digest[4 * i] = (byte)(h[i] >> 24);
            digest[4 * i + 1] = (byte)(h[i] >> 16);
            digest[4 * i + 2] = (byte)(h[i] >> 8);
            digest[4 * i + 3] = (byte)h[i];
        }

        return digest;
    }

    private static void RunWycheproof(EcCurve curve, string file)
    {
        string path = Path.Combine(ConformanceCheckerTests.Metadata("RepoRoot"), "Terminal.Tests", "Host", "Crypto", "Wycheproof", file);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        int valid = 0, invalid = 0, keysRefused = 0;
        foreach (var group in document.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            Assert.AreEqual("SHA-256", group.GetProperty("sha").GetString());
            var key = Convert.FromHexString(group.GetProperty("publicKey").GetProperty("uncompressed").GetString()!);
            var verifier = new EcdsaVerifier(curve);
            bool keyAccepted = verifier.SetPublicKey(key, 0, key.Length);
            foreach (var test in group.GetProperty("tests").EnumerateArray())
            {
                int id = test.GetProperty("tcId").GetInt32();
                string expected = test.GetProperty("result").GetString()!;
                var message = Convert.FromHexString(test.GetProperty("msg").GetString()!);
                var signature = Convert.FromHexString(test.GetProperty("sig").GetString()!);
                bool result = keyAccepted && verifier.VerifySha256(message, 0, message.Length, signature, 0, signature.Length);

                // "acceptable" does not occur in these files; valid must verify, invalid must not.
                Assert.AreNotEqual("acceptable", expected, $"tcId {id}");
                Assert.AreEqual(expected == "valid", result, $"{file} tcId {id}: {test.GetProperty("comment").GetString()}");
                if (!keyAccepted)
                {
                    keysRefused++;
                }

                if (result)
                {
                    valid++;
                }
                else
                {
                    invalid++;
                }
            }
        }

        Console.WriteLine($"{file}: {valid} valid verified, {invalid} invalid refused ({keysRefused} of them with the key refused)");
    }
}
