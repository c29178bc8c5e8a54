namespace LeoCarte.Terminal.Config
{
    public static partial class ConfigurationParser
    {
        /// <summary>
        /// The [card] section (hardware/configuration.md): card.policy (uid, desfire-aes, desfire-aes-migration),
        /// card.application (the site application's AID, 6 hex digits), card.system_id (the AN10922 system identifier,
        /// 2 to 32 hex digits) and card.key (repeated: a key version 1–255 and a 16-byte AES master key in 32 hex digits).
        /// Key digits are never echoed in errors.
        /// </summary>
        private sealed partial class ParseState
        {
            public const string ExpectedPolicy = "uid, desfire-aes or desfire-aes-migration";
            public const string ExpectedApplication = "6 hex digits, the site application's AID as a number (e.g. 4C4301), not 000000 (the card level)";
            public const string ExpectedSystemId = "2 to 32 hex digits (1 to 16 bytes), the site's AN10922 system identifier";
            public const string ExpectedKey = "a key version from 1 to 255, a space, then 32 hex digits (a 16-byte AES key)";

            private void ApplyCard(ConfigField field, int line, string value)
            {
                CardPolicySettings card = this.into.Card;
                switch (field.Id)
                {
                    case ConfigFields.CardPolicy:
                        string policy = ConfigValueText.ToLowerAscii(value);
                        if (policy == "uid")
                        {
                            card.Policy = CardPolicy.Uid;
                        }
                        else if (policy == "desfire-aes" || policy == "desfire-aes-migration")
                        {
                            card.Policy = CardPolicy.DesfireAes;
                            card.Migration = policy == "desfire-aes-migration";
                        }
                        else
                        {
                            this.errors.Add(line, field.Name, ExpectedPolicy);
                        }

                        break;

                    case ConfigFields.CardApplication:
                        byte[] aid = value.Length == 6 ? ConfigValueText.ParseHex(value) : null;
                        if (aid == null || (aid[0] | aid[1] | aid[2]) == 0)
                        {
                            this.errors.Add(line, field.Name, ExpectedApplication);
                        }
                        else
                        {
                            // Written as a number, most significant first; DESFire sends AIDs least significant byte first.
                            card.ApplicationId = new byte[] { aid[2], aid[1], aid[0] };
                        }

                        break;

                    case ConfigFields.CardSystemId:
                        byte[] systemId = ConfigValueText.ParseHex(value);
                        if (systemId == null || systemId.Length > CardPolicySettings.MaxSystemIdLength)
                        {
                            this.errors.Add(line, field.Name, ExpectedSystemId);
                        }
                        else
                        {
                            card.SystemId = systemId;
                        }

                        break;

                    default:
                        ApplyCardKey(field, line, value);
                        break;
                }
            }

            private void ApplyCardKey(ConfigField field, int line, string value)
            {
                CardPolicySettings card = this.into.Card;
                int space = ConfigValueText.IndexOfChar(value, ' ');
                int version;
                byte[] key = space < 0 ? null : ConfigValueText.ParseHex(ConfigValueText.Trim(value.Substring(space + 1)));
                if (space < 0 || !ConfigValueText.TryParseNumber(value.Substring(0, space), out version) || version < 1 || version > 255
                    || key == null || key.Length != CardPolicySettings.KeyLength)
                {
                    this.errors.Add(line, field.Name, ExpectedKey);
                    return;
                }

                if (card.MasterKey(version) != null)
                {
                    this.errors.Add(line, field.Name, "one key per version (version " + version.ToString() + " is given twice)");
                    return;
                }

                if (card.KeyCount == CardPolicySettings.MaxKeys)
                {
                    this.errors.Add(line, field.Name, "at most " + CardPolicySettings.MaxKeys.ToString() + " card keys (the version in force, the previous one, the next ones)");
                    return;
                }

                card.KeyVersions[card.KeyCount] = (byte)version;
                card.MasterKeys[card.KeyCount] = key;
                card.KeyCount++;
            }

            /// <summary>desfire-aes needs its application, system identifier and a key; uid takes none of them.</summary>
            private void CheckCardPolicy()
            {
                CardPolicySettings card = this.into.Card;
                int policyLine = lineOf[ConfigFields.CardPolicy];
                if (card.Policy == CardPolicy.DesfireAes)
                {
                    if (lineOf[ConfigFields.CardApplication] == 0)
                    {
                        this.errors.Add(policyLine, ConfigFields.NameOf(ConfigFields.CardApplication), "the site application for card.policy = " + card.PolicyName() + ": " + ExpectedApplication);
                    }

                    if (lineOf[ConfigFields.CardSystemId] == 0)
                    {
                        this.errors.Add(policyLine, ConfigFields.NameOf(ConfigFields.CardSystemId), "the system identifier for card.policy = " + card.PolicyName() + ": " + ExpectedSystemId);
                    }

                    if (lineOf[ConfigFields.CardKey] == 0)
                    {
                        this.errors.Add(policyLine, ConfigFields.NameOf(ConfigFields.CardKey), "at least one key for card.policy = " + card.PolicyName() + ": " + ExpectedKey);
                    }

                    return;
                }

                int[] onlyWithAes = new int[] { ConfigFields.CardApplication, ConfigFields.CardSystemId, ConfigFields.CardKey };
                for (int i = 0; i < onlyWithAes.Length; i++)
                {
                    if (lineOf[onlyWithAes[i]] != 0)
                    {
                        this.errors.Add(lineOf[onlyWithAes[i]], ConfigFields.NameOf(onlyWithAes[i]), "nothing under card.policy = uid (keys stay off terminals that do not use them); set card.policy = desfire-aes");
                    }
                }
            }
        }
    }
}
