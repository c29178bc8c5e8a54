using System.Collections;

namespace LeoCarte.Terminal.Config
{
    public static partial class ConfigurationParser
    {
        /// <summary>
        /// The [keys] rules: the gateway's list public keys by id (Allowlist/FORMAT.md, "Signature"), and the
        /// refusal of public sample material and weak secrets unless the file says terminal.demo = yes.
        /// </summary>
        private sealed partial class ParseState
        {
            private readonly ArrayList listKeyIds = new ArrayList();
            private readonly ArrayList listKeyPoints = new ArrayList();
            private readonly ArrayList listKeyLines = new ArrayList();

            /// <summary>keys.list_public_key = id:hex, the id 1..4294967295 and the uncompressed point 04 ‖ X ‖ Y.</summary>
            private void ApplyListPublicKey(int line, string value)
            {
                string name = ConfigFields.NameOf(ConfigFields.ListPublicKey);
                int colon = ConfigValueText.IndexOfChar(value, ':');
                uint id = 0;
                bool idOk = colon >= 1 && colon <= 10;
                for (int i = 0; idOk && i < colon; i++)
                {
                    char c = value[i];
                    idOk = c >= '0' && c <= '9' && (id < 429496729 || (id == 429496729 && c <= '5'));
                    id = (id * 10) + (uint)(c - '0');
                }

                byte[] point = colon < 0 ? null : ConfigValueText.ParseHex(ConfigValueText.ToLowerAscii(value.Substring(colon + 1)));
                if (!idOk || id == 0 || point == null || point.Length != 65 || point[0] != 0x04)
                {
                    this.errors.Add(line, name, ConfigFields.ExpectedPublicKey);
                    return;
                }

                for (int i = 0; i < listKeyIds.Count; i++)
                {
                    if ((uint)listKeyIds[i] == id)
                    {
                        this.errors.Add(line, name, "one key per id (id " + id.ToString() + " already at line " + ((int)listKeyLines[i]).ToString() + ")");
                        return;
                    }
                }

                if (listKeyIds.Count == ConfigFields.MaxListPublicKeys)
                {
                    this.errors.Add(line, name, "at most " + ConfigFields.MaxListPublicKeys.ToString() + " keys (the key in force and the next one during a rotation)");
                    return;
                }

                listKeyIds.Add(id);
                listKeyPoints.Add(point);
                listKeyLines.Add(line);
            }

            /// <summary>
            /// Publishes the list keys, then refuses what anyone could know or guess: the sample list key, the
            /// sample terminal secrets, the sample CA (subject "not for production"), an all-zero or one-byte secret.
            /// With terminal.demo = yes the sample material is accepted and named in <see cref="TerminalConfiguration.DemoReason"/>.
            /// Weak secrets are refused even in a demonstration: nothing ships them.
            /// </summary>
            private void CheckKeyMaterial()
            {
                int count = listKeyIds.Count;
                this.into.ListKeyIds = new uint[count];
                this.into.ListPublicKeys = new byte[count][];
                string demoReason = null;
                for (int i = 0; i < count; i++)
                {
                    this.into.ListKeyIds[i] = (uint)listKeyIds[i];
                    this.into.ListPublicKeys[i] = (byte[])listKeyPoints[i];
                    if (DemoMaterial.IsSampleListPublicKey(this.into.ListPublicKeys[i]))
                    {
                        demoReason = Refuse(demoReason, (int)listKeyLines[i], ConfigFields.ListPublicKey,
                            "the public sample list key of Gateway/sample (anyone can sign lists with its private key)");
                    }
                }

                byte[] secret = this.into.TerminalSecret;
                if (secret != null)
                {
                    string weakness = DemoMaterial.WeaknessOf(secret);
                    if (weakness != null)
                    {
                        this.errors.Add(lineOf[ConfigFields.TerminalSecret], ConfigFields.NameOf(ConfigFields.TerminalSecret),
                            "32 random bytes (this one is " + weakness + "): make one with dotnet run --project Tools/KeyGen");
                    }
                    else if (DemoMaterial.IsSampleSecret(secret))
                    {
                        demoReason = Refuse(demoReason, lineOf[ConfigFields.TerminalSecret], ConfigFields.TerminalSecret,
                            "a sample secret published in this repository");
                    }
                }

                if (DemoMaterial.IsSampleCertificate(this.into.CaCertificatePem))
                {
                    demoReason = Refuse(demoReason, lineOf[ConfigFields.CaCertificate], ConfigFields.CaCertificate,
                        "the sample CA (its subject says \"not for production\")");
                }

                this.into.DemoReason = demoReason;
            }

            /// <summary>An error naming the field, or with terminal.demo = yes the reason the configuration is a demonstration.</summary>
            private string Refuse(string demoReason, int line, int field, string what)
            {
                string name = ConfigFields.NameOf(field);
                if (!this.into.Demo)
                {
                    this.errors.Add(line, name, "the site's own key, not " + what
                        + ": make one with dotnet run --project Tools/KeyGen (or set terminal.demo = yes for a demonstration, never deployable)");
                    return demoReason;
                }

                string reason = name + ": " + what;
                return demoReason == null ? reason : demoReason + "; " + reason;
            }
        }
    }
}
