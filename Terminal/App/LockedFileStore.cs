using LeoCarte.Terminal.Storage;

namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// Serialises every call to a file store that is not itself thread-safe (MemoryFileStore, the host's
    /// FileSystemFileStore), so the tap thread (journal appends, counters, list lookups) and the sync thread (list
    /// staging, journal batches and acknowledgements) can share it. The device's FlashFileStore locks on its own.
    /// </summary>
    public sealed class LockedFileStore : IFileStore
    {
        private readonly object gate = new object();
        private readonly IFileStore inner;

        public LockedFileStore(IFileStore inner)
        {
            this.inner = inner;
        }

        public IFileStore Inner => inner;

        public int Length(string name)
        {
            lock (gate) { return inner.Length(name); }
        }

        public int Read(string name, int position, byte[] buffer, int offset, int count)
        {
            lock (gate) { return inner.Read(name, position, buffer, offset, count); }
        }

        public void Append(string name, byte[] data, int offset, int count)
        {
            lock (gate) { inner.Append(name, data, offset, count); }
        }

        public void Write(string name, int position, byte[] data, int offset, int count)
        {
            lock (gate) { inner.Write(name, position, data, offset, count); }
        }

        public void Truncate(string name, int length)
        {
            lock (gate) { inner.Truncate(name, length); }
        }

        public void Replace(string source, string target)
        {
            lock (gate) { inner.Replace(source, target); }
        }

        public void Delete(string name)
        {
            lock (gate) { inner.Delete(name); }
        }
    }
}
