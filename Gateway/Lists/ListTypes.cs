using System.Collections.Generic;
using LeoCarte.Gateway.Storage;

namespace LeoCarte.Gateway.Lists;

/// <summary>What the list endpoint answers to ?have=N.</summary>
public enum ListAnswerKind
{
    /// <summary>No list published yet (503).</summary>
    NoList,
    /// <summary>The terminal has the current version (204).</summary>
    UpToDate,
    Snapshot,
    Delta,
    /// <summary>The terminal claims a version the gateway never published (409).</summary>
    TerminalAhead,
}

public sealed record ListAnswer(ListAnswerKind Kind, long Version, byte[] Bytes);

/// <summary>Result of importing one export. Ok: the list in force is what the export says (published or unchanged).</summary>
public sealed record ImportOutcome(bool Ok, string Message, long Version, int Changes, int ErrorLine)
{
    public ImportStatus Status { get; init; } = ImportStatus.Refused;

    /// <summary>The held import's number when <see cref="Status"/> is Held.</summary>
    public long HeldId { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public ImportReport Report { get; init; }

    /// <summary>Where the time went (plan, sign, publish transaction), e.g. "plan 812 ms, sign 95 ms, publish 640 ms".</summary>
    public string Timings { get; init; }
}

public enum ImportStatus
{
    Published,
    Unchanged,
    /// <summary>Waiting for an operator's confirmation; the list in force stays.</summary>
    Held,
    /// <summary>Not used (unreadable, empty, or already rejected); the list in force stays.</summary>
    Refused,
}

/// <summary>Status values of held imports.</summary>
public static class HeldStatus
{
    public const string Held = "held";
    public const string Published = "published";
    public const string Rejected = "rejected";
    public const string Superseded = "superseded";
    public const string Stale = "stale";
}

/// <summary>An import's computed effect: the card set it would publish and the changes against version BaseVersion.</summary>
public sealed record ImportPlan(long BaseVersion, bool HasCurrent, Dictionary<string, ListCard> Wanted, List<ListChange> Changes, ImportReport Report);
