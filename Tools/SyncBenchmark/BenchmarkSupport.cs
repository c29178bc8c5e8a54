using System;
using System.Collections.Generic;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Tools.SyncBenchmark;

/// <summary>
/// Flash for the memory measurement: every file gets its full capacity up front, so writing a list allocates
/// nothing on the host and the allocation counter sees only what the terminal code allocates (on the device
/// the flash is not managed memory at all).
/// </summary>
internal sealed class PreallocatedFlash : IFileStore
{
    private readonly Dictionary<string, byte[]> data = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> lengths = new(StringComparer.Ordinal);
    private readonly int capacity;

    public PreallocatedFlash(int capacity, params string[] names)
    {
        this.capacity = capacity;
        foreach (string name in names)
        {
            data[name] = new byte[capacity];
        }
    }

    public long BytesWritten { get; private set; }

    private byte[] Buffer(string name)
    {
        if (!data.TryGetValue(name, out byte[] bytes))
        {
            bytes = new byte[capacity];
            data[name] = bytes;
        }

        return bytes;
    }

    public int Length(string name) => lengths.TryGetValue(name, out int length) ? length : -1;

    public int Read(string name, int position, byte[] buffer, int offset, int count)
    {
        int length = Length(name);
        if (length < 0 || position >= length)
        {
            return 0;
        }

        int n = Math.Min(count, length - position);
        Array.Copy(data[name], position, buffer, offset, n);
        return n;
    }

    public void Append(string name, byte[] bytes, int offset, int count) => Write(name, Math.Max(0, Length(name)), bytes, offset, count);

    public void Write(string name, int position, byte[] bytes, int offset, int count)
    {
        byte[] target = Buffer(name);
        Array.Copy(bytes, offset, target, position, count);
        int end = position + count;
        lengths[name] = Math.Max(end, Math.Max(0, Length(name)));
        BytesWritten += count;
    }

    public void Truncate(string name, int length)
    {
        if (Length(name) > length)
        {
            lengths[name] = length;
        }
    }

    public void Replace(string source, string target)
    {
        byte[] sourceData = Buffer(source);
        data[source] = Buffer(target);
        data[target] = sourceData;
        lengths[target] = Length(source);
        lengths.Remove(source);
    }

    public void Delete(string name) => lengths.Remove(name);
}

/// <summary>Serves fixed bytes for the list GET and "{}" for POSTs, reading like a socket: no allocation per chunk.</summary>
internal sealed class MemoryTransport : IHttpTransport
{
    private readonly Response listResponse = new();
    private readonly Response postResponse = new();
    private static readonly byte[] EmptyJson = "{}"u8.ToArray();

    public byte[] List { get; set; }

    public long BodyBytesServed { get; private set; }

    public TransportResult Send(HttpRequest request, out IHttpResponse response)
    {
        Response r = request.Method == "GET" ? listResponse : postResponse;
        r.Reset(this, request.Method == "GET" ? List : EmptyJson);
        response = r;
        return TransportResult.Ok;
    }

    private sealed class Response : IHttpResponse
    {
        private MemoryTransport owner;
        private byte[] body;
        private int position;

        public void Reset(MemoryTransport transport, byte[] bytes)
        {
            owner = transport;
            body = bytes;
            position = 0;
        }

        public int StatusCode => body == null ? 204 : 200;

        public long ContentLength => body?.Length ?? 0;

        public string Header(string name) => null;

        public int Read(byte[] buffer, int offset, int count)
        {
            if (body == null)
            {
                return 0;
            }

            int n = Math.Min(count, body.Length - position);
            Array.Copy(body, position, buffer, offset, n);
            position += n;
            owner.BodyBytesServed += n;
            return n;
        }

        public void Close()
        {
        }
    }
}

internal sealed class BenchmarkClockHardware : IClockHardware
{
    public DateTime Utc = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);

    public DateTime UtcNow => Utc;

    public long MonotonicMilliseconds { get; set; }

    public void SetUtc(DateTime utc) => Utc = utc;
}

/// <summary>A list sink that accepts and drops every byte (measures the sync core alone).</summary>
internal sealed class DiscardSink : IListUpdateSink
{
    public long CurrentVersion => 0;

    public long CurrentDatabaseId => 0;

    public string LastError => null;

    public bool NeedsSnapshot => false;

    public bool Begin() => true;

    public bool Write(byte[] data, int offset, int count) => true;

    public bool Commit() => true;

    public void Abort()
    {
    }
}
