using System;
using System.Collections.Generic;
using System.Text;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.App;
using CardState = LeoCarte.Terminal.Cards.CardState;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Storage;
using LeoCarte.VirtualTerminal;

namespace LeoCarte.Terminal.Tests.Host.App;

/// <summary>
/// The terminal application on the simulated MFRC522 with a signed allowlist already in flash and no gateway
/// (the transport is null: every approval is an offline one). Time is the simulator's model clock, starting on a
/// Tuesday at 12:00 Paris time (inside the lunch window); the clock is marked synced as SNTP would.
/// </summary>
internal sealed class AppRig
{
    public const uint SiteId = 14;
    public static ListSigning ListKey => global::LeoCarte.Terminal.Tests.Support.HostListKeys.Signing();

    /// <summary>The keys.list_public_key line of the rig's configuration.</summary>
    public static string ListPublicKeyLine => global::LeoCarte.Terminal.Tests.Support.HostListKeys.PublicKeyLine;
    public const string Secret = "5465726d696e616c2052552d4341454e2d303120646d6f20736563726574210a";

    public static readonly byte[] Enabled1 = Convert.FromHexString("04a1b2c3d4e580");
    public static readonly byte[] Enabled2 = Convert.FromHexString("04b2c3d4e5f681");
    public static readonly byte[] Lost = Convert.FromHexString("04c3d4e5f60782");
    public static readonly byte[] Stolen = Convert.FromHexString("04d4e5f6071883");
    public static readonly byte[] Renewed = Convert.FromHexString("04e5f607182984");
    public static readonly byte[] RenewedNew = Convert.FromHexString("04f60718293a85");
    public static readonly byte[] Expired = Convert.FromHexString("0407182a3b4c86");
    public static readonly byte[] NotActivated = Convert.FromHexString("042a3b4c5d6e88");
    public static readonly byte[] Classic4 = Convert.FromHexString("a1b2c3d4");
    public static readonly byte[] Unknown = Convert.FromHexString("0812345a");

    public static readonly DateTime NoonParisUtc = new(2026, 11, 24, 11, 0, 0, DateTimeKind.Utc);

    public Mfrc522Simulator Sim { get; }
    public IFileStore Files { get; }
    public VirtualPlatform Platform { get; }
    public TerminalApplication App { get; }
    public List<string> Debug { get; } = new();
    public List<(Decision Decision, TapKind Kind, ReasonCode Reason, bool Approved)> Decisions { get; } = new();

    public AppRig(string mode = "restaurant", string configText = null, bool writeConfig = true, bool loadList = true, int journalCapacity = 4096, bool fixedStore = false,
        byte listKeyVersion = 0, byte listPreviousKeyVersion = 0)
    {
        Sim = new Mfrc522Simulator(0x92, 7);
        var clock = new VirtualClockHardware(Sim, NoonParisUtc);
        Files = fixedStore ? new LeoCarte.Terminal.Tests.Host.Decisions.FixedFileStore() : new MemoryFileStore();
        if (writeConfig)
        {
            string text = configText ?? VirtualTerminalHost.ConfigurationText("http://127.0.0.1:9", SiteId, ListPublicKeyLine, Secret, mode, 60);
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            Files.Append(TerminalConfiguration.FileName, bytes, 0, bytes.Length);
        }

        if (loadList)
        {
            LoadList(Files, 1, listKeyVersion, listPreviousKeyVersion);
        }

        Platform = new VirtualPlatform(Sim, new VirtualWifi(), _ => null);
        App = new TerminalApplication(Platform, Files, clock, Debug.Add, new ApplicationOptions { JournalCapacity = journalCapacity });
        App.DecisionMade = (d, kind) => Decisions.Add((d, kind, d == null ? ReasonCode.ReaderError : d.Reason, d != null && d.Approved));
        App.Boot();
        App.Clock.ReportSntpTime();
    }

    /// <summary>A signed snapshot of the sample cards applied to the flash allowlist (what the first sync would do).</summary>
    public static void LoadList(IFileStore files, long version, byte keyVersion = 0, byte previousKeyVersion = 0)
    {
        var entries = new[]
        {
            new ListEntry(Enabled1, CardState.Active, 1, 0),
            new ListEntry(Enabled2, CardState.Active, 2, 0),
            new ListEntry(Lost, CardState.Lost, 3, 0),
            new ListEntry(Stolen, CardState.Stolen, 4, 0),
            new ListEntry(Renewed, CardState.Renewed, 5, 0),
            new ListEntry(RenewedNew, CardState.Active, 5, 0),
            new ListEntry(Expired, CardState.Expired, 6, 0),
            new ListEntry(NotActivated, CardState.NotYetActivated, 7, 0),
            new ListEntry(Classic4, CardState.Active, 8, 0),
        };
        byte[] list = ListBuilder.BuildSnapshot(SiteId, version, new DateTimeOffset(NoonParisUtc).ToUnixTimeSeconds() - 3600, keyVersion, previousKeyVersion, ListBuilder.SortedCopy(entries), ListKey);
        var store = new AllowlistStore(files);
        store.Open();
        var update = new ListUpdate(store, SiteId, global::LeoCarte.Terminal.Tests.Support.HostListKeys.Trust());
        update.Begin();
        if (update.Write(list, 0, list.Length) != ListUpdateResult.Ok || update.Commit() != ListUpdateResult.Ok)
        {
            throw new InvalidOperationException("test list rejected");
        }
    }

    public static VirtualCard Card(byte[] uid) => uid.Length == 4 ? VirtualCard.Classic1K(uid) : VirtualCard.Desfire(uid);

    /// <summary>One loop iteration and the poll interval's pause.</summary>
    public TapKind Step()
    {
        TapKind kind = App.Step();
        Sim.AdvanceTime(App.PollIntervalMilliseconds * 1_000_000L);
        return kind;
    }

    public void Steps(int count)
    {
        for (int i = 0; i < count; i++)
        {
            Step();
        }
    }

    /// <summary>The cards enter the field, stay <paramref name="polls"/> poll intervals, leave; then the loop sees the removal.</summary>
    public void Present(int polls, params VirtualCard[] cards)
    {
        foreach (var card in cards)
        {
            Sim.Field.Add(card);
        }

        Steps(polls);
        foreach (var card in cards)
        {
            Sim.Field.Remove(card);
        }

        Steps(5);
    }

    public void Tap(byte[] uid) => Present(25, Card(uid));

    /// <summary>Lets modeled time pass (the loop polls an empty field every 100 ms).</summary>
    public void Wait(TimeSpan duration)
    {
        long until = Sim.NowNs + (long)(duration.TotalMilliseconds * 1_000_000);
        while (Sim.NowNs < until)
        {
            App.Step();
            Sim.AdvanceTime(100_000_000);
        }
    }
}
