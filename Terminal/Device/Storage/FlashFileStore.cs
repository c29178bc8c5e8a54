// Device-only (nanoFramework.System.IO.FileSystem 1.1.93): not part of the host or conformance builds.
using System;
using System.IO;
using LeoCarte.Terminal.Storage;

namespace LeoCarte.Terminal.Device.Storage
{
    /// <summary>
    /// <see cref="IFileStore"/> on the ESP32's internal flash file system (drive I:). Every mutating call
    /// opens, writes, flushes and closes, so its data has reached flash when it returns (FileStream.Flush
    /// calls the native flush). The file system has no atomic replace — File.Move throws when the target
    /// exists — so <see cref="Replace"/> is Delete(target) then Move(source, target): a power cut between the
    /// two leaves only the source, which the formats that use Replace recover at boot (see IFileStore).
    /// One read handle is kept open because allowlist lookups read the same file again and again; any write
    /// to that file closes it first. A lock serialises the tap thread and the sync thread.
    /// </summary>
    public sealed class FlashFileStore : IFileStore
    {
        private readonly string root;
        private readonly object gate = new object();
        private FileStream cachedReader;
        private string cachedName;

        /// <param name="root">The drive root (FlashPaths.InternalFlashRoot, "I:\\") or a folder on it, e.g.
        /// "I:\\leocarte", created when missing.</param>
        public FlashFileStore(string root)
        {
            this.root = root;
            if (!FlashPaths.IsDriveRoot(root) && !Directory.Exists(root))
            {
                Directory.CreateDirectory(root);
            }
        }

        public int Length(string name)
        {
            lock (gate)
            {
                string path = PathOf(name);
                if (!File.Exists(path))
                {
                    return -1;
                }

                if (cachedName == name)
                {
                    return (int)cachedReader.Length;
                }

                return (int)new FileInfo(path).Length;
            }
        }

        public int Read(string name, int position, byte[] buffer, int offset, int count)
        {
            lock (gate)
            {
                if (cachedName != name)
                {
                    CloseReader();
                    string path = PathOf(name);
                    if (!File.Exists(path))
                    {
                        return 0;
                    }

                    cachedReader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 512);
                    cachedName = name;
                }

                if (position < 0 || position >= cachedReader.Length)
                {
                    return 0;
                }

                cachedReader.Seek(position, SeekOrigin.Begin);
                int total = 0;
                while (total < count)
                {
                    int n = cachedReader.Read(buffer, offset + total, count - total);
                    if (n <= 0)
                    {
                        break;
                    }

                    total += n;
                }

                return total;
            }
        }

        public void Append(string name, byte[] data, int offset, int count)
        {
            lock (gate)
            {
                ReleaseIfCached(name);
                using (FileStream stream = new FileStream(PathOf(name), FileMode.Append, FileAccess.Write))
                {
                    stream.Write(data, offset, count);
                    stream.Flush();
                }
            }
        }

        public void Write(string name, int position, byte[] data, int offset, int count)
        {
            lock (gate)
            {
                ReleaseIfCached(name);
                using (FileStream stream = new FileStream(PathOf(name), FileMode.OpenOrCreate, FileAccess.ReadWrite))
                {
                    if (position > stream.Length)
                    {
                        throw new ArgumentOutOfRangeException("position");
                    }

                    stream.Seek(position, SeekOrigin.Begin);
                    stream.Write(data, offset, count);
                    stream.Flush();
                }
            }
        }

        public void Truncate(string name, int length)
        {
            lock (gate)
            {
                ReleaseIfCached(name);
                string path = PathOf(name);
                if (!File.Exists(path))
                {
                    return;
                }

                using (FileStream stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
                {
                    if (length < stream.Length)
                    {
                        stream.SetLength(length < 0 ? 0 : length);
                        stream.Flush();
                    }
                }
            }
        }

        public void Replace(string source, string target)
        {
            lock (gate)
            {
                ReleaseIfCached(source);
                ReleaseIfCached(target);
                string targetPath = PathOf(target);
                if (File.Exists(targetPath))
                {
                    File.Delete(targetPath);
                }

                File.Move(PathOf(source), targetPath);
            }
        }

        public void Delete(string name)
        {
            lock (gate)
            {
                ReleaseIfCached(name);
                string path = PathOf(name);
                if (File.Exists(path))
                {
                    File.Delete(path);
                }
            }
        }

        private string PathOf(string name) => FlashPaths.Combine(root, name);

        private void ReleaseIfCached(string name)
        {
            if (cachedName == name)
            {
                CloseReader();
            }
        }

        private void CloseReader()
        {
            if (cachedReader != null)
            {
                cachedReader.Dispose();
                cachedReader = null;
                cachedName = null;
            }
        }
    }
}
