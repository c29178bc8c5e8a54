using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using LeoCarte.Gateway.Import;

namespace LeoCarte.Gateway.Lists;

/// <summary>
/// What one import read and what it would change, for the card-office page, the logs and check-export. Holds
/// counts, line numbers, field names and card ids only: never an eppn, a csn or a name.
/// </summary>
public sealed class ImportReport
{
    public string Format { get; set; }
    public int RowsRead { get; set; }

    /// <summary>Cards the new list holds (retained ones included).</summary>
    public int ListedCards { get; set; }

    /// <summary>Cards in the list in force before the import.</summary>
    public int PreviousCards { get; set; }

    /// <summary>Resulting cards by meaning ("active", "lost", "replaced", "out of order"...).</summary>
    public SortedDictionary<string, int> ByState { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Rows not listed: no csn yet, cancelled or rejected requests, new-card requests (RENEWED).</summary>
    public int NotListedRows { get; set; }

    public int Added { get; set; }
    public int Removed { get; set; }
    public int Changed { get; set; }

    /// <summary>Cards otherwise unchanged republished because their originality digest appeared, changed or went.</summary>
    public int OriginalityChanged { get; set; }

    /// <summary>State changes of listed cards, "active → lost": count.</summary>
    public SortedDictionary<string, int> Transitions { get; set; } = new(StringComparer.Ordinal);

    public int SetAsideCount { get; set; }

    /// <summary>The first set-aside rows (line, field, why, card id).</summary>
    public List<RowIssue> SetAside { get; set; } = new();

    /// <summary>Set-aside rows whose card kept the state of the list in force.</summary>
    public int Retained { get; set; }

    public int WarningCount { get; set; }
    public List<RowIssue> Warnings { get; set; } = new();

    public string LooksCut { get; set; }

    /// <summary>Why the import was held or refused; null when it can be published.</summary>
    public string HoldReason { get; set; }

    public const int MaxListedIssues = 200;

    public string ToJson() => JsonSerializer.Serialize(this);

    public static ImportReport FromJson(string json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ImportReport>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>One line: "+3 added, −1 removed, 2 changed (active → lost 2); 2 rows set aside".</summary>
    public string ChangeLine()
    {
        string transitions = Transitions.Count == 0 ? "" : " (" + string.Join(", ", Transitions.Select(t => $"{t.Key} {t.Value}")) + ")";
        string aside = SetAsideCount == 0 ? "" : $"; {SetAsideCount} row{(SetAsideCount == 1 ? "" : "s")} set aside{(Retained > 0 ? $", {Retained} card{(Retained == 1 ? "" : "s")} kept as listed" : "")}";
        string originality = OriginalityChanged == 0 ? "" : $", {OriginalityChanged} originality digest{(OriginalityChanged == 1 ? "" : "s")} changed";
        return $"{Added} added, {Removed} removed, {Changed} changed{transitions}{originality}{aside}";
    }
}
