using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Gateway.Lists;

/// <summary>
/// The gateway's side of the originality check: DESFire originality signatures (the 56 bytes r‖s a card answers to
/// Read_Sig, NXP AN12343 §11.2: ECDSA over secp224r1 with the 7-byte UID itself as the value e, no hashing) verified
/// once, here, with .NET's native ECDSA, against NXP's published keys — the one list of them is
/// <see cref="NxpOriginality.DesfireKeys"/> in Terminal/Crypto, with their sources — plus any extra key the
/// configuration names (the simulator's manufacturer in `--sample`). A verified signature becomes the 4-byte digest
/// of the card's list entry (<see cref="OriginalityCheck.Digest"/>; Terminal/Allowlist/FORMAT.md, "Originality
/// digest"), so that terminals compare instead of verifying (seconds of interpreted ECDSA per card on the ESP32).
/// <para>Where signatures come from: the ESUP-SGC export has no such field. The card office reads Read_Sig when a card
/// is enrolled or passes the desk (ESUP-NFC-Tag, or `Tools/SyncDemo`-style readers) and lists <c>csn,signature</c>
/// lines in the file <see cref="GatewayOptions.OriginalitySignaturesFile"/>; a line whose signature does not verify is
/// set aside (counted, never published).</para>
/// </summary>
public sealed class OriginalitySignatures
{
    private readonly List<(string Name, ECDsa Key)> keys = new();
    // Replaced whole by a reload (never changed in place once loaded from a file): lists being built read one
    // consistent set while the import re-reads the enrolment file.
    private Dictionary<string, uint> digests = new(StringComparer.Ordinal);
    private string enrolmentPath;
    private byte[] enrolmentHash;

    /// <summary>NXP's DESFire-family keys, then <paramref name="extraKeysHex"/> (uncompressed SEC 1, 04‖X‖Y, hex).</summary>
    public OriginalitySignatures(IEnumerable<string> extraKeysHex = null)
    {
        for (int i = 0; i < NxpOriginality.DesfireKeys.Length; i++)
        {
            keys.Add((NxpOriginality.DesfireKeyNames[i], Import(NxpOriginality.DesfireKeys[i])));
        }

        foreach (string extra in extraKeysHex ?? Array.Empty<string>())
        {
            keys.Add(("configured key " + extra[..Math.Min(10, extra.Length)] + "…", Import(extra)));
        }
    }

    /// <summary>Signatures read from the enrolment file that did not verify (or were malformed).</summary>
    public int Rejected { get; private set; }

    /// <summary>SHA-256 (hex) of the enrolment file's content in force; "none" when no file was read.</summary>
    public string EnrolmentFingerprint => enrolmentHash == null ? "none" : Convert.ToHexStringLower(enrolmentHash);

    /// <summary>Cards with a verified signature.</summary>
    public int Count => digests.Count;

    /// <summary>The name of the key that signed <paramref name="signature"/> over <paramref name="uid"/>, or null.</summary>
    public string SignedBy(byte[] uid, byte[] signature)
    {
        if (uid == null || uid.Length != NxpOriginality.UidLength || signature == null || signature.Length != NxpOriginality.SignatureLength)
        {
            return null;
        }

        foreach (var (name, key) in keys)
        {
            // VerifyHash with the UID as the "hash": .NET (OpenSSL) takes it as e as it is, which is NXP's "no hashing".
            if (key.VerifyHash(uid, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>The list digest of a verified signature, 0 when it does not verify (the entry then carries none).</summary>
    public uint DigestIfGenuine(byte[] uid, byte[] signature)
    {
        if (SignedBy(uid, signature) == null)
        {
            return 0;
        }

        // The terminal's own digest function, so the gateway and the terminals cannot disagree on its layout.
        return OriginalityCheck.Digest(new PortableMessageHasher(), signature, 0, new byte[32]);
    }

    /// <summary>Verifies and records one card's signature; false (and counted in <see cref="Rejected"/>) when it does not verify.</summary>
    public bool Enrol(string csn, byte[] signature) => EnrolInto(digests, csn, signature);

    private bool EnrolInto(Dictionary<string, uint> into, string csn, byte[] signature)
    {
        byte[] uid;
        try
        {
            uid = Convert.FromHexString(csn);
        }
        catch (FormatException)
        {
            Rejected++;
            return false;
        }

        uint digest = DigestIfGenuine(uid, signature);
        if (digest == 0)
        {
            Rejected++;
            return false;
        }

        into[csn.ToLowerInvariant()] = digest;
        return true;
    }

    /// <summary>
    /// Reads an enrolment file: one card per line, <c>csn,signature</c> in hex (14 + 112 digits); empty lines and lines
    /// starting with # are skipped. Every signature is verified before its digest is kept. The file is remembered for
    /// <see cref="ReloadIfChanged"/>.
    /// </summary>
    public void Load(string path)
    {
        enrolmentPath = path;
        byte[] content = File.ReadAllBytes(path);
        Replace(content);
    }

    /// <summary>
    /// Re-reads the enrolment file named to <see cref="Load"/> when its content changed (SHA-256 of the bytes), before
    /// each import plans: the planner then publishes every card whose digest appeared, changed or disappeared
    /// (ListService.Originality.cs). True when the set of digests was replaced. An unreadable file (being rewritten,
    /// removed) keeps the digests in force: a half-written file must not withdraw every card's digest; the card office
    /// empties the file to withdraw them all.
    /// </summary>
    public bool ReloadIfChanged()
    {
        if (enrolmentPath == null)
        {
            return false;
        }

        byte[] content;
        try
        {
            content = File.ReadAllBytes(enrolmentPath);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }

        if (enrolmentHash != null && SHA256.HashData(content).AsSpan().SequenceEqual(enrolmentHash))
        {
            return false;
        }

        Replace(content);
        return true;
    }

    private void Replace(byte[] content)
    {
        var loaded = new Dictionary<string, uint>(StringComparer.Ordinal);
        Rejected = 0;
        using (var reader = new StreamReader(new MemoryStream(content)))
        {
            for (string raw = reader.ReadLine(); raw != null; raw = reader.ReadLine())
            {
                EnrolLine(loaded, raw);
            }
        }

        enrolmentHash = SHA256.HashData(content);
        // Published whole, once filled: a list being built concurrently sees the old set or the new one.
        System.Threading.Volatile.Write(ref digests, loaded);
    }

    private void EnrolLine(Dictionary<string, uint> into, string raw)
    {
        string line = raw.Trim();
        if (line.Length == 0 || line[0] == '#')
        {
            return;
        }

        string[] fields = line.Split(',');
        byte[] signature = null;
        if (fields.Length == 2)
        {
            try
            {
                signature = Convert.FromHexString(fields[1].Trim());
            }
            catch (FormatException)
            {
            }
        }

        if (signature == null)
        {
            Rejected++;
            return;
        }

        EnrolInto(into, fields[0].Trim(), signature);
    }

    /// <summary>The digest of the card's verified signature, 0 when none was enrolled.</summary>
    public uint DigestOf(string csn) => csn != null && System.Threading.Volatile.Read(ref digests).TryGetValue(csn, out uint digest) ? digest : 0;

    private static ECDsa Import(string hex)
    {
        byte[] point = Convert.FromHexString(hex);
        if (point.Length != 57 || point[0] != 0x04)
        {
            throw new ArgumentException("an originality key is an uncompressed secp224r1 point: 04 || X || Y, 57 bytes in hex");
        }

        return ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.CreateFromFriendlyName("secp224r1"),
            Q = new ECPoint { X = point[1..29], Y = point[29..57] },
        });
    }
}
