using System;
using System.Collections.Generic;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Allowlist;

namespace LeoCarte.Gateway.Lists;

/// <summary>
/// Originality digests in the import's change detection. A card's digest comes from the enrolment file, not from the
/// ESUP-SGC export, so a card enrolled (or withdrawn) after it was published is otherwise unchanged: without this its
/// terminals would learn the digest only with the next delta that happens to carry the card.
/// <para>Where the published digests are kept: nowhere new. The stored snapshot of the version in force IS what every
/// terminal holds (or will hold after its deltas), digests included, and is written in the publication's own
/// transaction on both stores (SQLite, PostgreSQL). The planner decodes its entries and publishes, as changed entries
/// of the next version, the cards whose digest now differs. No column or setting to migrate or to keep in step with
/// the snapshot (a crash between two writes could not publish twice or miss one), another instance's publication is
/// seen as it is, and a restart with an unchanged enrolment finds every digest equal: nothing to publish. Cost: one
/// pass over the snapshot body per import, only when digests are on.</para>
/// </summary>
public sealed partial class ListService
{
    /// <summary>
    /// Re-reads the originality enrolment file if it changed and returns its fingerprint (null when digests are off):
    /// the import's "export unchanged" shortcut includes it, so a changed enrolment is planned even when the export
    /// did not move (ImportService).
    /// </summary>
    public string RefreshOriginality()
    {
        encoder.RefreshOriginality();
        return encoder.OriginalityFingerprint;
    }

    /// <summary>
    /// Adds to <paramref name="changes"/> each card kept as it is (same state, holder, category) whose digest differs
    /// from the one the snapshot of <paramref name="current"/> carries. New and changed cards already are changes.
    /// </summary>
    private void AddOriginalityChanges(ListVersionInfo current, Dictionary<string, ListCard> wanted, Dictionary<string, ListCard> have,
        List<ListChange> changes, ImportReport report)
    {
        if (current == null)
        {
            return;
        }

        Dictionary<string, uint> published = null;
        long version = current.Version;
        foreach (ListCard card in wanted.Values)
        {
            if (!have.TryGetValue(card.Csn, out ListCard old) || old != card)
            {
                continue;
            }

            uint digest = encoder.OriginalityDigestOf(card);
            // Decoded lazily: with digests off and none published, no card has one and the snapshot is not read.
            if (published == null)
            {
                if (digest == 0 && !anyDigestPublished.GetValueOrDefault(version, true))
                {
                    continue;
                }

                published = PublishedDigests(version);
                anyDigestPublished[version] = published.Count > 0;
            }

            if (published.GetValueOrDefault(card.Csn) != digest)
            {
                report.OriginalityChanged++;
                changes.Add(new ListChange(version + 1, card.Csn, card.State, card.HolderKey, card.Category));
            }
        }
    }

    // Per version: whether its snapshot carries any digest (so that a site with digests off never decodes it).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, bool> anyDigestPublished = new();

    /// <summary>The originality digest of every entry of the stored snapshot of <paramref name="version"/>, by csn.</summary>
    private Dictionary<string, uint> PublishedDigests(long version)
    {
        var digests = new Dictionary<string, uint>(StringComparer.Ordinal);
        byte[] snapshot = store.Snapshot(version);
        var header = new ListHeader();
        if (snapshot == null || ListHeader.Read(snapshot, 0, snapshot.Length, header) != ListUpdateResult.Ok)
        {
            // Gone (another instance published: the retry replans) or stored before a format upgrade: every
            // enrolled card is then published with its digest once, which is what its terminals need.
            return digests;
        }

        // The body follows the header, the chunk manifest and the signature, contiguous (FORMAT.md, "Wire list").
        int offset = header.BodyOffset;
        int end = offset + header.BodyLength;
        int count = header.EntryCount;
        if (end > snapshot.Length)
        {
            return digests;
        }

        var codec = new EntryCodec();
        for (int i = 0; i < count && offset < end; i++)
        {
            int size = EntryCodec.Measure(snapshot, offset, end - offset);
            if (size == 0 || !codec.Decode(snapshot, offset, size, allowRemoval: false))
            {
                break; // the terminal refuses such a snapshot too; what was read so far stands
            }

            offset += size;
            if (codec.OriginalityDigest != 0)
            {
                codec.Key.EnsureBytes();
                digests[Convert.ToHexString(codec.Key.Bytes, 0, codec.Key.Length).ToLowerInvariant()] = codec.OriginalityDigest;
            }
        }

        return digests;
    }
}
