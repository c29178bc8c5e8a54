using System;
using System.Collections.Generic;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Gateway.Storage;

/// <summary>A card as published in the list: UID in ESUP-SGC's csn form (lowercase hex, received order).</summary>
public sealed record ListCard(string Csn, CardState State, int HolderKey, byte Category);

/// <summary>One change of one version: State null = removed from the list.</summary>
public sealed record ListChange(long Version, string Csn, CardState? State, int HolderKey, byte Category);

/// <summary>A published list version.</summary>
public sealed record ListVersionInfo(long Version, DateTime IssuedUtc, int CardCount, int ChangeCount, string Source);

/// <summary>One import attempt, shown on the status page.</summary>
public sealed record ImportRecord(DateTime AtUtc, string Source, bool Ok, string Message, long Version, string Report = null);

/// <summary>
/// An import held for an operator's decision (Lists/ListService publication guard). Status: held (waiting),
/// published (confirmed), rejected, superseded (a later import published or was held), stale (the list moved
/// on before it was confirmed). Report is the import report as JSON (Lists/ImportReport).
/// </summary>
public sealed record HeldImport(long Id, DateTime AtUtc, string Source, long BaseVersion, string Reason, string Status, string ContentHash,
    string Report, string DecidedBy, DateTime? DecidedUtc, long PublishedVersion);

/// <summary>
/// One uploaded journal record. A record is identified by (terminal, journal id, sequence): the journal id is
/// drawn at random when a terminal creates its journal, so a terminal whose flash was wiped (sequences back to 1)
/// is not mistaken for one replaying old records (Terminal/Journal/FORMAT.md).
/// </summary>
public sealed record StoredJournalRecord(string TerminalId, int JournalId, long Sequence, byte[] Raw, long TimeUnixMs, string Uid, bool Approved, int Reason, int AmountCents, long ListVersion);

/// <summary>
/// One terminal's uploaded batch, as queued for a group commit, with the journal checks' verdicts on its records
/// (Journal/JournalChecker; null: not checked here). The verdicts are stored in the same transaction as the
/// records (journal_checks, first verdict kept on a retry): no record is ever stored without its verdict.
/// </summary>
public sealed record JournalUpload(string TerminalId, IReadOnlyList<StoredJournalRecord> Records, IReadOnlyList<JournalVerdict> Verdicts = null);

/// <summary>Outcome of storing one uploaded batch.</summary>
public sealed record JournalStoreResult(int Inserted, int Duplicates, int Conflicts);

/// <summary>What the terminals page shows per terminal.</summary>
public sealed class TerminalRow
{
    public string TerminalId { get; set; }
    public DateTime? LastHeartbeatUtc { get; set; }
    public string Firmware { get; set; }
    public long ListVersion { get; set; }
    public long ListAgeSeconds { get; set; } = -1;
    public int JournalDepth { get; set; }
    public string ReaderHealth { get; set; }
    public string ClockState { get; set; }
    public long ClockSkewSeconds { get; set; }
    public string LastError { get; set; }
    public long JournalRecords { get; set; }
    public long LastSequence { get; set; }
    public int JournalConflicts { get; set; }

    /// <summary>Approvals by UID alone of cards without the site application (migration mode): cards still to personalise.</summary>
    public long UidOnlyApprovals { get; set; }

    /// <summary>Approvals of cards that proved their DESFire AES key (policy desfire-aes).</summary>
    public long AuthenticatedApprovals { get; set; }
}

/// <summary>
/// Everything the gateway keeps. Implemented once in SQL with two dialects: SQLite (embedded default, one
/// instance) and PostgreSQL (several instances serving one fleet: version assignment under a row lock,
/// imports under an advisory lock so only one instance imports at a time).
/// </summary>
public interface IGatewayStore : IDisposable
{
    void Initialize();

    /// <summary>
    /// This database's random identity (never 0), drawn when the database is created and written in every list
    /// header: a terminal never matches versions across two identities (a reset gateway restarts at version 1),
    /// it asks for and accepts only a snapshot (Terminal/Allowlist/FORMAT.md, "Versions and database identity").
    /// </summary>
    long DatabaseId();

    /// <summary>The latest version, or null before the first import.</summary>
    ListVersionInfo CurrentVersion();

    /// <summary>Cards of the current version, keyed by csn.</summary>
    Dictionary<string, ListCard> CurrentCards();

    /// <summary>Holder keys for these eppns, creating new ones (stable across imports and renewals).</summary>
    Dictionary<string, int> HolderKeys(IEnumerable<string> eppns);

    /// <summary>
    /// Publishes version <paramref name="expectedPrevious"/>+1 with these changes and its signed snapshot (built
    /// by the caller for that version, before the transaction), in one short transaction. Returns the new
    /// version, or -1 when another instance published first (caller re-plans).
    /// </summary>
    long Publish(long expectedPrevious, DateTime issuedUtc, IReadOnlyList<ListChange> changes, int cardCount, byte[] snapshot, string source);

    /// <summary>Where the last <see cref="Publish"/> of this store spent its time, step by step (null: not measured).</summary>
    string LastPublishTimings => null;

    /// <summary>The current version number alone (cheap: what the in-memory list cache checks), 0 before the first import.</summary>
    long CurrentVersionNumber() => CurrentVersion()?.Version ?? 0;

    /// <summary>
    /// Held for a whole import (read the list in force, plan, publish) so gateway instances sharing the database
    /// import one at a time; null where one process owns the database (SQLite).
    /// </summary>
    IDisposable AcquireImportLock() => null;

    /// <summary>A small named text value kept with the data (e.g. the hash of the last applied export), or null.</summary>
    string ReadSetting(string key) => null;

    void WriteSetting(string key, string value)
    {
    }

    /// <summary>Several terminals' uploads and heartbeats in one transaction (group commit); results in upload order.</summary>
    JournalStoreResult[] StoreBatch(IReadOnlyList<JournalUpload> uploads, IReadOnlyList<TerminalRow> heartbeats)
    {
        var results = new JournalStoreResult[uploads.Count];
        for (int i = 0; i < uploads.Count; i++)
        {
            results[i] = StoreJournal(uploads[i].TerminalId, uploads[i].Records);
        }

        foreach (TerminalRow heartbeat in heartbeats)
        {
            RecordHeartbeat(heartbeat);
        }

        return results;
    }

    /// <summary>The signed snapshot bytes of a version (only the current one is guaranteed to be kept).</summary>
    byte[] Snapshot(long version);

    /// <summary>Changes of versions in (fromExclusive, toInclusive], ordered by version; null when they are no longer kept.</summary>
    List<ListChange> Changes(long fromExclusive, long toInclusive);

    void RecordImport(ImportRecord record);

    /// <summary>Holder keys of these eppns, only those that exist (nothing is created).</summary>
    Dictionary<string, int> FindHolderKeys(IEnumerable<string> eppns);

    /// <summary>The eppn behind a holder key, or null.</summary>
    string HolderEppn(int holderKey);

    /// <summary>The kept changes of one card, oldest first (State null = removed).</summary>
    List<ListChange> CardHistory(string csn);

    /// <summary>Stores an import held for an operator (superseding any still held); cards: one "csn state holder category" line per card.</summary>
    long HoldImport(HeldImport held, string cards);

    /// <summary>The latest held imports, newest first.</summary>
    List<HeldImport> HeldImports(int count);

    HeldImport HeldImportById(long id, out string cards);

    /// <summary>Sets the status of a held import still held; false when it was no longer held (decided meanwhile).</summary>
    bool DecideHeldImport(long id, string status, string decidedBy, DateTime atUtc, long publishedVersion);

    List<ImportRecord> RecentImports(int count);

    /// <summary>Stores a batch atomically, ignoring (terminal, sequence) pairs already held.</summary>
    JournalStoreResult StoreJournal(string terminalId, IReadOnlyList<StoredJournalRecord> records);

    long JournalCount(string terminalId);

    void RecordHeartbeat(TerminalRow heartbeat);

    List<TerminalRow> Terminals();
}
