using System;
using System.IO;
using System.Security.Cryptography;
using LeoCarte.Terminal.Allowlist;

namespace LeoCarte.Gateway.Lists;

/// <summary>
/// Signs lists with an ECDSA P-256 private key read from a PEM file ("BEGIN PRIVATE KEY", PKCS#8, or "BEGIN EC
/// PRIVATE KEY", SEC 1; made by `dotnet run --project Tools/KeyGen`). The key stays in this process; terminals
/// hold only the public key (keys.list_public_key = id:04…). An HSM or PKCS#11 token replaces this class by
/// another <see cref="IListSigner"/> (CKM_ECDSA over the same 32-byte digest), the rest of the gateway unchanged.
/// </summary>
public sealed class PemListSigner : IListSigner, IDisposable
{
    private readonly ECDsa key;

    public PemListSigner(uint keyId, string pem)
    {
        if (keyId == 0)
        {
            throw new ArgumentException("ListSigningKeyId must be a positive number (the id terminals know the public key by)");
        }

        key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (ArgumentException e)
        {
            key.Dispose();
            throw new ArgumentException("the list signing key is not a PEM private key: " + e.Message, e);
        }

        string curve = key.ExportParameters(false).Curve.Oid?.Value;
        if (key.KeySize != 256 || (curve != null && curve != "1.2.840.10045.3.1.7"))
        {
            key.Dispose();
            throw new ArgumentException("the list signing key must be on the P-256 curve (secp256r1)");
        }

        KeyId = keyId;
        PublicKey = PublicKeyOf(key);
    }

    public static PemListSigner FromFile(uint keyId, string path) => new(keyId, File.ReadAllText(path));

    public uint KeyId { get; }

    /// <summary>The uncompressed public point 04 ‖ X ‖ Y (65 bytes) terminals verify with.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The line for terminal configurations: keys.list_public_key = id:hex.</summary>
    public string ConfigLine => KeyId + ":" + Convert.ToHexString(PublicKey).ToLowerInvariant();

    public void SignDigest(byte[] digest, byte[] signature, int offset)
    {
        byte[] rs = key.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        Buffer.BlockCopy(rs, 0, signature, offset, WireFormat.SignatureSize);
    }

    public static byte[] PublicKeyOf(ECDsa key)
    {
        ECParameters parameters = key.ExportParameters(false);
        byte[] point = new byte[65];
        point[0] = 0x04;
        parameters.Q.X.CopyTo(point, 1);
        parameters.Q.Y.CopyTo(point, 33);
        return point;
    }

    public void Dispose() => key.Dispose();
}
