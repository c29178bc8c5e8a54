using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LeoCarte.Gateway.Web;

/// <summary>
/// Card-office operators' passwords, stored as "pbkdf2-sha256$iterations$salt$hash" (PBKDF2-HMAC-SHA256,
/// RFC 8018 §5.2, 16-byte random salt, 32-byte key; base64). Verification compares in constant time and costs
/// the same for an unknown name; five failures in five minutes lock a name for five minutes.
/// </summary>
public sealed class OperatorPasswords
{
    public const int DefaultIterations = 210_000; // OWASP 2023 figure for PBKDF2-HMAC-SHA256

    private static readonly string DummyHash = Hash("not-a-password", DefaultIterations);
    private readonly ConcurrentDictionary<string, (int Failures, DateTime Since)> failures = new(StringComparer.Ordinal);

    public static string Hash(string password, int iterations = DefaultIterations)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(16);
        byte[] key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${iterations.ToString(CultureInfo.InvariantCulture)}${Convert.ToBase64String(salt)}${Convert.ToBase64String(key)}";
    }

    public static bool Matches(string password, string stored)
    {
        string[] parts = (stored ?? "").Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int iterations) || iterations < 10_000)
        {
            return false;
        }

        try
        {
            byte[] salt = Convert.FromBase64String(parts[2]);
            byte[] expected = Convert.FromBase64String(parts[3]);
            byte[] actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password ?? ""), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Checks a sign-in against the configured operators; false for unknown names, wrong passwords and locked names.</summary>
    public bool Check(GatewayOptions options, string name, string password, DateTime nowUtc)
    {
        name = (name ?? "").Trim();
        if (failures.TryGetValue(name, out var record) && record.Failures >= 5 && nowUtc - record.Since < TimeSpan.FromMinutes(5))
        {
            Matches(password, DummyHash);
            return false;
        }

        bool known = options.Operators.TryGetValue(name, out string stored);
        bool ok = Matches(password, known ? stored : DummyHash) && known;
        if (ok)
        {
            failures.TryRemove(name, out _);
        }
        else
        {
            failures.AddOrUpdate(name, _ => (1, nowUtc), (_, r) => nowUtc - r.Since > TimeSpan.FromMinutes(5) ? (1, nowUtc) : (r.Failures + 1, r.Since));
        }

        return ok;
    }
}
