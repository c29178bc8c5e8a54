#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Tests.Support;

namespace LeoCarte.Terminal.Tests.Config
{
    /// <summary>Boot step "configuration" over the flash store.</summary>
    [TestClass]
    public class ConfigurationLoaderTests
    {
        private static void Put(MemoryFileStore store, string name, string text)
        {
            byte[] bytes = ConfigTestFiles.Bytes(text);
            store.Append(name, bytes, 0, bytes.Length);
        }

        [TestMethod]
        public void ABlankTerminalIsMissingAndDeniesAll()
        {
            MemoryFileStore store = new MemoryFileStore();
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            ExpectEnum.Equal(ConfigurationStatus.Missing, ConfigurationLoader.Load(store, config, errors));
            Assert.IsFalse(config.IsProvisioned);
            Assert.AreEqual(0, errors.Count);
        }

        [TestMethod]
        public void AValidFileAndItsCaFileProvisionTheTerminal()
        {
            MemoryFileStore store = new MemoryFileStore();
            Put(store, TerminalConfiguration.FileName, ConfigTestFiles.Minimal());
            Put(store, "gateway-ca.pem", ConfigTestFiles.PemBlock());
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            ExpectEnum.Equal(ConfigurationStatus.Valid, ConfigurationLoader.Load(store, config, errors), ConfigTestFiles.AllErrors(errors));
            Assert.IsTrue(config.IsProvisioned);
            Assert.AreEqual(ConfigTestFiles.PemBlock(), config.CaCertificatePem);
        }

        [TestMethod]
        public void AMissingOrBrokenCaFileMakesTheConfigurationInvalid()
        {
            MemoryFileStore store = new MemoryFileStore();
            Put(store, TerminalConfiguration.FileName, ConfigTestFiles.Minimal());
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            ExpectEnum.Equal(ConfigurationStatus.Invalid, ConfigurationLoader.Load(store, config, errors));
            ConfigTestFiles.AssertError(errors, 0, "gateway.ca_certificate_file");
            Assert.IsFalse(config.IsProvisioned);

            Put(store, "gateway-ca.pem", "not a certificate\n");
            ExpectEnum.Equal(ConfigurationStatus.Invalid, ConfigurationLoader.Load(store, config, errors));
            ConfigTestFiles.AssertError(errors, 0, "gateway.ca_certificate_file");
            Assert.AreEqual(TerminalConfiguration.UnprovisionedId, config.TerminalId);
        }

        [TestMethod]
        public void AnInvalidFileIsInvalidWithItsErrors()
        {
            MemoryFileStore store = new MemoryFileStore();
            Put(store, TerminalConfiguration.FileName, "[terminal]\nid = x\n");
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            ExpectEnum.Equal(ConfigurationStatus.Invalid, ConfigurationLoader.Load(store, config, errors));
            Assert.AreEqual(6, errors.Count, ConfigTestFiles.AllErrors(errors));
        }
    }
}
