using System;
using System.Globalization;
using System.IO;
using LeoCarte.Terminal.Personalisation;

namespace LeoCarte.Tools.Personalise;

/// <summary>
/// Reads the card office's two files into a <see cref="PersonalisationPlan"/>:
/// <list type="bullet">
/// <item>the plan (not secret; the same values as the terminals' <c>[card]</c> section): <c>application = 4C4301</c>
/// (as card.application, most significant byte first), <c>system_id = hex</c>, <c>site_id = N</c>,
/// <c>target_version = V</c>, optional <c>holder_file = 1</c>, <c>key_settings = 09</c>, <c>picc_key_settings = 0B</c>;</item>
/// <item>the keys (secret, kept offline, readable by its owner only): <c>key = V OFFICE_HEX SITE_HEX</c> per version —
/// the card office's master key of key 0 and the site master key of key 1, the same as the terminals'
/// <c>card.key = V SITE_HEX</c> — and optionally <c>picc_key = HEX</c> (the card's AES PICC master key; on a factory-fresh
/// card, <c>--factory-card</c>, the key that replaces the default DES key) with <c>picc_key_version = N</c> (1 by default).</item>
/// </list>
/// Lines are <c>name = value</c>; <c>#</c> starts a comment. Every problem is reported with its line.
/// </summary>
public static class PlanFiles
{
    /// <summary>The demonstration plan and keys (<c>--sample</c>): public values, for the simulator only.</summary>
    public const string SamplePlan =
        "# Sample plan (public demonstration values)\napplication = 4C4301\nsystem_id = 4C656F436172746531\nsite_id = 14\ntarget_version = 1\n";

    public const string SampleKeys =
        "# DEMONSTRATION keys, published in the repository: never for real cards\n" +
        "key = 1 A0A1A2A3A4A5A6A7A8A9AAABACADAEAF 00112233445566778899AABBCCDDEEFF\n" +
        "key = 2 B0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF F0E1D2C3B4A5968778695A4B3C2D1E0F\n";

    /// <summary>The demonstration AES PICC master key <c>--sample --factory-card</c> writes in place of the factory DES key (public: simulator only).</summary>
    public const string SamplePiccKey = "picc_key = D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF\n";

    /// <summary>Parses both texts into <paramref name="plan"/>; null when fine, else the first problem.</summary>
    public static string Read(string planText, string keysText, PersonalisationPlan plan)
    {
        string problem = Parse(planText, "plan", plan, secret: false);
        if (problem != null)
        {
            return problem;
        }

        problem = Parse(keysText, "keys", plan, secret: true);
        if (problem != null)
        {
            return problem;
        }

        return plan.Problem();
    }

    /// <summary>Refuses a key file others may read (Unix mode beyond 600), as KeyGen writes its private key.</summary>
    public static string CheckKeyFileMode(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        UnixFileMode mode = File.GetUnixFileMode(path);
        const UnixFileMode OthersMask = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        return (mode & OthersMask) != 0 ? $"{path}: readable by others ({mode}); chmod 600 it (the keys open every card of the site)" : null;
    }

    private static string Parse(string text, string what, PersonalisationPlan plan, bool secret)
    {
        string[] lines = text.Replace("\r", "").Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n];
            int hash = line.IndexOf('#');
            if (hash >= 0)
            {
                line = line.Substring(0, hash);
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            int equals = line.IndexOf('=');
            if (equals <= 0)
            {
                return $"{what} line {n + 1}: expected name = value";
            }

            string name = line.Substring(0, equals).Trim();
            string value = line.Substring(equals + 1).Trim();
            string problem = secret ? SecretLine(name, value, plan) : PlanLine(name, value, plan);
            if (problem != null)
            {
                return $"{what} line {n + 1}: {problem}";
            }
        }

        return null;
    }

    private static string PlanLine(string name, string value, PersonalisationPlan plan)
    {
        switch (name)
        {
            case "application":
                byte[] aid = Hex(value, 3);
                if (aid == null)
                {
                    return "application: 6 hex digits (as card.application)";
                }

                Array.Reverse(aid); // least significant byte first on the air
                plan.ApplicationId = aid;
                return null;
            case "system_id":
                plan.SystemId = value.Length == 0 ? Array.Empty<byte>() : Hex(value, -1);
                return plan.SystemId == null || plan.SystemId.Length > 16 ? "system_id: 0 to 16 bytes of hex" : null;
            case "site_id":
                return uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out plan.SiteId) ? null : "site_id: a number";
            case "target_version":
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out plan.TargetVersion) && plan.TargetVersion is >= 1 and <= 255
                    ? null : "target_version: 1-255";
            case "holder_file":
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out plan.HolderFileNumber) ? null : "holder_file: a number";
            case "key_settings":
                byte[] settings = Hex(value, 1);
                if (settings == null)
                {
                    return "key_settings: 2 hex digits";
                }

                plan.KeySettings = settings[0];
                return null;
            case "picc_key_settings":
                byte[] piccSettings = Hex(value, 1);
                if (piccSettings == null)
                {
                    return "picc_key_settings: 2 hex digits";
                }

                plan.PiccKeySettings = piccSettings[0];
                return null;
            case "key":
            case "picc_key":
            case "picc_key_version":
                return name + " belongs in the keys file, not the plan";
            default:
                return "unknown name " + name;
        }
    }

    private static string SecretLine(string name, string value, PersonalisationPlan plan)
    {
        switch (name)
        {
            case "key":
                string[] parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int version))
                {
                    return "key: VERSION OFFICE_KEY_HEX SITE_KEY_HEX";
                }

                byte[] office = Hex(parts[1], 16), site = Hex(parts[2], 16);
                if (office == null || site == null)
                {
                    return "key: each key is 32 hex digits (AES-128)";
                }

                if (IsWeak(office) || IsWeak(site))
                {
                    return "key: an all-equal key is refused";
                }

                return plan.AddKeys(version, office, site) ? null : "key: version 1-255, each once, at most " + PersonalisationPlan.MaxVersions;
            case "picc_key":
                plan.PiccMasterKey = Hex(value, 16);
                return plan.PiccMasterKey == null ? "picc_key: 32 hex digits (AES PICC master key)" : null;
            case "picc_key_version":
                return byte.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out plan.PiccKeyVersion) ? null : "picc_key_version: 0-255";
            default:
                return "unknown name " + name + " (the keys file holds key, picc_key and picc_key_version lines)";
        }
    }

    private static bool IsWeak(byte[] key)
    {
        for (int i = 1; i < key.Length; i++)
        {
            if (key[i] != key[0])
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] Hex(string text, int length)
    {
        try
        {
            byte[] bytes = Convert.FromHexString(text);
            return length < 0 || bytes.Length == length ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
