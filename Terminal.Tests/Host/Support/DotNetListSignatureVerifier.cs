using System;
using System.Security.Cryptography;
using LeoCarte.Terminal.Allowlist;

namespace LeoCarte.Terminal.Tests.Support;

/// <summary>
/// ECDSA P-256 list signatures verified by .NET's ECDsa (FIPS 186-4 §6.4): tests only, the reference the portable
/// verifier (Allowlist/EcdsaListSignatureVerifier over Terminal/Crypto) is checked against. Allocates per call.
/// </summary>
public sealed class DotNetListSignatureVerifier : IListSignatureVerifier
{
    public bool Verify(byte[] publicKey, byte[] digest, byte[] signature, int offset)
    {
        if (publicKey == null || publicKey.Length != 65 || publicKey[0] != 0x04 || digest == null || digest.Length != 32
            || signature == null || offset < 0 || offset + 64 > signature.Length)
        {
            return false;
        }

        try
        {
            using ECDsa key = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = publicKey.AsSpan(1, 32).ToArray(), Y = publicKey.AsSpan(33, 32).ToArray() },
            });
            return key.VerifyHash(digest, signature.AsSpan(offset, 64), DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false; // not a point on the curve
        }
    }
}
