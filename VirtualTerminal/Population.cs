using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using LeoCarte.Gateway.Import;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;

namespace LeoCarte.VirtualTerminal;

/// <summary>One physical card of the virtual campus, with its line in the ESUP-SGC export (or none).</summary>
public sealed class CampusCard
{
    public int Id { get; init; }
    public string Csn { get; init; }
    public string Etat { get; set; }

    /// <summary>ESUP-SGC's dateEtat: local time of the last state change.</summary>
    public DateTime? DateEtat { get; set; }
    public string Eppn { get; init; }
    public string Motif { get; set; }

    /// <summary>False for cards the platform never heard of (a bank card, another university's card).</summary>
    public bool InExport { get; init; } = true;

    /// <summary>What the card is, for people: "LéoCarte (enabled)", "bank card"...</summary>
    public string Label { get; set; }

    public VirtualCard Card { get; init; }

    public string Holder => Eppn == null ? "-" : Eppn.Split('@')[0];

    /// <summary>The csvSearch row as ESUP-SGC writes it: uppercase csn, LocalDateTime date, empty values for nulls.</summary>
    public string ExportLine => EsupSgcCsvWriter.Row(Id, Csn.Length == 0 ? null : Csn.ToUpperInvariant(), Etat, DateEtat, Eppn, string.IsNullOrEmpty(Motif) ? null : Motif);
}

/// <summary>
/// The cards of the virtual campus: the gateway's sample ESUP-SGC export (alice, bruno, the lost, stolen, renewed,
/// expired cards...) plus generated students, most of them enabled, a few never activated, lost, stolen,
/// renewed (ESUP-SGC's way: the new card ENABLED, the old one DISABLED without motif at that instant) or
/// expired; plus cards the platform does not know. Seeded. The export is written as ESUP-SGC writes it
/// (Gateway/Import/EsupSgcCsvWriter: label header, uppercase csn, LocalDateTime dates).
/// </summary>
public sealed class Population
{
    private readonly List<CampusCard> cards = new();
    private static readonly string[] ExportFields = { "id", "csn", "etat", "dateEtat", "eppn", "motifDisable" };
    private int nextId = 9001;
    private Random changes = new(7);

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
        population.changes = new Random(seed + 1);
        ExportReadResult sample = EsupSgcExport.Read(System.Text.Encoding.UTF8.GetBytes(sampleCsv));
        foreach (EsupCard card in sample.Cards)
        {
            population.Add((int)card.Id, card.Csn ?? "", card.Etat, card.DateEtat, card.Eppn, card.MotifDisable ?? "", "sample: " + Describe(card, sample.Cards));
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
                population.Add(id++, NewCsn(), "ENCODED", new DateTime(2026, 11, 20, 10, 0, 0), eppn, "", "never activated");
            }
            else if (roll < 4)
            {
                population.Add(id++, NewCsn(), "DISABLED", new DateTime(2026, 11, 15, 10, 0, 0), eppn, "LOST", "lost");
            }
            else if (roll < 5)
            {
                population.Add(id++, NewCsn(), "DISABLED", new DateTime(2026, 11, 16, 10, 0, 0).AddTicks(random.Next(10_000_000)), eppn, "THEFT", "stolen");
            }
            else if (roll < 7)
            {
                // ESUP-SGC: enabling the new card disables the old one, without motif, an instant before.
                population.Add(id + 1, NewCsn(), "ENABLED", new DateTime(2026, 11, 10, 10, 5, 0, 12), eppn, "", "renewed: new card");
                population.Add(id, NewCsn(), "DISABLED", new DateTime(2026, 11, 10, 10, 5, 0, 9), eppn, "", "renewed: old card (replaced)");
                id += 2;
            }
            else if (roll < 9)
            {
                population.Add(id++, NewCsn(), "CADUC", new DateTime(2026, 8, 31, 23, 59, 59), eppn, "", "expired");
            }
            else
            {
                population.Crowd.Add(population.Add(id++, NewCsn(), "ENABLED", new DateTime(2026, 9, 1, 8, 0, 0), eppn, "", "enabled"));
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

    private static string Describe(EsupCard card, List<EsupCard> all)
    {
        CardOfficeState state = StateMapping.Classify(all)[all.IndexOf(card)];
        return state switch
        {
            CardOfficeState.Replaced => "renewed: old card (replaced)",
            CardOfficeState.Active when all.Exists(c => c.Eppn == card.Eppn && c.Id != card.Id && c.Etat == "DISABLED") => "renewed: new card",
            CardOfficeState.OutOfOrder => "out of order",
            CardOfficeState.NotActivated => "never activated",
            _ => card.Etat.ToLowerInvariant() + (card.MotifDisable != null ? " " + card.MotifDisable.ToLowerInvariant() : ""),
        };
    }

    private CampusCard Add(int id, string csn, string etat, DateTime? dateEtat, string eppn, string motif, string label)
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

    /// <summary>
    /// The card office changes a card's state in ESUP-SGC (CardEtatService.setCardEtat): dateEtat becomes now;
    /// enabling a card clears its motif and disables the holder's other enabled cards, without motif.
    /// </summary>
    public void SetState(string csn, string etat, string motif, DateTime localNow, string label = null)
    {
        CampusCard card = ByCsn(csn);
        if (etat == "ENABLED" && card.Eppn != null)
        {
            foreach (CampusCard other in cards.Where(c => c != card && c.InExport && c.Eppn == card.Eppn && c.Etat == "ENABLED"))
            {
                other.Etat = "DISABLED";
                other.Motif = "";
                other.DateEtat = localNow;
                other.Label = "replaced by a newer card";
            }
        }

        card.Etat = etat;
        card.Motif = etat == "ENABLED" ? "" : motif ?? "";
        card.DateEtat = localNow.AddMilliseconds(1);
        card.Label = label ?? (etat == "ENABLED" ? "enabled by the card office" : "deactivated: " + (string.IsNullOrEmpty(motif) ? etat.ToLowerInvariant() : motif.ToLowerInvariant()));
    }

    /// <summary>
    /// A renewal as ESUP-SGC does it: a new card (a copy of the request, here already printed and encoded, with a
    /// new UID) is enabled, which disables the old one without motif. Returns the new card.
    /// </summary>
    public CampusCard Renew(CampusCard old, DateTime localNow)
    {
        byte[] uid = new byte[7];
        string csn;
        do
        {
            changes.NextBytes(uid);
            uid[0] = 0x04;
            csn = Convert.ToHexStringLower(uid);
        }
        while (cards.Any(c => c.Csn == csn));

        CampusCard fresh = Add(nextId++, csn, "ENCODED", localNow, old.Eppn, "", "renewed: new card");
        SetState(csn, "ENABLED", null, localNow, "renewed: new card");
        old.Label = "renewed: old card (replaced)";
        return fresh;
    }

    /// <summary>The ESUP-SGC CSV export (csvSearch fields id,csn,etat,dateEtat,eppn,motifDisable), as ESUP-SGC writes it.</summary>
    public string ExportText()
    {
        var text = new StringBuilder(EsupSgcCsvWriter.Header(ExportFields));
        foreach (CampusCard card in cards.Where(c => c.InExport))
        {
            text.Append(card.ExportLine);
        }

        return text.ToString();
    }
}
