using System;
using System.IO;
using System.Linq;
using System.Threading;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Lists;
using LeoCarte.Gateway.Storage;
using Microsoft.Data.Sqlite;

namespace LeoCarte.Gateway;

/// <summary>
/// `check-export FILE_OR_URL [--config gateway.json]`: what the gateway would make of an export before it goes
/// live — rows read, cards by resulting state, rows set aside (line, field, why; never a value), and, with a
/// configured database, whether the import would be published or held against the list in force. Writes
/// nothing. Exit code 0 = would publish (or nothing to change), 1 = would hold or refuse, 2 = usage.
/// </summary>
public static class CheckExport
{
    public static int Run(string source, GatewayOptions options, TextWriter output)
    {
        options ??= new GatewayOptions();
        source = ResolvePath(source);
        byte[] bytes;
        try
        {
            bytes = ImportService.FetchAsync(source, options.MaxExportBytes, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or System.Net.Http.HttpRequestException or UnauthorizedAccessException or System.Threading.Tasks.TaskCanceledException)
        {
            output.WriteLine($"{SourceDisplay.Redact(source)}: cannot read: {e.Message}");
            output.WriteLine("verdict: REFUSED (nothing read)");
            return 1;
        }

        output.WriteLine($"export {SourceDisplay.Redact(source)}: {bytes.Length:N0} bytes");
        ExportReadResult read;
        try
        {
            read = EsupSgcExport.Read(bytes, new ExportReadSettings { Format = options.ImportFormat, HeaderAliases = options.ImportHeaderAliases });
        }
        catch (ExportFormatException e)
        {
            output.WriteLine($"refused: {e.Message}");
            output.WriteLine("verdict: REFUSED (the export cannot be read; the list in force would stay)");
            return 1;
        }

        output.WriteLine($"rows read: {read.RowsRead:N0} ({read.Format}); sound: {read.Cards.Count:N0}; set aside: {read.SetAside.Count:N0}; values ignored: {read.Warnings.Count:N0}");
        CardOfficeState[] states = StateMapping.Classify(read.Cards);
        output.WriteLine("cards by resulting state:");
        foreach (var group in states.GroupBy(s => s).OrderBy(g => g.Key))
        {
            var entry = StateMapping.ToList(group.Key);
            string till = entry.HasValue ? LeoCarte.Terminal.Decisions.ReasonText.InFrench(StateMapping.ReasonAtTill(entry.Value.State, entry.Value.Category)) : "not listed: Carte inconnue";
            output.WriteLine($"  {group.Key,-13} {group.Count(),9:N0}   at the till: {till}");
        }

        if (read.SetAside.Count > 0)
        {
            output.WriteLine("rows set aside (their cards keep the state in force):");
            foreach (RowIssue issue in read.SetAside.Take(100))
            {
                output.WriteLine("  " + issue);
            }

            if (read.SetAside.Count > 100)
            {
                output.WriteLine($"  … and {read.SetAside.Count - 100:N0} more");
            }
        }

        foreach (RowIssue warning in read.Warnings.Take(20))
        {
            output.WriteLine("  ignored: " + warning);
        }

        if (read.LooksCut != null)
        {
            output.WriteLine("looks cut: " + read.LooksCut);
        }

        IGatewayStore store = OpenExistingStore(options, output);
        ImportStatus status;
        ImportReport report;
        using (store)
        {
            var lists = new ListService(store ?? new EmptyStore(), new AllowlistListEncoder(options.SiteId, new LeoCarte.Terminal.Allowlist.ListSigning(new NeverSigns(), 1))) { MaxRemovalShare = options.MaxRemovalShare };
            (status, ImportPlan plan) = lists.DryRun(read);
            report = plan.Report;
            output.WriteLine(store == null
                ? $"against no list in force (no database configured): {report.ListedCards:N0} cards would be listed"
                : $"against the list in force (version {plan.BaseVersion}, {report.PreviousCards:N0} cards): {report.ChangeLine()}; {report.ListedCards:N0} cards would be listed");
        }

        switch (status)
        {
            case ImportStatus.Published:
                output.WriteLine("verdict: WOULD PUBLISH");
                return 0;
            case ImportStatus.Unchanged:
                output.WriteLine("verdict: WOULD PUBLISH (nothing changes)");
                return 0;
            case ImportStatus.Held:
                output.WriteLine($"verdict: WOULD HOLD for an operator's confirmation: {report.HoldReason}");
                return 1;
            default:
                output.WriteLine($"verdict: REFUSED: {report.HoldReason}");
                return 1;
        }
    }

    /// <summary>
    /// A relative file path as the user typed it: `dotnet run --project Gateway` may run in the project folder, so a
    /// path relative to the shell's folder (PWD) is tried too.
    /// </summary>
    public static string ResolvePath(string source)
    {
        if (source.Contains("://", StringComparison.Ordinal) || Path.IsPathRooted(source) || File.Exists(source))
        {
            return source;
        }

        string shell = Environment.GetEnvironmentVariable("PWD");
        return !string.IsNullOrEmpty(shell) && File.Exists(Path.Combine(shell, source)) ? Path.Combine(shell, source) : source;
    }

    /// <summary>The configured database when it exists (a missing SQLite file is not created); null otherwise.</summary>
    private static IGatewayStore OpenExistingStore(GatewayOptions options, TextWriter output)
    {
        if (string.IsNullOrEmpty(options.ListSigningKeyFile) && string.IsNullOrEmpty(options.ListSigningKeyPem) && options.Terminals.Count == 0)
        {
            return null; // no configuration given
        }

        if (options.Database is null or "" or "sqlite")
        {
            string file = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
            if (string.IsNullOrEmpty(file) || !File.Exists(file))
            {
                output.WriteLine($"database {file}: not found (no list in force to compare with)");
                return null;
            }
        }

        try
        {
            IGatewayStore store = GatewayApp.CreateStore(options);
            store.CurrentVersion();
            return store;
        }
        catch (System.Data.Common.DbException e)
        {
            output.WriteLine($"database: cannot read ({e.Message}); no list in force to compare with");
            return null;
        }
    }

    /// <summary>A dry run plans, it never signs a list.</summary>
    private sealed class NeverSigns : LeoCarte.Terminal.Allowlist.IListSigner
    {
        public uint KeyId => 1;
        public void SignDigest(byte[] digest, byte[] signature, int offset) => throw new InvalidOperationException("check-export never signs a list");
    }

    /// <summary>No database: an empty list in force.</summary>
    private sealed class EmptyStore : IGatewayStore
    {
        public void Initialize() { }
        public long DatabaseId() => 1;
        public ListVersionInfo CurrentVersion() => null;
        public System.Collections.Generic.Dictionary<string, ListCard> CurrentCards() => new(StringComparer.Ordinal);
        public System.Collections.Generic.Dictionary<string, int> HolderKeys(System.Collections.Generic.IEnumerable<string> eppns) => new(StringComparer.Ordinal);
        public long Publish(long expectedPrevious, DateTime issuedUtc, System.Collections.Generic.IReadOnlyList<ListChange> changes, int cardCount, byte[] snapshot, string source) => throw new NotSupportedException();
        public byte[] Snapshot(long version) => null;
        public System.Collections.Generic.List<ListChange> Changes(long fromExclusive, long toInclusive) => null;
        public void RecordImport(ImportRecord record) { }
        public System.Collections.Generic.List<ImportRecord> RecentImports(int count) => new();
        public System.Collections.Generic.Dictionary<string, int> FindHolderKeys(System.Collections.Generic.IEnumerable<string> eppns) => new(StringComparer.Ordinal);
        public string HolderEppn(int holderKey) => null;
        public System.Collections.Generic.List<ListChange> CardHistory(string csn) => new();
        public long HoldImport(HeldImport held, string cards) => throw new NotSupportedException();
        public System.Collections.Generic.List<HeldImport> HeldImports(int count) => new();
        public HeldImport HeldImportById(long id, out string cards) { cards = null; return null; }
        public bool DecideHeldImport(long id, string status, string decidedBy, DateTime atUtc, long publishedVersion) => false;
        public JournalStoreResult StoreJournal(string terminalId, System.Collections.Generic.IReadOnlyList<StoredJournalRecord> records) => throw new NotSupportedException();
        public long JournalCount(string terminalId) => 0;
        public void RecordHeartbeat(TerminalRow heartbeat) { }
        public System.Collections.Generic.List<TerminalRow> Terminals() => new();
        public void Dispose() { }
    }
}
