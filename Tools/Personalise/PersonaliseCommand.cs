using System;
using System.Globalization;
using System.IO;
using LeoCarte.Simulator.Cards;
using LeoCarte.Terminal.Personalisation;

namespace LeoCarte.Tools.Personalise;

/// <summary>
/// <c>LeoCarte.Personalise (--sample | --plan FILE --keys FILE) --holder N [--uid HEX] [--ev1] [--factory-card] [--tear-after N]
/// [--rotate-to V] [--format --yes]</c>: personalises a simulated blank LéoCarte (with <c>--factory-card</c> as a real blank card: opened with
/// the default DES PICC key, whose place the keys file's AES <c>picc_key</c> takes) with the card office's plan and keys, printing every step
/// with its SPI transfers; optionally pulls the card away mid-way and presents it again (the rerun finishes the job),
/// then rotates its keys to another version; with <c>--format --yes</c> it then formats the card (FormatPICC, as a used
/// test card is cleared) and personalises it again (re-issue). Exit 0 when the card ends personalised (and rotated), 1 for a usage or
/// plan problem, 2 when the card could not be finished.
/// </summary>
public static class PersonaliseCommand
{
    public const string Usage =
        "usage: LeoCarte.Personalise (--sample | --plan FILE --keys FILE) --holder N [--uid HEX] [--ev1] [--factory-card] [--tear-after N] [--rotate-to V] [--format --yes]\n" +
        "  Personalises a simulated blank LéoCarte for card.policy = desfire-aes: site application, keys 0 and 1\n" +
        "  diversified per card (AN10922) with the key version, holder file; then reads it back as a terminal does.\n" +
        "  --plan FILE      application, system_id, site_id, target_version (as the terminals' [card] section)\n" +
        "  --keys FILE      key = V OFFICE_HEX SITE_HEX per version, optional picc_key = HEX (mode 600)\n" +
        "  --sample         the demonstration plan and keys (public: never for real cards)\n" +
        "  --holder N       the holder key the gateway assigns to the student (the holder file content)\n" +
        "  --uid HEX        the simulated card's 7-byte UID (default 04A1B2C3D4E580)\n" +
        "  --ev1            the card is a DESFire EV1 (AuthenticateAES only)\n" +
        "  --factory-card   the card is factory-fresh (PICC master key DES, 16 zero bytes): authenticate with it (legacy 0Ah)\n" +
        "                   and change it to picc_key (AES; with --sample a demonstration PICC key) before creating the application\n" +
        "  --tear-after N   pull the card away after its N-th command, then present it again and rerun\n" +
        "  --rotate-to V    afterwards, rotate the card's keys to version V (its keys must be in the keys file)\n" +
        "  --format         afterwards, FormatPICC the card with the PICC master key (picc_key, or the factory key with\n" +
        "                   --factory-card) and personalise it again: a test card re-issued. ERASES EVERY APPLICATION on the\n" +
        "                   card, other services' too: refused unless --yes is given as well";

    public static int Run(string[] args, TextWriter output)
    {
        string planPath = null, keysPath = null;
        bool sample = false, ev1 = false, factory = false, format = false, confirmed = false;
        int? holder = null;
        int tearAfter = 0, rotateTo = 0;
        byte[] uid = Convert.FromHexString("04A1B2C3D4E580");
        for (int i = 0; i < args.Length; i++)
        {
            bool hasValue = i + 1 < args.Length;
            switch (args[i])
            {
                case "--plan" when hasValue: planPath = args[++i]; break;
                case "--keys" when hasValue: keysPath = args[++i]; break;
                case "--sample": sample = true; break;
                case "--ev1": ev1 = true; break;
                case "--factory-card": factory = true; break;
                case "--format": format = true; break;
                case "--yes": confirmed = true; break;
                case "--holder" when hasValue && int.TryParse(args[i + 1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int h):
                    holder = h; i++; break;
                case "--tear-after" when hasValue && int.TryParse(args[i + 1], out int t) && t > 0: tearAfter = t; i++; break;
                case "--rotate-to" when hasValue && int.TryParse(args[i + 1], out int v) && v is >= 1 and <= 255: rotateTo = v; i++; break;
                case "--uid" when hasValue && args[i + 1].Length == 14:
                    try { uid = Convert.FromHexString(args[++i]); } catch (FormatException) { return Fail(output, "--uid: 14 hex digits"); }
                    break;
                default:
                    output.WriteLine((args[i] is "-h" or "--help" ? "" : "not understood: " + args[i] + "\n") + Usage);
                    return 1;
            }
        }

        if (holder == null || (!sample && (planPath == null || keysPath == null)))
        {
            return Fail(output, "--holder and either --sample or --plan and --keys are needed");
        }

        if (format && !confirmed)
        {
            return Fail(output, "--format erases every application on the card (the other services' too, not only ours) and cannot be undone: " +
                "for the card office's test cards only. Nothing was sent; add --yes to confirm");
        }

        if (confirmed && !format)
        {
            return Fail(output, "--yes confirms --format and nothing else");
        }

        var plan = new PersonalisationPlan();
        string planText, keysText;
        try
        {
            if (!sample)
            {
                string modeProblem = PlanFiles.CheckKeyFileMode(keysPath);
                if (modeProblem != null)
                {
                    return Fail(output, modeProblem);
                }
            }

            planText = sample ? PlanFiles.SamplePlan : File.ReadAllText(planPath);
            keysText = sample ? PlanFiles.SampleKeys + (factory ? PlanFiles.SamplePiccKey : "") : File.ReadAllText(keysPath);
        }
        catch (IOException e)
        {
            return Fail(output, e.Message);
        }

        string problem = PlanFiles.Read(planText, keysText, plan);
        if (problem != null)
        {
            return Fail(output, problem);
        }

        if (rotateTo != 0 && !plan.HasVersion(rotateTo))
        {
            return Fail(output, $"--rotate-to {rotateTo}: the keys file has no keys of that version");
        }

        plan.HolderKey = holder.Value;
        plan.FactoryPiccKey = factory;
        if (format && plan.PiccMasterKey == null && !factory)
        {
            return Fail(output, "--format needs the PICC master key: picc_key in the keys file, or --factory-card for a card on its factory key");
        }

        output.WriteLine($"plan: application {Convert.ToHexString(plan.ApplicationId)} (on the air), system id {Convert.ToHexString(plan.SystemId)}, site {plan.SiteId}, " +
            $"key version {plan.TargetVersion}, holder {plan.HolderKey}, holder file {plan.HolderFileNumber}{(sample ? " — SAMPLE KEYS, simulator only" : "")}");

        var card = VirtualCard.Desfire(uid);
        card.Generation = ev1 ? DesfireGeneration.Ev1 : DesfireGeneration.Ev2;
        card.TearAfterCommands = tearAfter;
        var station = new PersonalisationStation(output);
        try
        {
            PersonalisationResult result = station.Run(card, plan, rotation: false);
            for (int attempt = 0; result == PersonalisationResult.CardLost && attempt < 3; attempt++)
            {
                output.WriteLine("  the card was pulled away: presenting it again");
                card.ReturnToField();
                result = station.Run(card, plan, rotation: false);
            }

            if (result != PersonalisationResult.Personalised)
            {
                return Fail(output, "the card is not personalised: " + result);
            }

            if (rotateTo != 0)
            {
                plan.TargetVersion = rotateTo;
                result = station.Run(card, plan, rotation: true);
                if (result != PersonalisationResult.Personalised)
                {
                    return Fail(output, "the rotation did not finish: " + result);
                }
            }

            if (format)
            {
                output.WriteLine($"  formatting the test card ({card.Applications.Count} application(s) on it), then re-issuing it");
                result = station.Format(card, plan);
                if (result != PersonalisationResult.Formatted)
                {
                    return Fail(output, "the card was not formatted: " + result);
                }

                output.WriteLine($"  card: {card.Applications.Count} applications after FormatPICC; PICC key and settings kept ({card.PiccKeySettings:X2}h)");
                result = station.Run(card, plan, rotation: false);
                if (result != PersonalisationResult.Personalised)
                {
                    return Fail(output, "the re-issue did not finish: " + result);
                }
            }

            var app = card.Applications.Find(a => a.Aid.AsSpan().SequenceEqual(plan.ApplicationId));
            output.WriteLine($"card: application keys versions {app.KeyVersions[0]}/{app.KeyVersions[1]}, key settings {app.KeySettings:X2}h, " +
                $"holder file {Convert.ToHexString(app.Files[(byte)plan.HolderFileNumber].Data)}; " +
                $"{card.CommandsProcessed} DESFire commands, {station.Simulator.Costs.Transfers} SPI transfers, {station.Simulator.Costs.Bytes} bytes, " +
                $"{station.Simulator.Costs.ElapsedNs / 1e6:0.0} ms modeled in all (polls and sessions included), {card.KeyChanges} key changes, {card.KeySettingsChanges} key settings changes");
            output.WriteLine(card.PiccMasterKey != null
                ? $"card: PICC master key: AES, version {card.PiccKeyVersion}; PICC key settings {card.PiccKeySettings:X2}h"
                : $"card: PICC master key: DES (the factory key{(card.LegacyAuthentications > 0 ? ", opened with legacy Authenticate 0Ah" : "")}); PICC key settings {card.PiccKeySettings:X2}h");
            if (plan.PiccMasterKey == null)
            {
                output.WriteLine("warning: the plan has no picc_key: the PICC is left with its factory key and settings (anyone may create applications on the card; " +
                    "only our application's own keys protect it). Give a picc_key (with --factory-card for blank cards) to lock it (hardware/security.md).");
            }

            output.WriteLine("A terminal with card.policy = desfire-aes approves it once its list announces the key version (hardware/personalisation.md).");
            return 0;
        }
        finally
        {
            plan.Clear();
        }
    }

    private static int Fail(TextWriter output, string message)
    {
        output.WriteLine("error: " + message);
        return message.StartsWith("the ", StringComparison.Ordinal) ? 2 : 1;
    }
}
