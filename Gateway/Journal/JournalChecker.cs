using System;
using System.Collections.Generic;
using System.Globalization;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;

namespace LeoCarte.Gateway.Journal;

/// <summary>
/// Checks what a terminal uploads before it can be billed (issue 13 item 4). A terminal's secret proves who sent
/// a record, not that the record is true: whoever holds the key of one opened vending machine can send any
/// record. So every record is checked against what the gateway knows — the prices and caps of the terminal's
/// kind, the list version the record says it used (published? issued before the record's time? the card active
/// in it, with the same holder?), the gateway's receipt time, the journal's sequence, and the terminal's own
/// decision rules (approved ⇔ reason 0). A record failing any check is still stored (exactly-once holds, nothing
/// is lost) but flagged: it is never billed until an operator accepts it on the card-office page.
/// </summary>
public sealed class JournalChecker
{
    private readonly GatewayOptions options;
    private readonly TrustStore trust;
    private readonly IGatewayStore store;

    public JournalChecker(GatewayOptions options, TrustStore trust, IGatewayStore store)
    {
        this.options = options;
        this.trust = trust;
        this.store = store;
    }

    /// <summary>
    /// Checks one uploaded batch (decoded records, oldest first) received at <paramref name="receivedUtc"/>.
    /// Returns one verdict per record; Anomalies null = clean.
    /// </summary>
    public List<JournalVerdict> Check(string terminalId, IReadOnlyList<byte[]> rawRecords, DateTime receivedUtc, bool checkSequences = true)
    {
        var verdicts = new List<JournalVerdict>(rawRecords.Count);
        using IDisposable lookups = trust.LookupScope();
        long currentVersion = store.CurrentVersion()?.Version ?? 0;
        var maxStored = new Dictionary<int, long>();
        var issued = new Dictionary<long, long?>();
        var record = new JournalRecord();
        var anomalies = new List<string>();
        foreach (byte[] raw in rawRecords)
        {
            anomalies.Clear();
            if (!record.Decode(raw, 0, raw.Length))
            {
                anomalies.Add("record fails its CRC or format check");
                verdicts.Add(new JournalVerdict(terminalId, JournalRecord.ReadJournalId(raw, 0), JournalRecord.ReadSequence(raw, 0), false, string.Join("; ", anomalies)));
                continue;
            }

            if (options.JournalChecks.Enabled)
            {
                CheckDecision(record, anomalies);
                CheckAmount(terminalId, record, anomalies);
                CheckTimeAndList(record, receivedUtc, currentVersion, issued, anomalies);
                if (record.Approved)
                {
                    CheckCard(record, currentVersion, anomalies);
                }

                if (checkSequences)
                {
                    CheckSequence(terminalId, record, maxStored, anomalies);
                }
            }

            verdicts.Add(new JournalVerdict(terminalId, record.JournalId, record.Sequence, record.Approved, anomalies.Count == 0 ? null : string.Join("; ", anomalies)));
        }

        return verdicts;
    }

    /// <summary>The terminal's decision rules (DecisionEngine): approved ⇔ reason Approved (0); only a listed card is approved; a known reason code.</summary>
    private static void CheckDecision(JournalRecord r, List<string> anomalies)
    {
        if (r.Reason > (byte)ReasonCode.OutOfOrder)
        {
            anomalies.Add("unknown reason code " + r.Reason.ToString(CultureInfo.InvariantCulture));
        }
        else if (r.Approved != (r.Reason == (byte)ReasonCode.Approved))
        {
            anomalies.Add(r.Approved
                ? $"approved with reason {r.Reason} ({(ReasonCode)r.Reason}): the terminal approves only with reason 0"
                : "denied with reason 0 (Approved)");
        }

        if (r.Approved && (!r.CardListed || r.UidLength == 0))
        {
            anomalies.Add("approved for a card the record says was not listed / had no UID");
        }

        if (r.Mode > (byte)TerminalMode.Vending)
        {
            anomalies.Add("unknown terminal mode " + r.Mode.ToString(CultureInfo.InvariantCulture));
        }
    }

    private void CheckAmount(string terminalId, JournalRecord r, List<string> anomalies)
    {
        JournalCheckOptions o = options.JournalChecks;
        o.Terminals.TryGetValue(terminalId, out AmountRules own);
        string recordKind = r.Mode == (byte)TerminalMode.Vending ? "vending" : "restaurant";
        string kind = own?.Kind ?? recordKind;
        if (!string.Equals(kind, recordKind, StringComparison.OrdinalIgnoreCase))
        {
            anomalies.Add($"{recordKind} record from a terminal configured as {kind}");
        }

        AmountRules byKind = string.Equals(kind, "vending", StringComparison.OrdinalIgnoreCase) ? o.Vending : o.Restaurant;
        int max = own is { MaxAmountCents: > 0 } ? own.MaxAmountCents : byKind.MaxAmountCents;
        int[] prices = own is { AllowedAmountsCents.Length: > 0 } ? own.AllowedAmountsCents : byKind.AllowedAmountsCents ?? Array.Empty<int>();
        if (r.AmountCents < 0)
        {
            anomalies.Add($"negative amount {Euros(r.AmountCents)}");
            return;
        }

        if (!r.Approved)
        {
            return; // a denial carries the requested amount: no money moves, a garbled request is denied by the terminal itself
        }

        if (max > 0 && r.AmountCents > max)
        {
            anomalies.Add($"amount {Euros(r.AmountCents)} above the {kind} cap {Euros(max)}");
        }
        else if (prices.Length > 0 && Array.IndexOf(prices, r.AmountCents) < 0)
        {
            anomalies.Add($"amount {Euros(r.AmountCents)} is not a {kind} price ({string.Join(", ", Array.ConvertAll(prices, Euros))})");
        }
    }

    /// <summary>
    /// "Near receipt": a synced record time may be at most MaxFutureSeconds after the gateway received it, not
    /// before the list version it used was issued (minus the same skew), and at most MaxUploadDelayDays old (an
    /// offline terminal uploads late; see JournalCheckOptions). An unsynced record's time is the terminal's
    /// uptime-based guess (the ESP32 boots in 1970): not checked, the receipt time stands for it.
    /// </summary>
    private void CheckTimeAndList(JournalRecord r, DateTime receivedUtc, long currentVersion, Dictionary<long, long?> issued, List<string> anomalies)
    {
        JournalCheckOptions o = options.JournalChecks;
        long receivedMs = SqlGatewayStore.ToMs(receivedUtc);
        long skewMs = o.MaxFutureSeconds * 1000L;
        if (r.ListVersion > currentVersion)
        {
            anomalies.Add($"list version {r.ListVersion} was never published (current {currentVersion})");
        }
        else if (r.ListVersion < 0 || (r.Approved && r.ListVersion == 0))
        {
            anomalies.Add("approved without a list");
        }

        if (!r.ClockSynced)
        {
            return;
        }

        if (r.UnixMilliseconds > receivedMs + skewMs)
        {
            anomalies.Add($"time {Time(r.UnixMilliseconds)} is after the gateway received it ({Time(receivedMs)}) by more than {o.MaxFutureSeconds} s");
        }
        else if (o.MaxUploadDelayDays > 0 && r.UnixMilliseconds < receivedMs - o.MaxUploadDelayDays * 86_400_000L)
        {
            anomalies.Add($"time {Time(r.UnixMilliseconds)} is more than {o.MaxUploadDelayDays} days before it was received ({Time(receivedMs)})");
        }

        if (r.ListVersion > 0 && r.ListVersion <= currentVersion)
        {
            if (!issued.TryGetValue(r.ListVersion, out long? issuedMs))
            {
                issued[r.ListVersion] = issuedMs = trust.VersionIssuedMs(r.ListVersion);
            }

            if (issuedMs.HasValue && r.UnixMilliseconds < issuedMs.Value - skewMs)
            {
                anomalies.Add($"time {Time(r.UnixMilliseconds)} is before list version {r.ListVersion} it used was issued ({Time(issuedMs.Value)})");
            }
        }
    }

    /// <summary>An approval needs the card active in the list version the record states, under the same holder key.</summary>
    private void CheckCard(JournalRecord r, long currentVersion, List<string> anomalies)
    {
        if (r.UidLength == 0 || r.ListVersion <= 0 || r.ListVersion > currentVersion)
        {
            return; // already flagged above
        }

        string csn = Convert.ToHexStringLower(r.Uid, 0, r.UidLength);
        switch (trust.CardAtVersion(csn, r.ListVersion, out CardState state, out int holderKey, out _))
        {
            case CardAtVersionKind.NotListed:
                anomalies.Add($"approved for card {csn} not listed in version {r.ListVersion}");
                break;
            case CardAtVersionKind.Unknown:
                anomalies.Add($"approved for card {csn} in version {r.ListVersion}, older than the kept list history: cannot be verified");
                break;
            case CardAtVersionKind.Listed when state != CardState.Active:
                anomalies.Add($"approved for card {csn}, {state} in version {r.ListVersion}");
                break;
            case CardAtVersionKind.Listed when holderKey != r.HolderKey:
                anomalies.Add($"holder key {r.HolderKey} is not card {csn}'s ({holderKey}) in version {r.ListVersion}");
                break;
        }
    }

    /// <summary>
    /// A terminal uploads its journal oldest first and never re-sends a skipped sequence (FORMAT.md "Upload
    /// batch"), so a new record below one already stored was inserted afterwards.
    /// </summary>
    private void CheckSequence(string terminalId, JournalRecord r, Dictionary<int, long> maxStored, List<string> anomalies)
    {
        if (!maxStored.TryGetValue(r.JournalId, out long max))
        {
            maxStored[r.JournalId] = max = trust.MaxStoredSequence(terminalId, r.JournalId);
        }

        if (r.Sequence < max && !trust.IsStored(terminalId, r.JournalId, r.Sequence))
        {
            anomalies.Add($"sequence {r.Sequence} arrived after sequence {max} of the same journal was stored");
        }
    }

    private static string Euros(int cents) => (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture) + " €";

    private static string Time(long unixMs) =>
        unixMs is < -62135596800000 or > 253402300799999 ? unixMs.ToString(CultureInfo.InvariantCulture) + " ms"
            : DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
