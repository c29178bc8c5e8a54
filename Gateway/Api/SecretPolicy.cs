using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;

namespace LeoCarte.Gateway.Api;

/// <summary>
/// Which secrets the gateway accepts (issue 13 item 2): a terminal request secret (HMAC-SHA256 key) of at least
/// 32 bytes (RFC 2104 §3: a key shorter than the hash output weakens it), not one byte value repeated (all
/// zero is what an unfilled field or a blank flash gives), not a low-entropy pattern, and never one of the
/// published demo values of Gateway/sample — those only under `--sample` (<see cref="GatewayOptions.SampleMode"/>).
/// Real secrets: `dotnet run --project Gateway -- new-secret` (or `openssl rand -hex 32`).
/// </summary>
public static class SecretPolicy
{
    public const int MinimumBytes = 32;

    /// <summary>Public values from Gateway/sample/gateway.sample.json and the docs: never valid outside the demo.</summary>
    public static readonly IReadOnlyList<string> SampleValues = new[]
    {
        "4c656f43617274652064656d6f2073697465206b6579202d206e6f7420736563", // sample SiteKeyHex ("LeoCarte demo site key - not sec")
        "5465726d696e616c2052552d4341454e2d303120646d6f20736563726574210a", // sample RU-CAEN-01
        "5465726d696e616c2056454e442d524f55454e2d303720646d6f20736563210a", // sample VEND-ROUEN-07
    };

    /// <summary>Why this hex secret is refused, or null when it is acceptable.</summary>
    public static string Problem(string hex, bool sampleMode)
    {
        if (string.IsNullOrWhiteSpace(hex))
        {
            return "empty";
        }

        byte[] key;
        try
        {
            key = Convert.FromHexString(hex.Trim());
        }
        catch (FormatException)
        {
            return "not hexadecimal";
        }

        if (key.Length < MinimumBytes)
        {
            return $"{key.Length} bytes, at least {MinimumBytes} needed";
        }

        if (key.All(b => b == key[0]))
        {
            return key[0] == 0 ? "all zero" : "one byte value repeated";
        }

        if (key.Distinct().Count() < 8)
        {
            return "fewer than 8 different byte values (a pattern, not a random key)";
        }

        if (!sampleMode && SampleValues.Contains(Convert.ToHexStringLower(key), StringComparer.Ordinal))
        {
            return "the public sample value from Gateway/sample (only accepted with --sample)";
        }

        return null;
    }

    /// <summary>Every refused secret of the configuration, one line each, naming the setting but never its value.</summary>
    public static List<string> Problems(GatewayOptions options)
    {
        var problems = new List<string>();
        // The list signing key is no shared secret any more (ECDSA P-256, GatewayApp refuses the sample key unless
        // SampleMode): only the per-terminal request secrets are checked here.
        foreach (var (id, hex) in options.Terminals.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            if (Problem(hex, options.SampleMode) is string problem)
            {
                problems.Add($"Terminals.{id}: {problem}");
            }
        }

        return problems;
    }

    /// <summary>Throws with every problem listed and how to fix it.</summary>
    public static void Validate(GatewayOptions options)
    {
        List<string> problems = Problems(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException("refused secrets in the configuration:\n  " + string.Join("\n  ", problems) +
                "\nGenerate each with `dotnet run --project Gateway -- new-secret` (or `openssl rand -hex 32`) and provision it on the terminal.");
        }
    }

    /// <summary>A new 32-byte secret from the operating system's CSPRNG, lowercase hex.</summary>
    public static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(MinimumBytes));
}
