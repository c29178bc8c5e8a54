using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using LeoCarte.Simulator.Cards;

namespace LeoCarte.VirtualTerminal;

/// <summary>One physical card of the virtual campus, with its line in the ESUP-SGC export (or none).</summary>
public sealed class CampusCard
{
    public int Id { get; init; }
    public string Csn { get; init; }
    public string Etat { get; set; }
    public string DateEtat { get; init; }
    public string Eppn { get; init; }
    public string Motif { get; set; }

    /// <summary>False for cards the platform never heard of (a bank card, another university's card).</summary>
    public bool InExport { get; init; } = true;

    /// <summary>What the card is, for people: "LéoCarte (enabled)", "bank card"...</summary>
    public string Label { get; set; }

    public VirtualCard Card { get; init; }

    public string Holder => Eppn == null ? "-" : Eppn.Split('@')[0];

    public string ExportLine => $"{Id};{Csn};{Etat};{DateEtat};{Eppn};{Motif}";
}

/// <summary>
/// The cards of the virtual campus: the gateway's sample ESUP-SGC export (alice, bruno, the lost, stolen, renewed,
/// expired cards...) plus generated students, most of them enabled, a few never activated, lost, stolen,
/// renewed (old and new card of one holder) or expired; plus cards the platform does not know. Seeded.
/// </summary>
public sealed class Population
{
    private readonly List<CampusCard> cards = new();
    private string header = "id;csn;etat;dateEtat;eppn;motifDisable";

    public IReadOnlyList<CampusCard> Cards => cards;

    /// <summary>Generated students with an enabled card and no other role: the lunch crowd.</summary>
    public List<CampusCard> Crowd { get; } = new();

    public CampusCard ByCsn(string csn) => cards.First(c => c.Csn == csn);

    public CampusCard ByHolder(string holderPrefix, string etat = null) =>
        cards.First(c => c.Eppn != null && c.Eppn.StartsWith(holderPrefix, StringComparison.Ordinal) && c.Csn.Length > 0 && (etat == null || c.Etat == etat));

    public IEnumerable<CampusCard> WithState(string etat) => cards.Where(c => c.InExport && c.Etat == etat && c.Csn.Length > 0);

    public IEnumerable<CampusCard> Unknown => cards.Where(c => !c.InExport);

    public static Population Build(string sampleCsv, int students, int seed)
    {
        var population = new Population();
        var random = new Random(seed);
        string[] lines = sampleCsv.Replace("\r", "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        population.header = lines[0];
        foreach (string line in lines.Skip(1))
        {
            string[] f = line.Split(';');
            population.Add(int.Parse(f[0]), f[1], f[2], f[3], f[4], f.Length > 5 ? f[5] : "", "sample: " + f[2].ToLowerInvariant());
        }

        int id = 5001;
        var used = new HashSet<string>(population.cards.Select(c => c.Csn));
        string NewCsn()
        {
            while (true)
            {
                byte[] uid = new byte[7];
                random.NextBytes(uid);
                uid[0] = 0x04; // NXP manufacturer code, as on every DESFire LéoCarte
                string csn = Convert.ToHexStringLower(uid);
                if (used.Add(csn))
                {
                    return csn;
                }
            }
        }

        string[] given = { "amelie", "baptiste", "camille", "dylan", "elise", "fabien", "gwen", "hamza", "ilona", "jade", "kevin", "lina", "mathis", "nora", "oscar", "pauline", "quentin", "romane", "sami", "tess", "ugo", "victor", "wassim", "yanis", "zoe" };
        string[] universities = { "unicaen.fr", "univ-rouen.fr", "univ-lehavre.fr" };
        for (int i = 0; i < students; i++)
        {
            string eppn = $"{given[i % given.Length]}.{i:D3}@{universities[random.Next(universities.Length)]}";
            int roll = random.Next(100);
            if (roll < 2)
            {
                population.Add(id++, NewCsn(), "ENCODED", "2026-11-20 10:00:00", eppn, "", "never activated");
            }
            else if (roll < 4)
            {
                population.Add(id++, NewCsn(), "DISABLED", "2026-11-15 10:00:00", eppn, "LOST", "lost");
            }
            else if (roll < 5)
            {
                population.Add(id++, NewCsn(), "DISABLED", "2026-11-16 10:00:00", eppn, "THEFT", "stolen");
            }
            else if (roll < 7)
            {
                population.Add(id++, NewCsn(), "RENEWED", "2026-11-10 10:00:00", eppn, "", "renewed: old card");
                population.Add(id++, NewCsn(), "ENABLED", "2026-11-10 10:05:00", eppn, "", "renewed: new card");
            }
            else if (roll < 9)
            {
                population.Add(id++, NewCsn(), "CADUC", "2026-08-31 23:59:59", eppn, "", "expired");
            }
            else
            {
                population.Crowd.Add(population.Add(id++, NewCsn(), "ENABLED", "2026-09-01 08:00:00", eppn, "", "enabled"));
            }
        }

        // Cards the platform never heard of: bank cards (4-byte random UID) and a visitor's foreign student card.
        for (int i = 0; i < 4; i++)
        {
            byte[] uid = new byte[4];
            random.NextBytes(uid);
            uid[0] = 0x08; // 08h: random UID (ISO/IEC 14443-3 §6.5.4), like EMV cards
            population.AddUnknown(Convert.ToHexStringLower(uid), "bank card (not a LéoCarte)");
        }

        population.AddUnknown(NewCsn(), "visitor's student card from another region");
        return population;
    }

    private CampusCard Add(int id, string csn, string etat, string dateEtat, string eppn, string motif, string label)
    {
        VirtualCard card = csn.Length == 0 ? null
            : csn.Length == 8 ? VirtualCard.Classic1K(VirtualCard.UidFromHex(csn))
            : VirtualCard.Desfire(VirtualCard.UidFromHex(csn));
        var campusCard = new CampusCard { Id = id, Csn = csn, Etat = etat, DateEtat = dateEtat, Eppn = eppn, Motif = motif, Label = label, Card = card };
        cards.Add(campusCard);
        return campusCard;
    }

    private void AddUnknown(string csn, string label)
    {
        VirtualCard card = csn.Length == 8 ? VirtualCard.Classic1K(VirtualCard.UidFromHex(csn)) : VirtualCard.Desfire(VirtualCard.UidFromHex(csn));
        cards.Add(new CampusCard { Id = 0, Csn = csn, Etat = "-", Eppn = null, Label = label, Card = card, InExport = false });
    }

    /// <summary>The card office changed a card's state (the next export carries it).</summary>
    public void SetState(string csn, string etat, string motif)
    {
        CampusCard card = ByCsn(csn);
        card.Etat = etat;
        card.Motif = motif;
        card.Label = "deactivated mid-service: " + motif.ToLowerInvariant();
    }

    /// <summary>The ESUP-SGC CSV export (csvSearch fields id;csn;etat;dateEtat;eppn;motifDisable).</summary>
    public string ExportText()
    {
        var text = new StringBuilder(header).Append('\n');
        foreach (CampusCard card in cards.Where(c => c.InExport))
        {
            text.Append(card.ExportLine).Append('\n');
        }

        return text.ToString();
    }
}
