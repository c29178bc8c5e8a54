using System;
using System.Collections.Generic;

namespace LeoCarte.Gateway;

/// <summary>
/// Gateway settings: from appsettings/command line ("Gateway" section) or built by tests. Secrets: the list
/// signing key (ECDSA P-256, a PEM file) and one secret per terminal (hex).
/// </summary>
public sealed partial class GatewayOptions
{
    /// <summary>"sqlite" (default) or "postgres".</summary>
    public string Database { get; set; } = "sqlite";

    /// <summary>ADO.NET connection string, e.g. "Data Source=gateway.db" or "Host=db;Username=leocarte;Password=...;Database=leocarte".</summary>
    public string ConnectionString { get; set; } = "Data Source=gateway.db";

    /// <summary>Site number written in every list; a terminal refuses lists for another site.</summary>
    public uint SiteId { get; set; } = 1;

    /// <summary>
    /// PEM file of the ECDSA P-256 private key lists are signed with (made by `dotnet run --project Tools/KeyGen`;
    /// readable by the gateway only). Terminals hold the public key under <see cref="ListSigningKeyId"/>.
    /// </summary>
    public string ListSigningKeyFile { get; set; }

    /// <summary>The same key as PEM text (tests, secrets injected by the environment); wins over the file.</summary>
    public string ListSigningKeyPem { get; set; }

    /// <summary>The id written in every list header (rotation: a new key gets a new id, terminals hold both for a while).</summary>
    public uint ListSigningKeyId { get; set; } = 1;

    /// <summary>
    /// Demonstration mode (`--sample`): the public sample keys shipped in Gateway/sample are accepted. Without it
    /// the gateway refuses to start with a sample list signing key. The same switch as <see cref="SampleMode"/>
    /// (set only by `--sample`; a configuration file cannot turn it on).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Demo { get => SampleMode; set => SampleMode = value; }

    /// <summary>
    /// The site's DESFire key version in force (1–255; 0 = the site announces none), written in every list header
    /// (Terminal/Allowlist/FORMAT.md): terminals under policy desfire-aes authenticate with the key of that version.
    /// Rotating keys is changing this (and <see cref="DesfirePreviousKeyVersion"/>): the next import publishes a new
    /// list version even when no card changed.
    /// </summary>
    public byte DesfireKeyVersion { get; set; }

    /// <summary>The previous key version, still accepted while cards personalised with it are re-personalised (0 = none).</summary>
    public byte DesfirePreviousKeyVersion { get; set; }

    /// <summary>
    /// Put the originality digest of each enrolled card's verified Read_Sig answer in its list entry
    /// (Terminal/Allowlist/FORMAT.md, "Originality digest"). Off by default: terminals whose firmware predates it refuse
    /// such a list, so turn it on once every terminal of the site runs a firmware that decodes it.
    /// </summary>
    public bool OriginalityDigests { get; set; }

    /// <summary>The card office's enrolment file: one <c>csn,signature</c> line per card (hex), verified at start-up
    /// against NXP's keys (<see cref="Lists.OriginalitySignatures"/>); read only with <see cref="OriginalityDigests"/>.</summary>
    public string OriginalitySignaturesFile { get; set; }

    /// <summary>Extra originality public keys (04‖X‖Y hex, secp224r1) besides NXP's: the simulator's manufacturer in `--sample`.</summary>
    public List<string> OriginalityExtraKeys { get; set; } = new();

    /// <summary>Terminal id → secret (hex). A terminal not listed here is refused.</summary>
    public Dictionary<string, string> Terminals { get; set; } = new(StringComparer.Ordinal);

    /// <summary>ESUP-SGC export to import: a file path or an http(s) URL (e.g. .../wsrest/api/csvSearch?etat=...).</summary>
    public string ImportSource { get; set; }

    /// <summary>"csv", "json" or "auto" (by the first character).</summary>
    public string ImportFormat { get; set; } = "auto";

    /// <summary>
    /// Extra CSV header labels → ESUP-SGC field names (id, csn, etat, dateEtat, eppn, motifDisable), for a site
    /// whose custom-messages.properties relabels card.csv.* (e.g. "Statut": "etat"). The built-in labels
    /// (sgc-messages.properties: Etat, Date de modification, Eppn, Motif) and the field names are always known.
    /// </summary>
    public Dictionary<string, string> ImportHeaderAliases { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Share of the list in force an import may remove without an operator's confirmation (0.05 = 5 %); an import
    /// removing more, or looking cut, is held on the card-office page and the list in force stays.
    /// </summary>
    public double MaxRemovalShare { get; set; } = 0.05;

    /// <summary>Largest export accepted, in bytes (a 100,000-card csvSearch export is about 8 MB).</summary>
    public long MaxExportBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Card-office operators: name → password hash ("pbkdf2-sha256$iterations$salt$hash", made by
    /// `dotnet run --project Gateway -- hash-password`). They sign in to the card-office page; the status JSON
    /// and every admin action require a signed-in operator.
    /// </summary>
    public Dictionary<string, string> Operators { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Host names the gateway answers to (Host header; a request for another host gets 400), against DNS
    /// rebinding. Add the name the terminals and operators use (e.g. "sgc-gw.unicaen.fr").
    /// </summary>
    public string[] AllowedHosts { get; set; } = { "localhost", "127.0.0.1", "[::1]" };

    /// <summary>Seconds between imports; 0 = only at start and on the card-office page's "Import now".</summary>
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
