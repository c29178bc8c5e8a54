using System;
using System.Collections;

namespace LeoCarte.Terminal.Storage
{
    /// <summary>Thrown by <see cref="MemoryFileStore"/> when a simulated power cut interrupts a write.</summary>
    public sealed class PowerCutException : Exception
    {
        public PowerCutException()
            : base("simulated power cut")
        {
        }
    }

    /// <summary>
    /// RAM-backed <see cref="IFileStore"/> with power-cut injection, in the manner of SQLite's crash tests:
    /// arm <see cref="CutPowerAfterWrites"/> and the store lets that many mutating calls complete, tears the
    /// next one (an append or write keeps only <see cref="TornBytesKept"/> of its bytes; a replace or delete
    /// does not happen) and throws <see cref="PowerCutException"/>; every later call throws too until
    /// <see cref="Reboot"/>, which is the device restarting over the same flash. It also counts reads and
    /// writes for the benchmarks. Used by host tests, the virtual terminal and the simulator-backed demos.
    /// </summary>
    public sealed class MemoryFileStore : IFileStore
    {
        private readonly ArrayList files = new ArrayList();
        private int writesBeforeCut = -1;
        private bool powerCut;

        /// <summary>Bytes of the torn write that reach flash; -1 keeps half of them.</summary>
        public int TornBytesKept = -1;

        /// <summary>Number of <see cref="Read"/> calls since construction or <see cref="ResetCounters"/>.</summary>
        public int ReadCount { get; private set; }

        /// <summary>Number of completed mutating calls since construction or <see cref="ResetCounters"/>.</summary>
        public int WriteCount { get; private set; }

        /// <summary>Bytes written by completed mutating calls.</summary>
        public long BytesWritten { get; private set; }

        /// <summary>True after a simulated power cut, until <see cref="Reboot"/>.</summary>
        public bool IsPoweredOff => powerCut;

        /// <summary>Lets <paramref name="writes"/> more mutating calls complete, then cuts power during the next one.</summary>
        public void CutPowerAfterWrites(int writes)
        {
            writesBeforeCut = writes;
        }

        /// <summary>Power returns: calls work again, with whatever the flash held at the cut.</summary>
        public void Reboot()
        {
            powerCut = false;
            writesBeforeCut = -1;
        }

        public void ResetCounters()
        {
            ReadCount = 0;
            WriteCount = 0;
            BytesWritten = 0;
        }

        /// <summary>Total bytes held by all files (flash footprint).</summary>
        public int TotalBytes
        {
            get
            {
                int total = 0;
                for (int i = 0; i < files.Count; i++)
                {
                    total += ((Entry)files[i]).Length;
                }

                return total;
            }
        }

        public int Length(string name)
        {
            ThrowIfOff();
            Entry entry = Find(name);
            return entry == null ? -1 : entry.Length;
        }

        public int Read(string name, int position, byte[] buffer, int offset, int count)
        {
            ThrowIfOff();
            ReadCount++;
            Entry entry = Find(name);
            if (entry == null || position >= entry.Length || position < 0)
            {
                return 0;
            }

            int n = entry.Length - position;
            if (n > count)
            {
                n = count;
            }

            Array.Copy(entry.Data, position, buffer, offset, n);
            return n;
        }

        public void Append(string name, byte[] data, int offset, int count)
        {
            ThrowIfOff();
            Entry entry = Find(name) ?? Create(name);
            WriteAt(entry, entry.Length, data, offset, count);
        }

        public void Write(string name, int position, byte[] data, int offset, int count)
        {
            ThrowIfOff();
            Entry entry = Find(name) ?? Create(name);
            if (position < 0 || position > entry.Length)
            {
                throw new ArgumentOutOfRangeException("position");
            }

            WriteAt(entry, position, data, offset, count);
        }

        public void Truncate(string name, int length)
        {
            ThrowIfOff();
            Entry entry = Find(name);
            if (entry == null || length >= entry.Length)
            {
                return;
            }

            BeginWrite();
            entry.Length = length < 0 ? 0 : length;
            EndWrite(0);
        }

        public void Replace(string source, string target)
        {
            ThrowIfOff();
            Entry from = Find(source);
            if (from == null)
            {
                throw new System.IO.IOException("no such file: " + source);
            }

            BeginWrite();
            Entry old = Find(target);
            if (old != null)
            {
                files.Remove(old);
            }

            from.Name = target;
            EndWrite(0);
        }

        public void Delete(string name)
        {
            ThrowIfOff();
            Entry entry = Find(name);
            if (entry == null)
            {
                return;
            }

            BeginWrite();
            files.Remove(entry);
            EndWrite(0);
        }

        /// <summary>A copy of a file's bytes (tests and tools), or null.</summary>
        public byte[] Snapshot(string name)
        {
            Entry entry = Find(name);
            if (entry == null)
            {
                return null;
            }

            byte[] copy = new byte[entry.Length];
            Array.Copy(entry.Data, copy, entry.Length);
            return copy;
        }

        private void WriteAt(Entry entry, int position, byte[] data, int offset, int count)
        {
            int keep = count;
            if (writesBeforeCut == 0)
            {
                keep = TornBytesKept < 0 ? count / 2 : (TornBytesKept < count ? TornBytesKept : count);
            }

            Ensure(entry, position + keep);
            Array.Copy(data, offset, entry.Data, position, keep);
            if (position + keep > entry.Length)
            {
                entry.Length = position + keep;
            }

            if (writesBeforeCut == 0)
            {
                Cut();
            }

            EndWrite(count);
        }

        private void BeginWrite()
        {
            if (writesBeforeCut == 0)
            {
                Cut();
            }
        }

        private void EndWrite(int bytes)
        {
            WriteCount++;
            BytesWritten += bytes;
            if (writesBeforeCut > 0)
            {
                writesBeforeCut--;
            }
        }

        private void Cut()
        {
            powerCut = true;
            writesBeforeCut = -1;
            throw new PowerCutException();
        }

        private void ThrowIfOff()
        {
            if (powerCut)
            {
                throw new PowerCutException();
            }
        }

        private static void Ensure(Entry entry, int size)
        {
            if (entry.Data.Length >= size)
            {
                return;
            }

            int capacity = entry.Data.Length < 64 ? 64 : entry.Data.Length;
            while (capacity < size)
            {
                capacity *= 2;
            }

            byte[] grown = new byte[capacity];
            Array.Copy(entry.Data, grown, entry.Length);
            entry.Data = grown;
        }

        private Entry Find(string name)
        {
            // Indexed, not foreach: an ArrayList enumerator is an allocation, and the zero-allocation
            // benchmarks read through this store on every lookup.
            for (int i = 0; i < files.Count; i++)
            {
                Entry entry = (Entry)files[i];
                if (entry.Name == name)
                {
                    return entry;
                }
            }

            return null;
        }

        private Entry Create(string name)
        {
            Entry entry = new Entry();
            entry.Name = name;
            entry.Data = new byte[0];
            files.Add(entry);
            return entry;
        }

        private sealed class Entry
        {
            public string Name;
            public byte[] Data;
            public int Length;
        }
    }
}
