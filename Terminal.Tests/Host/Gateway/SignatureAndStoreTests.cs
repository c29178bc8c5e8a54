using System;
using System.IO;
using System.Text;
using LeoCarte.Gateway.Api;
using LeoCarte.HostAdapters;
using LeoCarte.Terminal.Sync;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

[TestClass]
public class SignatureAndStoreTests
{
    [TestMethod]
    [DataRow("GET", "/api/v1/terminals/RU-CAEN-01/list?have=41", "")]
    [DataRow("POST", "/api/v1/terminals/RU-CAEN-01/heartbeat", "{\"firmware\":\"0.1.0\"}")]
    public void PortableSignerMatchesTheGatewayCheck(string method, string path, string body)
    {
        byte[] secret = Convert.FromHexString("5465726d696e616c2052552d4341454e2d303120646d6f20736563726574210a");
        byte[] bodyBytes = Encoding.ASCII.GetBytes(body);
        var request = new HttpRequest();
        request.Reset(method, path);
        if (bodyBytes.Length > 0)
        {
            request.SetBody(bodyBytes, 0, bodyBytes.Length, "application/json");
        }

        Assert.IsTrue(new RequestSigner("RU-CAEN-01", secret, new PortableMessageHasher()).Sign(request, 1795703400));
        Assert.AreEqual(RequestSigner.SignatureHeader, request.HeaderName(2));
        string expected = Convert.ToHexStringLower(TerminalAuthenticator.Sign(secret, method, path, "RU-CAEN-01", 1795703400, bodyBytes));
        Assert.AreEqual(expected, request.HeaderValue(2));
        Assert.AreEqual("1795703400", request.HeaderValue(1));

        var options = new LeoCarte.Gateway.GatewayOptions();
        options.Terminals["RU-CAEN-01"] = Convert.ToHexString(secret);
        var auth = new TerminalAuthenticator(options);
        DateTime at = DateTime.UnixEpoch.AddSeconds(1795703400);
        Assert.IsNull(auth.Check("RU-CAEN-01", method, path, "RU-CAEN-01", "1795703400", request.HeaderValue(2), bodyBytes, at));
        StringAssert.Contains(auth.Check("RU-CAEN-01", method, path + "0", "RU-CAEN-01", "1795703400", request.HeaderValue(2), bodyBytes, at), "signature");
        StringAssert.Contains(auth.Check("RU-CAEN-01", method, path, "RU-CAEN-01", "1795703400", request.HeaderValue(2), bodyBytes, at.AddSeconds(301)), "window");
    }

    [TestMethod]
    public void FileSystemStoreReplaceIsDeleteThenMoveLikeTheDevice()
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-fs-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new FileSystemFileStore(folder);
            Assert.AreEqual(-1, store.Length("a"));
            store.Append("a", new byte[] { 1, 2, 3 }, 0, 3);
            store.Write("a", 1, new byte[] { 9, 9, 9 }, 0, 3);
            var buffer = new byte[8];
            Assert.AreEqual(4, store.Read("a", 0, buffer, 0, 8));
            CollectionAssert.AreEqual(new byte[] { 1, 9, 9, 9 }, buffer[..4]);
            store.Truncate("a", 2);
            Assert.AreEqual(2, store.Length("a"));
            Assert.AreEqual(0, store.Read("missing", 0, buffer, 0, 8));

            store.Append("b.new", new byte[] { 7 }, 0, 1);
            store.Replace("b.new", "a");
            Assert.AreEqual(-1, store.Length("b.new"));
            Assert.AreEqual(1, store.Length("a"));
            Assert.ThrowsExactly<ArgumentException>(() => store.Length("../escape"));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
