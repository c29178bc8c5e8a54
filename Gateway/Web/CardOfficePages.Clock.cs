using System.Globalization;
using LeoCarte.Gateway.Storage;

namespace LeoCarte.Gateway.Web;

/// <summary>The terminals table's clock cell (issue 13, item 3).</summary>
public static partial class CardOfficePages
{
    /// <summary>
    /// The clock state a terminal reported in its last heartbeat, with the last offered-minus-own difference. A
    /// terminal whose clock refused a step ("suspect": SNTP or a replayed time tried to move it, see
    /// hardware/diagnostics.md) is flagged in red with what it means, since meals and caps follow that clock.
    /// </summary>
    internal static string ClockCell(TerminalRow t)
    {
        string skew = t.ClockSkewSeconds != 0 ? string.Format(CultureInfo.InvariantCulture, " ({0:+#;-#} s)", t.ClockSkewSeconds) : "";
        if (string.Equals(t.ClockState, "suspect", System.StringComparison.Ordinal))
        {
            return $"<td class=\"bad clock-suspect\" title=\"a time source tried to move this terminal's clock; the step was refused and its counters kept\">horloge suspecte / clock suspect{E(skew)}</td>";
        }

        return $"<td>{E(t.ClockState)}{E(skew)}</td>";
    }
}
