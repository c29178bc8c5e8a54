using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace LeoCarte.Gateway.Api;

/// <summary>Outcome of checking a request's authentication headers (before its body is read).</summary>
public sealed class HeaderCheck
{
    /// <summary>401, 403 (revoked terminal) or 0 when the headers are acceptable and the signature remains to be checked against the body.</summary>
    public int Status { get; init; }

    public string Error { get; init; }

    internal byte[] Secret { get; init; }

    internal byte[] Signature { get; init; }

    internal long Timestamp { get; init; }

    public bool Passed => Status == 0;
}

/// <summary>
/// Checks a terminal request's signature (Gateway/API.md, "Authentication"; the terminal side is
/// Terminal/Sync/RequestSigner.cs): HMAC-SHA256 under the terminal's secret over
/// "METHOD\nPATH?QUERY\nTERMINAL\nTIMESTAMP\nhex(SHA-256(body))", timestamp within ±MaxClockSkewSeconds.
/// In two steps so that nothing of the body is read for a request that cannot be authentic: the headers
/// (canonical forms only, known and not revoked terminal, timestamp in the window) first, then the signature
/// over the raw request target exactly as sent and the body.
/// </summary>
public sealed class TerminalAuthenticator
{
    /// <summary>Terminal ids: ASCII letters, digits, '.', '_', '-', 1 to 32 characters (API.md "Transport").</summary>
    public const int MaxTerminalIdLength = 32;

    private readonly TerminalCredentials credentials;
    private readonly int maxSkewSeconds;

    public TerminalAuthenticator(GatewayOptions options)
        : this(options, new TerminalCredentials(options, null))
    {
    }

    public TerminalAuthenticator(GatewayOptions options, TerminalCredentials credentials)
    {
        this.credentials = credentials;
        maxSkewSeconds = options.MaxClockSkewSeconds;
    }

    public bool IsKnown(string terminalId) => credentials.Find(terminalId) != null;

    /// <summary>
    /// The proof of an "up to date" answer for this terminal (Gateway/API.md, GET list, 204): lowercase hex
    /// HMAC-SHA256 under its secret; null for an unknown or revoked terminal. Terminal side: Terminal/Sync/RequestSigner.UpToDate.cs.
    /// </summary>
    public string UpToDateProof(string terminalId, long databaseId, long version, long gatewayTime, long nonce)
    {
        TerminalCredentialState credential = credentials.Find(terminalId);
        if (credential == null || credential.Revoked)
        {
            return null;
        }

        string text = string.Join('\n', "LCUP", terminalId, databaseId.ToString("x16", CultureInfo.InvariantCulture),
            version.ToString(CultureInfo.InvariantCulture), gatewayTime.ToString(CultureInfo.InvariantCulture), nonce.ToString("x16", CultureInfo.InvariantCulture));
        return Convert.ToHexString(HMACSHA256.HashData(credential.Secret, Encoding.ASCII.GetBytes(text))).ToLowerInvariant();
    }

    /// <summary>
    /// Step 1, from the headers alone. Canonical forms only: the terminal id as in the path, the timestamp as
    /// plain decimal digits without leading zeros, the signature as exactly 64 lowercase hex digits (what
    /// RequestSigner sends); anything else is refused rather than normalised.
    /// </summary>
    public HeaderCheck CheckHeaders(string terminalIdInPath, string terminalHeader, string timestampHeader, string signatureHeader, DateTime nowUtc)
    {
        if (terminalHeader == null || timestampHeader == null || signatureHeader == null)
        {
            return Refuse("missing authentication headers");
        }

        if (!IsCanonicalTerminalId(terminalHeader) || !string.Equals(terminalHeader, terminalIdInPath, StringComparison.Ordinal))
        {
            return Refuse("terminal header does not match the path");
        }

        TerminalCredentialState credential = credentials.Find(terminalHeader);
        if (credential == null)
        {
            return Refuse("unknown terminal");
        }

        if (!IsCanonicalDecimal(timestampHeader) || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out long timestamp))
        {
            return Refuse("bad timestamp (decimal Unix seconds, no sign, no leading zero)");
        }

        long now = new DateTimeOffset(nowUtc).ToUnixTimeSeconds();
        if (timestamp > now + maxSkewSeconds || timestamp < now - maxSkewSeconds)
        {
            return Refuse("timestamp outside the accepted window (check the terminal clock; X-LeoCarte-Time has ours)");
        }

        if (signatureHeader.Length != 64 || !IsLowercaseHex(signatureHeader))
        {
            return Refuse("bad signature encoding (64 lowercase hex digits)");
        }

        if (credential.Revoked)
        {
            // After the cheap format checks, so a revoked id's status is only told to a request that looks like its own.
            return new HeaderCheck { Status = StatusCodes.Status403Forbidden, Error = "terminal revoked at the card office: re-provision it with a new secret" };
        }

        return new HeaderCheck { Secret = credential.Secret, Signature = Convert.FromHexString(signatureHeader), Timestamp = timestamp };
    }

    /// <summary>Step 2: the signature over the method, the raw request target as sent, the terminal id, the timestamp and the body.</summary>
    public bool CheckSignature(HeaderCheck headers, string method, string rawTarget, string terminalId, byte[] body)
    {
        byte[] expected = Sign(headers.Secret, method, rawTarget, terminalId, headers.Timestamp, body);
        return CryptographicOperations.FixedTimeEquals(expected, headers.Signature);
    }

    /// <summary>Both steps at once: null when the request is authentic, else the reason (sent back in the 401/403 body).</summary>
    public string Check(string terminalIdInPath, string method, string pathAndQuery, string terminalHeader, string timestampHeader,
        string signatureHeader, byte[] body, DateTime nowUtc)
    {
        HeaderCheck headers = CheckHeaders(terminalIdInPath, terminalHeader, timestampHeader, signatureHeader, nowUtc);
        if (!headers.Passed)
        {
            return headers.Error;
        }

        return CheckSignature(headers, method, pathAndQuery, terminalHeader, body) ? null : "bad signature";
    }

    /// <summary>The signature a terminal with this secret sends (also used by tests and tools).</summary>
    public static byte[] Sign(byte[] secret, string method, string pathAndQuery, string terminalId, long timestamp, byte[] body)
    {
        string bodyHash = Convert.ToHexStringLower(SHA256.HashData(body ?? Array.Empty<byte>()));
        string canonical = string.Concat(method, "\n", pathAndQuery, "\n", terminalId, "\n", timestamp.ToString(CultureInfo.InvariantCulture), "\n", bodyHash);
        return HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(canonical));
    }

    public static bool IsCanonicalTerminalId(string id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxTerminalIdLength)
        {
            return false;
        }

        foreach (char c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '.' || c == '_' || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Digits only, no sign or space, no leading zero (except "0" itself), at most 19 digits.</summary>
    public static bool IsCanonicalDecimal(string text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 19 || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLowercaseHex(string text)
    {
        foreach (char c in text)
        {
            if (!(char.IsAsciiDigit(c) || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static HeaderCheck Refuse(string error) => new() { Status = StatusCodes.Status401Unauthorized, Error = error };
}
