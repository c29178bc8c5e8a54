using System;
using System.Diagnostics;
using System.Security.Cryptography;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.HostAdapters;

/// <summary>
/// The machine clock as the terminal's clock hardware: wall-clock time plus an offset that SetUtc moves (the
/// host's own clock is never changed), and Stopwatch as the monotonic tick. <see cref="StartAt"/> lets a test
/// start the terminal with a wrong clock, like an ESP32 booting in 1970.
/// </summary>
public sealed class SystemClockHardware : IClockHardware
{
    private readonly Stopwatch stopwatch = Stopwatch.StartNew();
    private TimeSpan offset;

    public DateTime UtcNow => DateTime.UtcNow + offset;

    public long MonotonicMilliseconds => stopwatch.ElapsedMilliseconds;

    public void SetUtc(DateTime utc) => offset = utc - DateTime.UtcNow;

    /// <summary>Makes the clock read <paramref name="utc"/> now (test and demo use).</summary>
    public void StartAt(DateTime utc) => SetUtc(utc);
}

/// <summary>A clock hardware for deterministic tests: time only moves when the test says so.</summary>
public sealed class ManualClockHardware : IClockHardware
{
    public DateTime Utc;
    public long Monotonic;

    public ManualClockHardware(DateTime utc)
    {
        Utc = utc;
    }

    public DateTime UtcNow => Utc;

    public long MonotonicMilliseconds => Monotonic;

    public void SetUtc(DateTime utc) => Utc = utc;

    public void Advance(TimeSpan by)
    {
        Utc += by;
        Monotonic += (long)by.TotalMilliseconds;
    }
}

/// <summary>The host is always on the network (tests model outages in the transport instead).</summary>
public sealed class AlwaysUpLink : INetworkLink
{
    public bool IsUp => true;

    public bool Connect() => true;
}

/// <summary>SHA-256/HMAC from System.Security.Cryptography, for host-only tools that want the platform's implementation.</summary>
public sealed class DotNetMessageHasher : IMessageHasher
{
    public void Sha256(byte[] data, int offset, int count, byte[] output)
    {
        SHA256.HashData(new ReadOnlySpan<byte>(data, offset, count), output);
    }

    public void HmacSha256(byte[] key, byte[] data, int offset, int count, byte[] output)
    {
        HMACSHA256.HashData(key, new ReadOnlySpan<byte>(data, offset, count), output);
    }
}
