using System;
using System.Collections.Generic;
using LeoCarte.Gateway.Storage;

namespace LeoCarte.Gateway.Lists;

/// <summary>
/// Turns cards into the signed list bytes a terminal applies. The implementation is the allowlist's own
/// encoder (Terminal/Allowlist, issue 4) so the gateway and the terminal can never disagree on the format.
/// </summary>
public interface IListEncoder
{
    /// <summary>Id of the key lists are signed with now (a stored snapshot signed with another key is re-signed).</summary>
    uint KeyId { get; }

    /// <summary>The gateway database identity written in every list.</summary>
    long DatabaseId { get; }

    /// <summary>A full list: every card of the version, signed with the gateway's list key.</summary>
    byte[] Snapshot(long version, DateTime issuedUtc, IReadOnlyCollection<ListCard> cards);

    /// <summary>The DESFire key version each list announces (0 = none) and the previous one still accepted (0 = none).</summary>
    byte KeyVersion { get; }

    byte PreviousKeyVersion { get; }

    /// <summary>
    /// The originality digest the card's entry carries (Terminal/Allowlist/FORMAT.md, "Originality digest"), 0 for
    /// none. Not a column of the card: the import compares it with the published snapshot's (ListService.Originality.cs).
    /// </summary>
    uint OriginalityDigestOf(ListCard card) => 0;

    /// <summary>Re-reads the originality enrolment when it changed (before each import plans); true when it did.</summary>
    bool RefreshOriginality() => false;

    /// <summary>SHA-256 (hex) of the originality enrolment in force, null when digests are off.</summary>
    string OriginalityFingerprint => null;

    /// <summary>The changes from <paramref name="fromVersion"/> to <paramref name="toVersion"/>, signed.</summary>
    byte[] Delta(long fromVersion, long toVersion, DateTime issuedUtc, IReadOnlyCollection<ListCard> upserts, IReadOnlyCollection<string> removedCsns);
}
