using LeoCarte.Terminal.Storage;

namespace LeoCarte.Terminal.Config
{
    /// <summary>Outcome of loading the configuration at boot; anything but <see cref="Valid"/> means deny-all.</summary>
    public enum ConfigurationStatus
    {
        /// <summary>The file parsed without error: the terminal is provisioned.</summary>
        Valid = 0,

        /// <summary>No configuration file in flash: a blank or factory-reset terminal.</summary>
        Missing = 1,

        /// <summary>The file exists but has errors (listed in the ConfigErrors).</summary>
        Invalid = 2,
    }

    /// <summary>
    /// Boot step "configuration": reads <see cref="TerminalConfiguration.FileName"/> from the flash store, parses
    /// it, and checks what only the device can check (the CA certificate file named by the configuration exists
    /// and holds a PEM certificate). Never throws for a bad file; a store that throws is the storage fault the
    /// caller reports separately.
    /// </summary>
    public static class ConfigurationLoader
    {
        /// <summary>Largest CA file accepted (a chain of a few certificates).</summary>
        public const int MaxCaFileBytes = 8192;

        public static ConfigurationStatus Load(IFileStore store, TerminalConfiguration into, ConfigErrors errors)
        {
            return Load(store, TerminalConfiguration.FileName, into, errors);
        }

        public static ConfigurationStatus Load(IFileStore store, string fileName, TerminalConfiguration into, ConfigErrors errors)
        {
            errors.Clear();
            into.ResetToDefaults();
            int length = store.Length(fileName);
            if (length < 0)
            {
                return ConfigurationStatus.Missing;
            }

            if (length > ConfigurationParser.MaxFileBytes)
            {
                errors.Add(0, ConfigurationParser.FieldFile, "at most " + ConfigurationParser.MaxFileBytes.ToString() + " bytes (found " + length.ToString() + ")");
                return ConfigurationStatus.Invalid;
            }

            var bytes = new byte[length];
            int read = store.Read(fileName, 0, bytes, 0, length);
            if (!ConfigurationParser.Parse(bytes, read, into, errors))
            {
                return ConfigurationStatus.Invalid;
            }

            if (into.CaCertificateFile != null)
            {
                string pem = ReadCaFile(store, into.CaCertificateFile, errors);
                if (pem == null)
                {
                    into.ResetToDefaults();
                    return ConfigurationStatus.Invalid;
                }

                into.CaCertificatePem = pem;
            }

            return ConfigurationStatus.Valid;
        }

        /// <summary>The CA file's text when it is ASCII PEM with a certificate; null (and an error) otherwise.</summary>
        private static string ReadCaFile(IFileStore store, string name, ConfigErrors errors)
        {
            const string Field = "gateway.ca_certificate_file";
            int length = store.Length(name);
            if (length <= 0 || length > MaxCaFileBytes)
            {
                errors.Add(0, Field, "a file " + name + " of 1 to " + MaxCaFileBytes.ToString() + " bytes in flash (found "
                    + (length < 0 ? "no file" : length.ToString() + " bytes") + ")");
                return null;
            }

            var bytes = new byte[length];
            int read = store.Read(name, 0, bytes, 0, length);
            var chars = new char[read];
            for (int i = 0; i < read; i++)
            {
                if (bytes[i] > 0x7E || (bytes[i] < 0x20 && bytes[i] != (byte)'\n' && bytes[i] != (byte)'\r'))
                {
                    errors.Add(0, Field, "a PEM text file (ASCII) in " + name);
                    return null;
                }

                chars[i] = (char)bytes[i];
            }

            string text = new string(chars);
            if (text.IndexOf(ConfigurationParser.PemBegin) < 0 || text.IndexOf(ConfigurationParser.PemEnd) < 0)
            {
                errors.Add(0, Field, ConfigurationParser.PemBegin + " ... " + ConfigurationParser.PemEnd + " in " + name);
                return null;
            }

            return text;
        }
    }
}
