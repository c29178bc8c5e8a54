using System.Security.Cryptography;
using LeoCarte.Gateway.Lists;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Tests.Support;

/// <summary>
/// A real ECDSA P-256 list key for the host tests (made at start, never written anywhere): the gateway's
/// PemListSigner signs, .NET's ECDsa verifies on the terminal side (until the portable verifier is merged).
/// </summary>
internal static class HostListKeys
{
    public const uint KeyId = 1;
    public const long Database = 0x0DB0_0001;

    public static readonly string Pem = NewPem();
    public static readonly PemListSigner Gateway = new(KeyId, Pem);

    /// <summary>The line for a terminal configuration: keys.list_public_key = id:04….</summary>
    public static string PublicKeyLine => Gateway.ConfigLine;

    public static ListSigning Signing(long database = Database) => new(Gateway, database);

    public static ListTrust Trust() => new(new[] { new ListSigningKey(KeyId, Gateway.PublicKey) }, new DotNetListSignatureVerifier(), new PortableMac());

    public static string NewPem()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }
}
