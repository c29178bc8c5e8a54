// Device-only (nanoFramework System.Net 1.11.54: System.Net.Security.CertificateManager): not part of the host or
// conformance builds.
using System;
using System.Net.Security;

namespace LeoCarte.Terminal.Device.Sync
{
    /// <summary>
    /// Makes the pinned CA the only root the device's TLS trusts (issue 13, item 6).
    ///
    /// What nanoFramework does (nf-interpreter a3e8139, src/PAL/COM/sockets/ssl/MbedTLS/ssl_generic_init_internal.cpp):
    /// every TLS context starts its CA chain with the device's CA root bundle from the configuration block
    /// (HAL_Configuration_X509CaRootBundle, written by nanoff/Visual Studio's device explorer or by
    /// CertificateManager.AddCaCertificateBundle), then ssl_add_cert_auth_internal adds the certificate given as
    /// HttpWebRequest.HttpsAuthentCert. So a CA left in the device store by an earlier deployment or a bench test
    /// would be trusted beside ours. nanoFramework offers no way to read or clear that store from C#
    /// (CertificateManager only has AddCaCertificateBundle, which replaces the one bundle), so at every boot it is
    /// replaced by exactly the pinned CA: whatever someone put there, the chain holds our CA only (twice).
    /// One configuration-block write per boot (ConfigurationManager_UpdateConfigurationBlock): a few a day at most.
    /// </summary>
    public static class CaStoreGuard
    {
        /// <summary>
        /// Replaces the device's CA root bundle with <paramref name="pem"/> (one certificate, ASCII, checked by
        /// PinnedCertificate). mbedTLS parses a PEM bundle only with its terminating NUL (mbedtls_x509_crt_parse),
        /// which is appended here. False when the native call fails or is not implemented on this firmware.
        /// </summary>
        public static bool PinDeviceStore(string pem)
        {
            byte[] bundle = new byte[pem.Length + 1];
            for (int i = 0; i < pem.Length; i++)
            {
                bundle[i] = (byte)pem[i];
            }

            try
            {
                return CertificateManager.AddCaCertificateBundle(bundle);
            }
            catch (Exception)
            {
                // NotImplemented on a firmware built without the certificate store, or a flash failure.
                return false;
            }
        }
    }
}
