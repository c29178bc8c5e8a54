using System;
using System.Collections.Generic;

namespace LeoCarte.Gateway;

/// <summary>
/// Settings of what the gateway trusts (issue 13): the demo mode, request rate limits, the checks applied to
/// every uploaded journal record, and how long journal records are kept.
/// </summary>
public sealed partial class GatewayOptions
{
    /// <summary>
    /// True only for `--sample` (and the virtual terminal): the public demo secrets of Gateway/sample are accepted.
    /// Otherwise the gateway refuses to start with a terminal secret or site key that is short, all one byte
    /// value, or one of the published sample values (Api/SecretPolicy).
    /// </summary>
    public bool SampleMode { get; set; }

    /// <summary>Request rate limits of the terminal API and the sign-in form (Api/RateLimits).</summary>
    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>What an uploaded journal record must satisfy to be billed without an operator's decision (Journal/JournalChecker).</summary>
    public JournalCheckOptions JournalChecks { get; set; } = new();

    /// <summary>Journal retention (Journal/RetentionService, PRIVACY.md).</summary>
    public RetentionOptions Retention { get; set; } = new();
}

/// <summary>
/// Token buckets (ASP.NET Core rate limiting). A terminal makes at most 18 requests per sync cycle (one list, up
/// to 16 journal batches, one heartbeat) every 60 s, plus one retry after a clock bootstrap: the per-terminal
/// bucket leaves it 3 full cycles of burst. Terminals behind one campus NAT share the per-address bucket.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests per minute one terminal id may make from one address (0 = no limit).</summary>
    public int PerTerminalPerMinute { get; set; } = 120;

    /// <summary>Burst of one terminal id from one address.</summary>
    public int PerTerminalBurst { get; set; } = 60;

    /// <summary>Requests per minute from one client address to the terminal API and /signin (0 = no limit).</summary>
    public int PerAddressPerMinute { get; set; } = 1200;

    /// <summary>Burst from one address.</summary>
    public int PerAddressBurst { get; set; } = 300;
}

/// <summary>Prices and caps a record is checked against, for all terminals of a kind or for one terminal.</summary>
public sealed class AmountRules
{
    /// <summary>"restaurant" or "vending": the mode the terminal's records must carry (null = either; per-terminal rules only).</summary>
    public string Kind { get; set; }

    /// <summary>The only amounts an approved record may carry (e.g. the 1 € meal: [100]); empty = any amount from 0 to <see cref="MaxAmountCents"/>.</summary>
    public int[] AllowedAmountsCents { get; set; } = Array.Empty<int>();

    /// <summary>Largest amount of one record, in cents (the terminal's VendingSettings.MaxPriceCents; 0 = use the kind's).</summary>
    public int MaxAmountCents { get; set; }
}

public sealed class JournalCheckOptions
{
    /// <summary>False turns every check off (records are all billable, as before issue 13). Default on.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Restaurant tills (record mode 0): the meal prices of the service windows.</summary>
    public AmountRules Restaurant { get; set; } = new() { AllowedAmountsCents = new[] { 100 }, MaxAmountCents = 1000 };

    /// <summary>Vending terminals (record mode 1): the largest sale (terminal default VendingSettings.MaxPriceCents = 1000).</summary>
    public AmountRules Vending { get; set; } = new() { MaxAmountCents = 1000 };

    /// <summary>Per terminal id: its kind (records of the other mode are anomalies) and its own prices/cap.</summary>
    public Dictionary<string, AmountRules> Terminals { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How far in the future of the gateway's receipt time a record's (synced) time may be: the clock skew the
    /// terminal tolerates before it reports "skewed" is 30 s; the request window is MaxClockSkewSeconds.
    /// </summary>
    public int MaxFutureSeconds { get; set; } = 300;

    /// <summary>
    /// How old a record may be when it arrives, in days. A terminal keeps recording while offline (its journal
    /// holds thousands of records and approvals continue for StalenessPolicy's 24 h after the last contact, longer
    /// when it syncs but cannot upload), and a machine switched off over the holidays uploads after weeks: the
    /// default is 45 days. The lower bound that catches forged dates is the other one: a record cannot be older
    /// than the list version it says it used (issued time − <see cref="MaxFutureSeconds"/>).
    /// </summary>
    public int MaxUploadDelayDays { get; set; } = 45;
}

public sealed class RetentionOptions
{
    /// <summary>
    /// Days a settled journal record is kept: an approved record after it was billed (exported), a denial or an
    /// anomaly the operator decided not to bill after that decision / its receipt. Unbilled approved records and
    /// undecided anomalies are never purged. 0 = keep forever.
    /// </summary>
    public int KeepDays { get; set; } = 90;

    /// <summary>Minutes between purge runs (the first runs one minute after start).</summary>
    public int SweepMinutes { get; set; } = 60;
}
