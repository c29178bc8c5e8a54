using System;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Terminal;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.NanoApp
{
    /// <summary>The terminal's clock in script time: a fixed boot date plus the milliseconds the script let pass.</summary>
    public sealed class ScriptClock : IClockHardware
    {
        private readonly DateTime startUtc;
        private DateTime setUtc;
        private long setAt;
        private long now;

        public ScriptClock(DateTime startUtc)
        {
            this.startUtc = startUtc;
            setUtc = startUtc;
        }

        public DateTime UtcNow => setUtc.AddTicks((now - setAt) * TimeSpan.TicksPerMillisecond);

        public long MonotonicMilliseconds => now;

        public void SetUtc(DateTime utc)
        {
            setUtc = utc;
            setAt = now;
        }

        public void Advance(int milliseconds)
        {
            now += milliseconds;
        }

        public DateTime StartUtc => startUtc;
    }

    /// <summary>LEDs, buzzer and vend output as counted switch-ons (the GPIO seam).</summary>
    public sealed class CountingOutputs : IDigitalOutputs
    {
        public readonly bool[] State = new bool[OutputSignal.Count];
        public readonly int[] Rises = new int[OutputSignal.Count];

        public void Set(int signal, bool on)
        {
            if (on && !State[signal])
            {
                Rises[signal]++;
            }

            State[signal] = on;
        }
    }

    /// <summary>The customer display: keeps the last message.</summary>
    public sealed class KeptDisplay : IDisplay
    {
        public string French = "";
        public string English = "";

        public void Show(string french, string english)
        {
            French = french;
            English = english;
        }
    }

    /// <summary>
    /// The link as during the Wi-Fi outage of the virtual terminal's lunch: down. The terminal decides offline
    /// from the list in flash; the sync engine reports NoNetwork (nothing is sent).
    /// </summary>
    public sealed class DownLink : INetworkLink, IHttpTransport
    {
        public int ConnectCalls;
        public int Sends;

        public bool IsUp => false;

        public bool Connect()
        {
            ConnectCalls++;
            return false;
        }

        public TransportResult Send(HttpRequest request, out IHttpResponse response)
        {
            Sends++;
            response = null;
            return TransportResult.NoNetwork;
        }
    }

    /// <summary>The application's platform on the interpreter: the reader over the given bus and pins, counted outputs, a kept display, a link that is down.</summary>
    public sealed class ScriptPlatform : ITerminalPlatform
    {
        private readonly IRegisterBus bus;
        private readonly IReaderPins pins;
        public readonly CountingOutputs Outputs = new CountingOutputs();
        public readonly KeptDisplay Display = new KeptDisplay();
        public readonly DownLink Link = new DownLink();
        public int Reboots;

        public ScriptPlatform(IRegisterBus bus, IReaderPins pins)
        {
            this.bus = bus;
            this.pins = pins;
        }

        public CardReader CreateReader(TerminalConfiguration configuration)
        {
            return new CardReader(bus, pins, new Mfrc522Options(), new CardReaderOptions());
        }

        public IDigitalOutputs CreateOutputs(TerminalConfiguration configuration) => Outputs;

        public IDisplay CreateDisplay(TerminalConfiguration configuration) => Display;

        public IHttpTransport CreateTransport(TerminalConfiguration configuration) => Link;

        public INetworkLink CreateNetworkLink(TerminalConfiguration configuration) => Link;

        public long StorageFreeBytes => 4L * 1024 * 1024;

        public string LastResetReason => "power-on";

        public void Reboot(string reason)
        {
            Reboots++;
        }
    }
}
