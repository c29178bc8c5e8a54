using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Allowlist;

namespace LeoCarte.Gateway.Lists;

/// <summary>
/// <see cref="IListEncoder"/> on the allowlist's own ListBuilder (Terminal.Support/Allowlist), so the bytes the
/// gateway signs are, by construction, the bytes the terminal's ListUpdate parses. CSNs are ESUP-SGC's
/// canonical form: lowercase hex of the UID in received order.
/// </summary>
public sealed class AllowlistListEncoder : IListEncoder
{
    private readonly uint siteId;
    private readonly ListSigning signing;

    public AllowlistListEncoder(uint siteId, ListSigning signing)
    {
        this.siteId = siteId;
        this.signing = signing;
    }

    public uint KeyId => signing.Signer.KeyId;

    public long DatabaseId => signing.DatabaseId;

    public byte[] Snapshot(long version, DateTime issuedUtc, IReadOnlyCollection<ListCard> cards)
    {
        ListEntry[] entries = cards.Select(c => new ListEntry(Convert.FromHexString(c.Csn), c.State, c.HolderKey, c.Category)).ToArray();
        return ListBuilder.BuildSnapshot(siteId, version, Seconds(issuedUtc), entries, signing);
    }

    public byte[] Delta(long fromVersion, long toVersion, DateTime issuedUtc, IReadOnlyCollection<ListCard> upserts, IReadOnlyCollection<string> removedCsns)
    {
        var entries = upserts.Select(c => new ListEntry(Convert.FromHexString(c.Csn), c.State, c.HolderKey, c.Category))
            .Concat(removedCsns.Select(csn => ListEntry.Removal(Convert.FromHexString(csn))))
            .ToArray();
        return ListBuilder.BuildDelta(siteId, toVersion, fromVersion, Seconds(issuedUtc), entries, signing);
    }

    private static long Seconds(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeSeconds();
}
