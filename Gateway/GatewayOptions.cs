using System;
using System.Collections.Generic;

namespace LeoCarte.Gateway;

/// <summary>
/// Gateway settings: from appsettings/command line ("Gateway" section) or built by tests. Secrets are hex: the
/// per-site list signing key (HMAC-SHA256, 32 bytes) and one secret per terminal.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>"sqlite" (default) or "postgres".</summary>
    public string Database { get; set; } = "sqlite";

    /// <summary>ADO.NET connection string, e.g. "Data Source=gateway.db" or "Host=db;Username=leocarte;Password=...;Database=leocarte".</summary>
    public string ConnectionString { get; set; } = "Data Source=gateway.db";

    /// <summary>Site number written in every list; a terminal refuses lists for another site.</summary>
    public uint SiteId { get; set; } = 1;

    /// <summary>Per-site list signing key, 64 hex digits; the same key is provisioned on the site's terminals.</summary>
    public string SiteKeyHex { get; set; }

    /// <summary>Terminal id → secret (hex). A terminal not listed here is refused.</summary>
    public Dictionary<string, string> Terminals { get; set; } = new(StringComparer.Ordinal);

    /// <summary>ESUP-SGC export to import: a file path or an http(s) URL (e.g. .../wsrest/api/csvSearch?etat=...).</summary>
    public string ImportSource { get; set; }

    /// <summary>"csv", "json" or "auto" (by the first character).</summary>
    public string ImportFormat { get; set; } = "auto";

    /// <summary>Seconds between imports; 0 = only at start and on POST /admin/import.</summary>
    public int ImportIntervalSeconds { get; set; } = 300;

    /// <summary>Accepted difference between a request's timestamp and the gateway clock.</summary>
    public int MaxClockSkewSeconds { get; set; } = 300;

    /// <summary>PKCS#12 file with the gateway's TLS certificate and key, for https:// URLs (issued by the CA the terminals pin).</summary>
    public string TlsCertificatePfx { get; set; }

    public string TlsCertificatePassword { get; set; }

    /// <summary>Largest accepted journal upload, in bytes.</summary>
    public int MaxJournalBatchBytes { get; set; } = 256 * 1024;

    /// <summary>Fault injection for the end-to-end tests (never set in production).</summary>
    public GatewayFaults Faults { get; set; } = new();
}

/// <summary>Test hooks: make the gateway die at chosen points or serve chosen bytes.</summary>
public sealed class GatewayFaults
{
    /// <summary>When ≥ 0, a list response is cut (connection aborted) after this many body bytes.</summary>
    public int AbortListAfterBytes { get; set; } = -1;

    /// <summary>Abort the connection of the next journal uploads before storing (count decremented per use).</summary>
    public int AbortJournalBeforeStore { get; set; }

    /// <summary>Abort the connection of the next journal uploads after storing, before answering.</summary>
    public int AbortJournalAfterStore { get; set; }

    /// <summary>Replaces the list bytes served (have, bytes) → bytes to send; null = serve the real list.</summary>
    public Func<long, byte[], byte[]> TamperList { get; set; }
}
