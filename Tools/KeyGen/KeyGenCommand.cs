using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;

namespace LeoCarte.Tools.KeyGen;

/// <summary>
/// <c>LeoCarte.KeyGen [--out DIR] [--key-id N] [--terminal ID ...] [--secrets-only]</c>: makes a site's keys from
/// the operating system's random generator (RandomNumberGenerator: CSPRNG).
/// <list type="bullet">
/// <item>the list signing key pair (ECDSA P-256, FIPS 186-4): the private key as a PKCS#8 PEM file for the gateway
/// (ListSigningKeyFile; readable by its owner only; never overwritten), and the public key as the
/// <c>keys.list_public_key = id:04…</c> line every terminal configuration of the site carries;</item>
/// <item>per terminal, a 32-byte request secret (<c>keys.terminal_secret</c> on the terminal, the same hex in the
/// gateway's <c>Terminals</c>).</item>
/// </list>
/// Rotation: make a new pair with the next id, add its public line to the terminals (they hold both), then switch
/// the gateway to the new file and id; remove the old line once every terminal holds a list signed by the new key.
/// </summary>
public static class KeyGenCommand
{
    public const string Usage =
        "usage: LeoCarte.KeyGen [--out DIR] [--key-id N] [--terminal ID ...] [--secrets-only]\n" +
        "  Makes a site's real keys: the list signing key pair (DIR/list-signing-key-N.pem for the gateway, the\n" +
        "  keys.list_public_key line for terminal configurations) and a 32-byte secret per --terminal.\n" +
        "  --out DIR       where the private key file goes (default: the current folder); an existing file is never overwritten\n" +
        "  --key-id N      the key id written in list headers (default 1; a rotation uses the next id)\n" +
        "  --terminal ID   a terminal to make a request secret for (repeatable)\n" +
        "  --secrets-only  only the terminal secrets (no new list key)";

    public const int SecretBytes = 32;

    public static int Run(string[] args, TextWriter output)
    {
        string outDir = ".";
        uint keyId = 1;
        bool secretsOnly = false;
        var terminals = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--out" when i + 1 < args.Length:
                    outDir = args[++i];
                    break;
                case "--key-id" when i + 1 < args.Length && uint.TryParse(args[i + 1], out uint id) && id > 0:
                    keyId = id;
                    i++;
                    break;
                case "--terminal" when i + 1 < args.Length && IsTerminalId(args[i + 1]):
                    terminals.Add(args[++i]);
                    break;
                case "--secrets-only":
                    secretsOnly = true;
                    break;
                default:
                    output.WriteLine((args[i] is "-h" or "--help" ? "" : "not understood: " + args[i] + "\n") + Usage);
                    return 1;
            }
        }

        if (secretsOnly && terminals.Count == 0)
        {
            output.WriteLine("--secrets-only needs at least one --terminal ID\n" + Usage);
            return 1;
        }

        if (!secretsOnly)
        {
            string path = Path.Combine(outDir, "list-signing-key-" + keyId + ".pem");
            if (File.Exists(path))
            {
                output.WriteLine(path + " exists: not overwritten (a rotation uses a new --key-id)");
                return 1;
            }

            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Directory.CreateDirectory(outDir);
            WritePrivate(path, key.ExportPkcs8PrivateKeyPem());
            ECParameters parameters = key.ExportParameters(false);
            byte[] point = new byte[65];
            point[0] = 0x04;
            parameters.Q.X.CopyTo(point, 1);
            parameters.Q.Y.CopyTo(point, 33);
            output.WriteLine("list signing key " + keyId + " (ECDSA P-256)");
            output.WriteLine("  gateway (private, keep it there only): " + Path.GetFullPath(path));
            output.WriteLine("    \"ListSigningKeyFile\": \"" + Path.GetFullPath(path).Replace("\\", "\\\\", StringComparison.Ordinal) + "\", \"ListSigningKeyId\": " + keyId);
            output.WriteLine("  every terminal configuration of the site, [keys]:");
            output.WriteLine("    list_public_key = " + keyId + ":" + Convert.ToHexString(point).ToLowerInvariant());
        }

        foreach (string terminal in terminals)
        {
            string secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(SecretBytes)).ToLowerInvariant();
            output.WriteLine("terminal " + terminal + " request secret (32 bytes; secret: its configuration and the gateway only)");
            output.WriteLine("  terminal.conf [keys]:  terminal_secret = " + secret);
            output.WriteLine("  gateway \"Terminals\":   \"" + terminal + "\": \"" + secret + "\"");
        }

        return 0;
    }

    private static bool IsTerminalId(string id)
    {
        if (id.Length is < 1 or > 32)
        {
            return false;
        }

        foreach (char c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Creates the file readable and writable by its owner only (Unix mode 600) before writing the key.</summary>
    private static void WritePrivate(string path, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(pem);
    }
}
