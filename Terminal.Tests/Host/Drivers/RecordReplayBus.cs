using System;
using System.Collections.Generic;
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>
/// Records every transfer's received bytes and every pin read of a run against a model (the scripted fake or the
/// simulator), so the same run can be replayed by <see cref="ReplayBus"/>, which allocates nothing. The driver is
/// deterministic, so a replay issues the same transfers; allocation measured during a replay is the driver's alone.
/// </summary>
internal sealed class RecordingBus : IRegisterBus, IReaderPins
{
    private readonly IRegisterBus bus;
    private readonly IReaderPins pins;
    public readonly List<byte[]> Received = new();
    public readonly List<byte[]> Sent = new();
    public readonly List<bool> IrqReads = new();
    public readonly List<long> ClockReads = new();

    public RecordingBus(IRegisterBus bus, IReaderPins pins)
    {
        this.bus = bus;
        this.pins = pins;
    }

    public void Transfer(byte[] tx, byte[] rx, int length)
    {
        bus.Transfer(tx, rx, length);
        Sent.Add(tx.AsSpan(0, length).ToArray());
        Received.Add(rx.AsSpan(0, length).ToArray());
    }

    public void SetResetHigh(bool high) => pins.SetResetHigh(high);

    public bool IrqAsserted
    {
        get
        {
            bool value = pins.IrqAsserted;
            IrqReads.Add(value);
            return value;
        }
    }

    public long MonotonicMilliseconds
    {
        get
        {
            long value = pins.MonotonicMilliseconds;
            ClockReads.Add(value);
            return value;
        }
    }

    public void Delay(int milliseconds) => pins.Delay(milliseconds);
}

internal sealed class ReplayBus : IRegisterBus, IReaderPins
{
    private readonly byte[][] received;
    private readonly byte[][] sent;
    private readonly bool[] irqReads;
    private readonly long[] clockReads;
    private int transfer;
    private int irq;
    private int clock;

    public ReplayBus(RecordingBus recording)
    {
        received = recording.Received.ToArray();
        sent = recording.Sent.ToArray();
        irqReads = recording.IrqReads.ToArray();
        clockReads = recording.ClockReads.ToArray();
    }

    public int Mismatches;
    public bool Exhausted;

    public void Transfer(byte[] tx, byte[] rx, int length)
    {
        if (transfer >= received.Length)
        {
            Exhausted = true;
            Array.Clear(rx, 0, length);
            return;
        }

        byte[] expected = sent[transfer];
        if (expected.Length != length || expected[0] != tx[0])
        {
            Mismatches++;
        }

        Array.Copy(received[transfer], rx, Math.Min(length, received[transfer].Length));
        transfer++;
    }

    public void SetResetHigh(bool high)
    {
    }

    public bool IrqAsserted => irq < irqReads.Length ? irqReads[irq++] : true;

    public long MonotonicMilliseconds => clock < clockReads.Length ? clockReads[clock++] : 0;

    public void Delay(int milliseconds)
    {
    }
}
