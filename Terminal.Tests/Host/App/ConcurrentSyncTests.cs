using System;
using System.Linq;
using LeoCarte.Terminal.App;
using LeoCarte.VirtualTerminal;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.App;

/// <summary>
/// The device's thread layout on the host: the tap loop on the test thread, the sync engine on its own thread
/// (real HTTP to the in-process gateway), sharing the allowlist store, journal, decision engine and a locked file
/// store. Lists switch and journal batches are read and acknowledged while taps append: nothing may be lost,
/// duplicated or throw.
/// </summary>
[TestClass]
public class ConcurrentSyncTests
{
    [TestMethod]
    public void SyncOnItsOwnThread_TapsListSwitchesAndUploadsInterleaveSafely()
    {
        using var host = VirtualTerminalHost.Start(new VirtualTerminalOptions { Seed = 11, Students = 80, LockedStore = true, SyncIntervalSeconds = 30 });
        host.PumpSync(); // first list and SNTP inline, then the thread takes over
        var cards = host.Population.Cards.Where(c => c.Card != null).ToArray();
        int decided = 0;
        host.App.DecisionMade = (d, kind) =>
        {
            if (kind == TapKind.Decided)
            {
                decided++;
            }
        };

        host.StartSyncThread();
        try
        {
            for (int i = 0; i < 400; i++)
            {
                var card = cards[(i * 7) % cards.Length];
                host.Sim.Field.Add(card.Card);
                for (int poll = 0; poll < 10; poll++)
                {
                    host.Step();
                }

                host.Sim.Field.Remove(card.Card);
                for (int poll = 0; poll < 5; poll++)
                {
                    host.Step();
                }

                host.Sim.AdvanceTime(5_000_000_000); // 5 s between two students
                if (i == 150 || i == 300)
                {
                    // The card office changes a state: a delta is downloaded and switched in while taps go on.
                    var target = host.Population.Crowd[i / 10];
                    Assert.IsTrue(host.CardOfficeSetsState(target.Csn, "DISABLED", "LOST").Ok);
                }
            }
        }
        finally
        {
            host.StopSyncThread();
        }

        Assert.IsTrue(host.DrainJournal(TimeSpan.FromMinutes(30)), "the backlog is uploaded");
        var app = host.App;
        Console.WriteLine($"{decided} decisions, journal {app.Journal.LastSequence}, lists applied {app.Sync.Statistics.ListsApplied}, batches {app.Sync.Statistics.BatchesUploaded}, cycles {app.Sync.Statistics.CyclesCompleted}");
        Assert.AreEqual(0, host.SyncThreadExceptions);
        Assert.AreEqual(0, app.Statistics.LoopExceptions);
        Assert.AreEqual(400, decided);
        Assert.AreEqual(3L, app.Allowlist.Version, "both mid-run changes were applied");
        Assert.AreEqual((long)decided + app.Statistics.ReaderErrorsJournaled, app.Journal.LastSequence);
        Assert.AreEqual(app.Journal.LastSequence, host.GatewayStore.JournalCount(VirtualTerminalHost.TerminalId));
        Assert.AreEqual(app.Journal.LastSequence, app.Sync.Statistics.RecordsAcknowledged, "no batch sent twice");
    }
}
