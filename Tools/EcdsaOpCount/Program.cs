using System;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Tools.EcdsaOpCount
{
    /// <summary>
    /// Runs one part of an ECDSA verification, chosen by a constant compiled in (nanoCLR passes no arguments): run.sh
    /// builds it once per part and subtracts, so each figure is the IL instructions of that step alone. Parts, for each
    /// curve (suffix -p256 or -p224): curve (parameters, Montgomery constants), verifier (+ the curve's table of G
    /// multiples, once per curve), key (+ SetPublicKey: on-curve check and the key's table, once per key), verify
    /// (+ one VerifyHash of the RFC 6979 "sample" signature, SHA-256 hash precomputed), verify2 (+ a second one: the
    /// steady-state cost), bad (+ one VerifyHash of a wrong signature: same work, answer false).
    /// The tap side of the originality check (suffix -p224): tapsetup (NxpOriginality with the AN12343 key, the card
    /// queued by a first tap and verified by VerifyPending), tapknown (+ one OnTap answered from the remembered verdict),
    /// tapdigest (+ one OnTap with a list digest, HMAC by the device's native one-shot: IL around the call only),
    /// tapdigestportable (the same with the subset HMAC-SHA256, as on the host and nanoCLR).
    /// </summary>
    public static class Program
    {
        private const string P256Key = "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
        private const string P256Sample = "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";
        private const string P224Key = "0400cf08da5ad719e42707fa431292dea11244d64fc51610d94b130d6ceeab6f3debe455e3dbf85416f7030cbd94f34f2d6f232c69f3c1385a";
        private const string P224Sample = "61aa3da010e8e8406c656bc477a7a7189895e7e840cdfe8ff42307babc814050dab5d23770879494f9e0a680dc1af7161991bde692b10101";

        // SHA-256("sample")
        private const string SampleHash = "af2bdbe1aa9b6ec1e2ade1d694f41fc71a831d0268e9891562113d8a62add1bf";

        public static void Main()
        {
            string part = Part.Name;
            bool p256 = part.IndexOf("-p256") >= 0;
            string step = part.Substring(0, part.IndexOf('-'));
            byte[] key = FromHex(p256 ? P256Key : P224Key);
            byte[] signature = FromHex(p256 ? P256Sample : P224Sample);
            byte[] hash = FromHex(SampleHash);
            byte[] wrong = FromHex(SampleHash);
            wrong[0] ^= 1;
            bool ok = true;

            if (step.StartsWith("tap"))
            {
                Console.WriteLine("part " + part + " ok " + Tap(step));
                return;
            }

            EcCurve curve = p256 ? EcCurve.NistP256() : EcCurve.Secp224r1();
            if (step != "curve")
            {
                EcdsaVerifier verifier = new EcdsaVerifier(curve);
                if (step != "verifier")
                {
                    ok &= verifier.SetPublicKey(key, 0, key.Length);
                    if (step == "verify" || step == "verify2")
                    {
                        ok &= verifier.VerifyHash(hash, 0, hash.Length, signature, 0, signature.Length);
                    }

                    if (step == "verify2")
                    {
                        ok &= verifier.VerifyHash(hash, 0, hash.Length, signature, 0, signature.Length);
                    }

                    if (step == "bad")
                    {
                        ok &= !verifier.VerifyHash(wrong, 0, wrong.Length, signature, 0, signature.Length);
                    }
                }
            }

            Console.WriteLine("part " + part + " ok " + ok);
        }

        private static bool Tap(string step)
        {
            const string LightKey = "040e98e117aaa36457f43173dc920a8757267f44ce4ec5add3c54075571aebbf7b942a9774a1d94ad02572427e5ae0a2dd36591b1fb34fcf3d";
            byte[] uid = FromHex("045a115a346180");
            byte[] signature = FromHex("1ca298fc3f0f04a329254ac0df7a3eb8e756c076cd1baaf47b8bba6dcd78bcc64dfd3e80e679d9a663cae9e4d4c2c77023077cc549ce4a61");
            NxpOriginality originality = new NxpOriginality(1);
            bool ok = originality.AddKey(LightKey);
            IMessageHasher hasher = step == "tapdigestportable" ? (IMessageHasher)new PortableMessageHasher() : new NativeHmacStandIn();
            OriginalityCheck check = new OriginalityCheck(originality, hasher, 32);
            ok &= check.OnTap(uid, 0, signature, 0, 0) == OriginalityCheck.Unverified;
            ok &= check.VerifyPending();
            if (step == "tapknown")
            {
                ok &= check.OnTap(uid, 0, signature, 0, 0) == OriginalityCheck.Genuine;
            }

            if (step == "tapdigest" || step == "tapdigestportable")
            {
                // The answer is not checked: the stand-in's output is not HMAC (the cost is the same either way).
                check.OnTap(uid, 0, signature, 0, 0x12345678);
            }

            return ok;
        }

        /// <summary>What the device's native HMAC costs in IL: the call and a copy of the 32-byte result (the HMAC itself
        /// runs as native code, outside the interpreter).</summary>
        private sealed class NativeHmacStandIn : IMessageHasher
        {
            private readonly byte[] result = new byte[32];

            public void Sha256(byte[] data, int offset, int count, byte[] output)
            {
                Array.Copy(result, output, 32);
            }

            public void HmacSha256(byte[] key, byte[] data, int offset, int count, byte[] output)
            {
                Array.Copy(result, output, 32);
            }
        }

        private static byte[] FromHex(string hex)
        {
            byte[] bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)((Nibble(hex[2 * i]) << 4) | Nibble(hex[(2 * i) + 1]));
            }

            return bytes;
        }

        private static int Nibble(char c)
        {
            return c <= '9' ? c - '0' : c - 'a' + 10;
        }
    }
}
