#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.Tests.Sync
{
    /// <summary>
    /// A Wi-Fi station as nanoFramework's System.Device.Wifi 1.5.147 has it: credentials in flash (each save is a
    /// flash write), an association that may fail, DHCP that may not answer.
    /// </summary>
    public sealed class FakeWifiRadio : IWifiRadio
    {
        public string StoredSsid;
        public string StoredPassword;
        public int FlashWrites;
        public int Joins;
        public bool AccessPointAnswers;
        public bool Address;

        public bool HasAddress => Address;

        public bool StoredCredentialsAre(string ssid, string password) => StoredSsid == ssid && StoredPassword == password;

        public void StoreCredentials(string ssid, string password)
        {
            StoredSsid = ssid;
            StoredPassword = password;
            FlashWrites++;
        }

        public bool Join(string ssid, string password, int timeoutMilliseconds)
        {
            Joins++;
            Address = AccessPointAnswers && ssid == StoredSsid;
            return Address;
        }
    }

    /// <summary>The device rim's decisions, shown with fakes (issue 10, item 6).</summary>
    [TestClass]
    public class DeviceRimTests
    {
        [TestMethod]
        public void AWifiOutageOfAThousandRetriesWritesTheCredentialsOnceAndUsesOneRadio()
        {
            FakeWifiRadio radio = new FakeWifiRadio();
            WifiJoin link = new WifiJoin(radio, "crous-iot", "s3cret-passphrase", 15000);
            for (int i = 0; i < 1000; i++)
            {
                Assert.IsFalse(link.Connect());
            }

            Assert.AreEqual(1, radio.FlashWrites, "credentials written to flash once, not at every retry");
            Assert.AreEqual(1000, radio.Joins);
            Assert.AreEqual(1, link.CredentialWrites);

            radio.AccessPointAnswers = true;
            Assert.IsTrue(link.Connect());
            Assert.IsTrue(link.IsUp);
            Assert.IsTrue(link.Connect(), "already up: no new join");
            Assert.AreEqual(1001, radio.Joins);
            Assert.AreEqual(1, radio.FlashWrites);
        }

        [TestMethod]
        public void CredentialsAlreadyInFlashAreNotRewrittenAndChangedOnesAreWrittenOnce()
        {
            FakeWifiRadio radio = new FakeWifiRadio();
            radio.StoredSsid = "crous-iot";
            radio.StoredPassword = "s3cret-passphrase";
            WifiJoin same = new WifiJoin(radio, "crous-iot", "s3cret-passphrase", 15000);
            same.Connect();
            same.Connect();
            Assert.AreEqual(0, radio.FlashWrites);

            WifiJoin reprovisioned = new WifiJoin(radio, "crous-iot-2", "new-passphrase", 15000);
            reprovisioned.Connect();
            reprovisioned.Connect();
            Assert.AreEqual(1, radio.FlashWrites);
            Assert.AreEqual("crous-iot-2", radio.StoredSsid);

            WifiJoin open = new WifiJoin(radio, "open-net", null, 15000);
            open.Connect();
            Assert.AreEqual("", radio.StoredPassword, "an open network stores an empty password");
        }

        [TestMethod]
        [DataRow(2, 2, 2)] // ConnectFailure while connecting → ConnectFailed
        [DataRow(0, 1, 2)] // NameResolutionFailure → ConnectFailed
        [DataRow(0, 15, 2)] // ProxyNameResolutionFailure → ConnectFailed
        [DataRow(2, 9, 3)] // TrustFailure → TlsFailed
        [DataRow(2, 14, 4)] // Timeout status → Timeout
        public void TransportErrorsUseTheInnermostWebExceptionStatus(int stage, int webStatus, int expected)
        {
            Assert.AreEqual(expected, (int)TransportErrors.Classify((TransportStage)stage, webStatus, false, true, 100, 15000));
        }

        [TestMethod]
        public void StatusZeroFailuresAreClassifiedByStepTimeAndCause()
        {
            // System.Net.Http 1.5.209 throws WebException("GetResponse() failed", inner) with Status 0 for
            // everything inside GetResponse: the step, the elapsed time and the inner exception decide.
            Assert.AreEqual(TransportResult.TlsFailed, TransportErrors.Classify(TransportStage.Connecting, 0, true, true, 300, 15000), "https handshake refused");
            Assert.AreEqual(TransportResult.ConnectFailed, TransportErrors.Classify(TransportStage.Connecting, 0, true, false, 300, 15000), "plain http connect step");
            Assert.AreEqual(TransportResult.Timeout, TransportErrors.Classify(TransportStage.AwaitingResponse, 0, true, true, 15000, 15000), "the request timer closed the socket");
            Assert.AreEqual(TransportResult.Timeout, TransportErrors.Classify(TransportStage.Connecting, 0, false, true, 15020, 15000));
            Assert.AreEqual(TransportResult.ConnectFailed, TransportErrors.Classify(TransportStage.AwaitingResponse, 0, true, true, 200, 15000), "reset by the gateway");
            Assert.AreEqual(TransportResult.ConnectFailed, TransportErrors.Classify(TransportStage.SendingBody, 0, false, true, 200, 15000), "body write failed");
            Assert.AreEqual(TransportResult.Failed, TransportErrors.Classify(TransportStage.AwaitingResponse, 0, false, true, 200, 15000), "not an HTTP answer");
            Assert.AreEqual(TransportResult.Failed, TransportErrors.Classify(TransportStage.AwaitingResponse, 7, false, true, 200, 15000), "protocol error");
        }

        [TestMethod]
        public void TheFlashRootIsTheDriveWithItsBackslashAndPathsHaveOneSeparator()
        {
            Assert.AreEqual("I:\\", FlashPaths.InternalFlashRoot);
            Assert.IsTrue(FlashPaths.IsDriveRoot(FlashPaths.InternalFlashRoot));
            Assert.IsFalse(FlashPaths.IsDriveRoot("I:"));
            Assert.IsFalse(FlashPaths.IsDriveRoot("I:\\leocarte"));
            Assert.AreEqual("I:\\terminal.conf", FlashPaths.Combine(FlashPaths.InternalFlashRoot, "terminal.conf"));
            Assert.AreEqual("I:\\leocarte\\journal.bin", FlashPaths.Combine("I:\\leocarte", "journal.bin"));
        }
    }
}
