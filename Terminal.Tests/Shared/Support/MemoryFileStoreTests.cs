#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Tests.Support;

namespace LeoCarte.Terminal.Tests.Storage
{
    /// <summary>The crash-test store must tear exactly the write it is told to, and nothing after it.</summary>
    [TestClass]
    public class MemoryFileStoreTests
    {
        [TestMethod]
        public void AppendReadAndReplaceRoundTrip()
        {
            MemoryFileStore store = new MemoryFileStore();
            store.Append("a.tmp", new byte[] { 1, 2, 3 }, 0, 3);
            store.Append("a.tmp", new byte[] { 4 }, 0, 1);
            store.Replace("a.tmp", "a");
            Assert.AreEqual(-1, store.Length("a.tmp"));
            byte[] buffer = new byte[8];
            Assert.AreEqual(4, store.Read("a", 0, buffer, 0, 8));
            Expect.Bytes(new byte[] { 1, 2, 3, 4 }, buffer, 0, 4);
            Assert.AreEqual(0, store.Read("a", 4, buffer, 0, 8));
            Assert.AreEqual(0, store.Read("missing", 0, buffer, 0, 8));
        }

        [TestMethod]
        public void PowerCutTearsTheArmedWriteAndBlocksUntilReboot()
        {
            MemoryFileStore store = new MemoryFileStore();
            store.CutPowerAfterWrites(1);
            store.Append("j", new byte[] { 1, 2, 3, 4 }, 0, 4);
            Expect.Throws(typeof(PowerCutException), () => store.Append("j", new byte[] { 5, 6, 7, 8 }, 0, 4));
            Assert.IsTrue(store.IsPoweredOff);
            Expect.Throws(typeof(PowerCutException), () => store.Length("j"));
            store.Reboot();
            Assert.AreEqual(6, store.Length("j"), "half of the torn append reached flash");
        }

        [TestMethod]
        public void PowerCutDuringReplaceLeavesTheOldTarget()
        {
            MemoryFileStore store = new MemoryFileStore();
            store.Append("list", new byte[] { 1 }, 0, 1);
            store.Append("list.new", new byte[] { 2, 2 }, 0, 2);
            store.CutPowerAfterWrites(0);
            Expect.Throws(typeof(PowerCutException), () => store.Replace("list.new", "list"));
            store.Reboot();
            Assert.AreEqual(1, store.Length("list"));
            Assert.AreEqual(2, store.Length("list.new"));
        }
    }
}
