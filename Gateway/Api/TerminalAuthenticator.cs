using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LeoCarte.Gateway.Api;

/// <summary>
/// Checks a terminal request's signature (Gateway/API.md, "Authentication"; the terminal side is
/// Terminal/Sync/RequestSigner.cs): HMAC-SHA256 under the terminal's secret over
/// "METHOD\nPATH?QUERY\nTERMINAL\nTIMESTAMP\nhex(SHA-256(body))", timestamp within ±MaxClockSkewSeconds.
/// </summary>
public sealed class TerminalAuthenticator
{
    private readonly Dictionary<string, byte[]> secrets = new(StringComparer.Ordinal);
    private readonly int maxSkewSeconds;

    public TerminalAuthenticator(GatewayOptions options)
    {
        foreach (var (id, hex) in options.Terminals)
        {
            secrets[id] = Convert.FromHexString(hex);
        }

        maxSkewSeconds = options.MaxClockSkewSeconds;
    }

    public bool IsKnown(string terminalId) => terminalId != null && secrets.ContainsKey(terminalId);

    /// <summary>
    /// The proof of an "up to date" answer for this terminal (Gateway/API.md, GET list, 204): lowercase hex
    /// HMAC-SHA256 under its secret; null for an unknown terminal. Terminal side: Terminal/Sync/RequestSigner.UpToDate.cs.
    /// </summary>
    public string UpToDateProof(string terminalId, long databaseId, long version, long gatewayTime, long nonce)
    {
        if (terminalId == null || !secrets.TryGetValue(terminalId, out byte[] secret))
        {
            return null;
        }

        string text = string.Join('\n', "LCUP", terminalId, databaseId.ToString("x16", CultureInfo.InvariantCulture),
            version.ToString(CultureInfo.InvariantCulture), gatewayTime.ToString(CultureInfo.InvariantCulture), nonce.ToString("x16", CultureInfo.InvariantCulture));
        return Convert.ToHexString(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(text))).ToLowerInvariant();
    }

    /// <summary>Null when the request is authentic, else the reason (sent back in the 401 body).</summary>
    public string Check(string terminalIdInPath, string method, string pathAndQuery, string terminalHeader, string timestampHeader,
        string signatureHeader, byte[] body, DateTime nowUtc)
    {
        if (terminalHeader == null || timestampHeader == null || signatureHeader == null)
        {
            return "missing authentication headers";
        }

        if (!string.Equals(terminalHeader, terminalIdInPath, StringComparison.Ordinal))
        {
            return "terminal header does not match the path";
        }

        if (!secrets.TryGetValue(terminalHeader, out byte[] secret))
        {
            return "unknown terminal";
        }

        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out long timestamp))
        {
            return "bad timestamp";
        }

        long now = new DateTimeOffset(nowUtc).ToUnixTimeSeconds();
        if (Math.Abs(now - timestamp) > maxSkewSeconds)
        {
            return "timestamp outside the accepted window (check the terminal clock; X-LeoCarte-Time has ours)";
        }

        byte[] expected = Sign(secret, method, pathAndQuery, terminalHeader, timestamp, body);
        byte[] given;
        try
        {
            given = Convert.FromHexString(signatureHeader);
        }
        catch (FormatException)
        {
            return "bad signature encoding";
        }

        return CryptographicOperations.FixedTimeEquals(expected, given) ? null : "bad signature";
    }

    /// <summary>The signature a terminal with this secret sends (also used by tests and tools).</summary>
    public static byte[] Sign(byte[] secret, string method, string pathAndQuery, string terminalId, long timestamp, byte[] body)
    {
        string bodyHash = Convert.ToHexStringLower(SHA256.HashData(body ?? Array.Empty<byte>()));
        string canonical = string.Concat(method, "\n", pathAndQuery, "\n", terminalId, "\n", timestamp.ToString(CultureInfo.InvariantCulture), "\n", bodyHash);
        return HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(canonical));
    }
}
