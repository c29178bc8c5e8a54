using System;
using System.IO;
using LeoCarte.Terminal.Storage;

namespace LeoCarte.HostAdapters;

/// <summary>
/// <see cref="IFileStore"/> on real files in one folder, with the device's semantics: Replace is
/// Delete(target) then Move(source, target) — nanoFramework's File.Move throws when the target exists and
/// there is no File.Replace — so a crash between the two leaves only the source, as on the ESP32. Writes are
/// flushed to disk before returning (FileStream.Flush(true)), matching "durable when it returns".
/// </summary>
public sealed class FileSystemFileStore : IFileStore
{
    private readonly string folder;

    public FileSystemFileStore(string folder)
    {
        this.folder = folder;
        Directory.CreateDirectory(folder);
    }

    public string Folder => folder;

    private string PathOf(string name)
    {
        if (name.IndexOfAny(new[] { '/', '\\' }) >= 0 || name == "." || name == "..")
        {
            throw new ArgumentException("flat file names only", nameof(name));
        }

        return Path.Combine(folder, name);
    }

    public int Length(string name)
    {
        var info = new FileInfo(PathOf(name));
        return info.Exists ? (int)info.Length : -1;
    }

    public int Read(string name, int position, byte[] buffer, int offset, int count)
    {
        string path = PathOf(name);
        if (!File.Exists(path))
        {
            return 0;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (position >= stream.Length)
        {
            return 0;
        }

        stream.Position = position;
        int total = 0;
        while (total < count)
        {
            int read = stream.Read(buffer, offset + total, count - total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    public void Append(string name, byte[] data, int offset, int count)
    {
        using var stream = new FileStream(PathOf(name), FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(data, offset, count);
        stream.Flush(true);
    }

    public void Write(string name, int position, byte[] data, int offset, int count)
    {
        using var stream = new FileStream(PathOf(name), FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        if (position > stream.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(position), "write past the end of the file");
        }

        stream.Position = position;
        stream.Write(data, offset, count);
        stream.Flush(true);
    }

    public void Truncate(string name, int length)
    {
        string path = PathOf(name);
        if (!File.Exists(path))
        {
            return;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        if (length < stream.Length)
        {
            stream.SetLength(length);
            stream.Flush(true);
        }
    }

    public void Replace(string source, string target)
    {
        string sourcePath = PathOf(source);
        string targetPath = PathOf(target);
        if (!File.Exists(sourcePath))
        {
            throw new FileNotFoundException("replace source missing", source);
        }

        // Two steps, not File.Move(overwrite: true): the device cannot do better, and recovery code must be
        // exercised against the same window.
        if (File.Exists(targetPath))
        {
            File.Delete(targetPath);
        }

        File.Move(sourcePath, targetPath);
    }

    public void Delete(string name)
    {
        string path = PathOf(name);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
