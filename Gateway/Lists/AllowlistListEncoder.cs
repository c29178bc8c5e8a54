using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Gateway.Lists;

/// <summary>
/// <see cref="IListEncoder"/> on the allowlist's own ListBuilder (Terminal.Support/Allowlist), so the bytes the
/// gateway signs are, by construction, the bytes the terminal's ListUpdate parses. CSNs are ESUP-SGC's
/// canonical form: lowercase hex of the UID in received order. Every entry carries the card family
/// <see cref="CardFamilies.ImpliedBy"/> its csn length gives: the ESUP-SGC export has no card-type field
/// (Terminal/Allowlist/FORMAT.md, "Card family"). Every header carries the site's DESFire key versions.
/// </summary>
public sealed class AllowlistListEncoder : IListEncoder
{
    private readonly uint siteId;
    private readonly ListSigning signing;

    private readonly OriginalitySignatures originality;

    /// <param name="siteId">The site the lists are for (list header).</param>
    /// <param name="signing">What signs every list: the ECDSA P-256 signer, the gateway database id, the chunk size.</param>
    /// <param name="keyVersion">The DESFire site key version announced in the header (0: policy uid).</param>
    /// <param name="previousKeyVersion">The version still accepted during a rotation (0: none).</param>
    /// <param name="originality">Verified originality signatures whose digests go into the entries (FORMAT.md,
    /// "Originality digest"); null = no digests, the default: a terminal whose firmware predates the digest refuses a
    /// list carrying one (BadFormat), so a site turns <see cref="GatewayOptions.OriginalityDigests"/> on only once every
    /// terminal runs a firmware that decodes it.</param>
    public AllowlistListEncoder(uint siteId, ListSigning signing, byte keyVersion = 0, byte previousKeyVersion = 0, OriginalitySignatures originality = null)
    {
        this.originality = originality;
        if (!WireFormat.AreValidKeyVersions(keyVersion, previousKeyVersion))
        {
            throw new ArgumentException($"DESFire key versions {keyVersion}/{previousKeyVersion}: the version in force is 1–255 (0 = none, then no previous one) and the previous one differs from it (0 = none)");
        }

        this.siteId = siteId;
        this.signing = signing;
        KeyVersion = keyVersion;
        PreviousKeyVersion = previousKeyVersion;
    }

    public byte KeyVersion { get; }

    public byte PreviousKeyVersion { get; }

    /// <summary>The list entry of a card: its family from the csn length (the only type information ESUP-SGC exports).</summary>
    public static ListEntry EntryOf(ListCard card)
    {
        byte[] uid = Convert.FromHexString(card.Csn);
        return new ListEntry(uid, card.State, card.HolderKey, card.Category, CardFamilies.ImpliedBy(uid.Length));
    }

    /// <summary>The entry with the digest of the card's verified originality signature, when digests are on and one was enrolled.</summary>
    private ListEntry Entry(ListCard card)
    {
        ListEntry entry = EntryOf(card);
        if (originality != null && entry.Family == CardFamily.Desfire)
        {
            entry.OriginalityDigest = originality.DigestOf(card.Csn);
        }

        return entry;
    }

    public uint OriginalityDigestOf(ListCard card) => Entry(card).OriginalityDigest;

    public bool RefreshOriginality() => originality != null && originality.ReloadIfChanged();

    public string OriginalityFingerprint => originality?.EnrolmentFingerprint;

    public uint KeyId => signing.Signer.KeyId;

    public long DatabaseId => signing.DatabaseId;

    public byte[] Snapshot(long version, DateTime issuedUtc, IReadOnlyCollection<ListCard> cards)
    {
        ListEntry[] entries = cards.Select(Entry).ToArray();
        return ListBuilder.BuildSnapshot(siteId, version, Seconds(issuedUtc), KeyVersion, PreviousKeyVersion, entries, signing);
    }

    public byte[] Delta(long fromVersion, long toVersion, DateTime issuedUtc, IReadOnlyCollection<ListCard> upserts, IReadOnlyCollection<string> removedCsns)
    {
        var entries = upserts.Select(Entry)
            .Concat(removedCsns.Select(csn => ListEntry.Removal(Convert.FromHexString(csn))))
            .ToArray();
        return ListBuilder.BuildDelta(siteId, toVersion, fromVersion, Seconds(issuedUtc), KeyVersion, PreviousKeyVersion, entries, signing);
    }

    private static long Seconds(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeSeconds();
}
