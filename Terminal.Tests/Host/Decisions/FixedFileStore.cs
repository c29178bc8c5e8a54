using System;
using System.Collections.Generic;
using LeoCarte.Terminal.Storage;

namespace LeoCarte.Terminal.Tests.Host.Decisions;

/// <summary>
/// Host-only <see cref="IFileStore"/> for allocation measurements and the decision benchmark: every file gets a
/// fixed 2 MB buffer when first written, and no call allocates afterwards (MemoryFileStore enumerates an ArrayList
/// per call, which allocates an enumerator and would hide the engine's own figure). Counts calls like MemoryFileStore.
/// No power-cut injection: crash tests use MemoryFileStore.
/// </summary>
public sealed class FixedFileStore : IFileStore
{
    private const int FileCapacity = 2 << 20;

    private sealed class FileData
    {
        public readonly byte[] Data = new byte[FileCapacity];
        public int Length;
    }

    private readonly Dictionary<string, FileData> files = new(StringComparer.Ordinal);

    public int ReadCount { get; private set; }
    public int WriteCount { get; private set; }
    public int LengthCount { get; private set; }
    public long BytesWritten { get; private set; }
    public long BytesRead { get; private set; }

    public void ResetCounters()
    {
        ReadCount = 0;
        WriteCount = 0;
        LengthCount = 0;
        BytesWritten = 0;
        BytesRead = 0;
    }

    /// <summary>Creates the files up front so their buffers are allocated before a measurement.</summary>
    public void PreCreate(params string[] names)
    {
        foreach (string name in names)
        {
            files.TryAdd(name, new FileData());
        }
    }

    public int FileLength(string name) => files.TryGetValue(name, out FileData f) && f.Length >= 0 ? f.Length : -1;

    public int Length(string name)
    {
        LengthCount++;
        return files.TryGetValue(name, out FileData f) && f.Length >= 0 ? f.Length : -1;
    }

    public int Read(string name, int position, byte[] buffer, int offset, int count)
    {
        ReadCount++;
        if (!files.TryGetValue(name, out FileData f) || position < 0 || position >= f.Length)
        {
            return 0;
        }

        int n = Math.Min(count, f.Length - position);
        Array.Copy(f.Data, position, buffer, offset, n);
        BytesRead += n;
        return n;
    }

    public void Append(string name, byte[] data, int offset, int count) => Write(name, Math.Max(0, FileLength(name)), data, offset, count);

    public void Write(string name, int position, byte[] data, int offset, int count)
    {
        if (!files.TryGetValue(name, out FileData f))
        {
            f = new FileData();
            files[name] = f;
        }

        if (f.Length < 0)
        {
            f.Length = 0;
        }

        if (position < 0 || position > f.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(position));
        }

        Array.Copy(data, offset, f.Data, position, count);
        f.Length = Math.Max(f.Length, position + count);
        WriteCount++;
        BytesWritten += count;
    }

    public void Truncate(string name, int length)
    {
        if (files.TryGetValue(name, out FileData f) && length < f.Length)
        {
            f.Length = Math.Max(0, length);
            WriteCount++;
        }
    }

    public void Replace(string source, string target)
    {
        FileData from = files[source];
        files.Remove(source);
        files[target] = from;
        WriteCount++;
    }

    public void Delete(string name)
    {
        if (files.TryGetValue(name, out FileData f) && f.Length >= 0)
        {
            f.Length = -1; // keep the buffer: deleting and recreating allocates nothing
            WriteCount++;
        }
    }
}
