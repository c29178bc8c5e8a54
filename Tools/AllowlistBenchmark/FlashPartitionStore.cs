using System;
using LeoCarte.Terminal.Storage;

namespace LeoCarte.Tools.AllowlistBenchmark;

/// <summary>
/// An <see cref="IFileStore"/> laid out like a flash partition: every file gets a fixed region allocated once,
/// so reads and writes allocate nothing and the benchmark's allocation counts are the allowlist's own.
/// (MemoryFileStore grows its arrays and enumerates an ArrayList per call, which allocates ~57 bytes per read:
/// fine for crash tests, but it would hide the code under measurement.)
/// </summary>
public sealed class FlashPartitionStore : IFileStore
{
    private readonly string[] names;
    private readonly byte[][] regions;
    private readonly int[] lengths;

    public FlashPartitionStore(int files, int bytesPerFile)
    {
        names = new string[files];
        regions = new byte[files][];
        lengths = new int[files];
        for (int i = 0; i < files; i++)
        {
            regions[i] = new byte[bytesPerFile];
            lengths[i] = -1;
        }
    }

    public int ReadCount { get; private set; }

    public int WriteCount { get; private set; }

    public long BytesWritten { get; private set; }

    public int TotalBytes
    {
        get
        {
            int total = 0;
            for (int i = 0; i < names.Length; i++)
            {
                total += names[i] != null ? lengths[i] : 0;
            }

            return total;
        }
    }

    public void ResetCounters()
    {
        ReadCount = 0;
        WriteCount = 0;
        BytesWritten = 0;
    }

    public int Length(string name)
    {
        int i = Find(name);
        return i < 0 ? -1 : lengths[i];
    }

    public int Read(string name, int position, byte[] buffer, int offset, int count)
    {
        ReadCount++;
        int i = Find(name);
        if (i < 0 || position < 0 || position >= lengths[i])
        {
            return 0;
        }

        int n = Math.Min(count, lengths[i] - position);
        Array.Copy(regions[i], position, buffer, offset, n);
        return n;
    }

    public void Append(string name, byte[] data, int offset, int count)
    {
        int i = FindOrCreate(name);
        Write(i, lengths[i], data, offset, count);
    }

    public void Write(string name, int position, byte[] data, int offset, int count)
    {
        Write(FindOrCreate(name), position, data, offset, count);
    }

    public void Truncate(string name, int length)
    {
        int i = Find(name);
        if (i >= 0 && length < lengths[i])
        {
            lengths[i] = Math.Max(0, length);
            WriteCount++;
        }
    }

    public void Replace(string source, string target)
    {
        int s = Find(source);
        if (s < 0)
        {
            throw new System.IO.IOException("no such file: " + source);
        }

        Delete(target);
        names[s] = target;
        WriteCount++;
    }

    public void Delete(string name)
    {
        int i = Find(name);
        if (i >= 0)
        {
            names[i] = null;
            lengths[i] = -1;
            WriteCount++;
        }
    }

    private void Write(int i, int position, byte[] data, int offset, int count)
    {
        if (position < 0 || position > lengths[i] || position + count > regions[i].Length)
        {
            throw new System.IO.IOException("partition full or bad position");
        }

        Array.Copy(data, offset, regions[i], position, count);
        lengths[i] = Math.Max(lengths[i], position + count);
        WriteCount++;
        BytesWritten += count;
    }

    private int Find(string name)
    {
        for (int i = 0; i < names.Length; i++)
        {
            if (names[i] != null && string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private int FindOrCreate(string name)
    {
        int i = Find(name);
        if (i >= 0)
        {
            return i;
        }

        for (i = 0; i < names.Length; i++)
        {
            if (names[i] == null)
            {
                names[i] = name;
                lengths[i] = 0;
                return i;
            }
        }

        throw new System.IO.IOException("no free file slot");
    }
}
