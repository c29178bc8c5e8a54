using System;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Diagnostics;
using LeoCarte.Terminal.Storage;

namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// The boot step "configuration", the one used by the device, the virtual terminal and the tests
    /// (<see cref="TerminalApplication.Boot"/> calls it): load <c>terminal.conf</c> from flash, put
    /// the outcome in the self-test report, and print either every error (as the validator prints them) or the
    /// effective configuration with secrets masked. Whatever happens the terminal keeps a usable configuration:
    /// the file's when valid, otherwise the safe defaults (deny-all, documented wiring for the LED code).
    /// </summary>
    public static class ConfigurationBoot
    {
        public static ConfigurationStatus Run(IFileStore store, TerminalConfiguration config, ConfigErrors errors,
            SelfTestReport report, LineWriter write)
        {
            ConfigurationStatus status;
            try
            {
                status = ConfigurationLoader.Load(store, config, errors);
            }
            catch (Exception e)
            {
                // The flash store itself failed (unmounted, I/O error): a storage fault, not a configuration
                // problem; stay deny-all and let the storage LED code say so.
                config.ResetToDefaults();
                errors.Clear();
                report.Storage = CheckResult.Fail;
                report.SetConfiguration(ConfigurationStatus.Missing, config, errors);
                write(TerminalConfiguration.FileName + ": unreadable (" + e.GetType().Name + "): storage fault");
                return ConfigurationStatus.Missing;
            }

            report.SetConfiguration(status, config, errors);
            if (status == ConfigurationStatus.Valid)
            {
                write("configuration: OK, terminal " + config.TerminalId);
                ConfigurationPrinter.Write(config, write);
            }
            else if (status == ConfigurationStatus.Missing)
            {
                write(TerminalConfiguration.FileName + ": missing: the terminal is not provisioned and denies every tap (hardware/flashing.md)");
            }
            else
            {
                ConfigurationPrinter.WriteErrors(TerminalConfiguration.FileName, errors, write);
                write(TerminalConfiguration.FileName + ": invalid: every tap is denied until a corrected file is deployed");
            }

            return status;
        }
    }
}
