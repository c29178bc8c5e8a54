using System;
using System.Collections.Generic;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Simulator;
using LeoCarte.Terminal;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.VirtualTerminal;

/// <summary>
/// The terminal's clock on modeled time: the monotonic tick is the simulator's model clock (advanced by SPI
/// transfers, RF frames and the poll pauses), the wall clock is a start date plus that tick, movable by SetUtc
/// like the ESP32's RTC.
/// </summary>
public sealed class VirtualClockHardware : IClockHardware
{
    private readonly Mfrc522Simulator sim;
    private DateTime baseUtc;

    public VirtualClockHardware(Mfrc522Simulator sim, DateTime startUtc)
    {
        this.sim = sim;
        baseUtc = startUtc.AddTicks(-(sim.NowNs / 100));
    }

    public DateTime UtcNow => baseUtc.AddTicks(sim.NowNs / 100);

    public long MonotonicMilliseconds => sim.MonotonicMilliseconds;

    public void SetUtc(DateTime utc) => baseUtc = utc.AddTicks(-(sim.NowNs / 100));
}

/// <summary>Wi-Fi that a scenario switches off and on (the access point goes away, comes back).</summary>
public sealed class VirtualWifi : INetworkLink
{
    public bool Available { get; set; } = true;
    public int ConnectCalls { get; private set; }
    private bool connected;

    public bool IsUp => Available && connected;

    public bool Connect()
    {
        ConnectCalls++;
        connected = Available;
        return connected;
    }
}

/// <summary>HTTP that fails like a dead link while the virtual Wi-Fi is off (an exchange in flight is cut too).</summary>
public sealed class OutageTransport : IHttpTransport
{
    private readonly IHttpTransport inner;
    private readonly VirtualWifi wifi;

    public OutageTransport(IHttpTransport inner, VirtualWifi wifi)
    {
        this.inner = inner;
        this.wifi = wifi;
    }

    public int Requests { get; private set; }

    public TransportResult Send(HttpRequest request, out IHttpResponse response)
    {
        if (!wifi.IsUp)
        {
            response = null;
            return TransportResult.NoNetwork;
        }

        Requests++;
        return inner.Send(request, out response);
    }
}

/// <summary>LEDs, buzzer and vend output as recorded signals: counts of switch-ons and the current state.</summary>
public sealed class RecordingOutputs : IDigitalOutputs
{
    public readonly bool[] State = new bool[OutputSignal.Count];
    public readonly long[] Rises = new long[OutputSignal.Count];

    public void Set(int signal, bool on)
    {
        if (on && !State[signal])
        {
            Rises[signal]++;
        }

        State[signal] = on;
    }
}

/// <summary>The customer display: keeps the last message (the console prints it with the decision).</summary>
public sealed class VirtualDisplay : IDisplay
{
    public string French { get; private set; } = "";
    public string English { get; private set; } = "";
    public long Shows { get; private set; }

    public void Show(string french, string english)
    {
        French = french;
        English = english;
        Shows++;
    }
}

/// <summary>The virtual terminal as the application's platform: the simulated MFRC522, recorded outputs, loopback HTTP.</summary>
public sealed class VirtualPlatform : ITerminalPlatform
{
    private readonly Func<TerminalConfiguration, IHttpTransport> transportFactory;

    public VirtualPlatform(Mfrc522Simulator sim, VirtualWifi wifi, Func<TerminalConfiguration, IHttpTransport> transportFactory)
    {
        Sim = sim;
        Wifi = wifi;
        this.transportFactory = transportFactory;
    }

    public Mfrc522Simulator Sim { get; }
    public VirtualWifi Wifi { get; }
    public RecordingOutputs Outputs { get; } = new();
    public VirtualDisplay Display { get; } = new();
    public CardReader Reader { get; private set; }
    public List<string> Reboots { get; } = new();

    /// <summary>Chip options of the reader (the simulator wires the IRQ line).</summary>
    public Mfrc522Options ChipOptions { get; set; } = new Mfrc522Options();

    public CardReader CreateReader(TerminalConfiguration configuration)
    {
        Reader = new CardReader(Sim, Sim, ChipOptions, new CardReaderOptions());
        return Reader;
    }

    public IDigitalOutputs CreateOutputs(TerminalConfiguration configuration) => Outputs;

    public IDisplay CreateDisplay(TerminalConfiguration configuration) => Display;

    public IHttpTransport CreateTransport(TerminalConfiguration configuration) => transportFactory?.Invoke(configuration);

    public INetworkLink CreateNetworkLink(TerminalConfiguration configuration) => Wifi;

    public long StorageFreeBytes { get; set; } = 4L * 1024 * 1024;

    public string LastResetReason { get; set; } = "power-on";

    public void Reboot(string reason) => Reboots.Add(reason);
}
