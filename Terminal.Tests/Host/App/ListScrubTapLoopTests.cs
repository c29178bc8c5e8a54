using System.Linq;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Storage;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.App;

/// <summary>
/// The allowlist's flash scrub in the tap loop (TerminalApplication.ListScrub.cs): slices run only in idle iterations
/// whose poll found the field empty, flash rot after boot is found within one pass of idle time, said on the debug
/// output, and the next tap into the damaged block is refused as a storage error — as a lookup's corrupt block was.
/// </summary>
[TestClass]
public class ListScrubTapLoopTests
{
    [TestMethod]
    public void RotAfterBootIsFoundByTheIdleScrubNeverWhileACardRestsAndThenRefusedAsAStorageError()
    {
        var rig = new AppRig();
        var files = (MemoryFileStore)rig.Files;
        AllowlistStore list = rig.App.Allowlist;
        Assert.AreEqual(1, list.BlockCount);
        Assert.AreNotEqual(0, list.VerifiedSegments(0), "verified at boot");

        // Rot: the last byte of the block's last entry (the rig's 9 cards are one segment of one block).
        string data = files.Length("allow-a.dat") > 0 ? "allow-a.dat" : "allow-b.dat";
        var header = new byte[4];
        files.Read(data, 0, header, 0, 4);
        int lastByte = (header[2] << 8 | header[3]) - 1;
        var one = new byte[1];
        files.Read(data, lastByte, one, 0, 1);
        one[0] ^= 0x21;
        files.Write(data, lastByte, one, 0, 1);

        // A card resting on the reader for 2 s: no scrub slice runs (the tap's own lookup reads one block).
        var card = AppRig.Card(AppRig.Enabled1);
        rig.Sim.Field.Add(card);
        int readsBefore = files.ReadCount;
        rig.Steps(100);
        Assert.AreEqual(TapKind.Decided, rig.Decisions.Last().Kind);
        Assert.AreEqual(1, files.ReadCount - readsBefore, "only the tap's lookup read the flash while the card was present");
        Assert.AreEqual(0, list.ScrubCorruptBlocks);
        rig.Sim.Field.Remove(card);

        // Idle: one slice per 100 ms; one block = navigation + 1 segment = 2 slices, found within a pass.
        int iterations = 0;
        while (list.ScrubCorruptBlocks == 0 && iterations < 50)
        {
            rig.Step();
            iterations++;
        }

        Assert.AreEqual(1, list.ScrubCorruptBlocks, "found by the idle scrub");
        Assert.IsTrue(iterations <= 5 + 2 * 5 + 5, $"within one pass of idle iterations ({iterations})");
        Assert.AreEqual(1, rig.Debug.Count(l => l.Contains("failed its flash check")));

        // The next tap into the damaged block: today's corrupt-block result.
        rig.Tap(AppRig.Enabled2);
        Assert.AreEqual(ReasonCode.StorageError, rig.Decisions.Last().Reason);
        Assert.IsFalse(rig.Decisions.Last().Approved);

        // Later passes find it again, but it is said once.
        rig.Steps(100);
        Assert.IsTrue(list.ScrubCorruptBlocks > 1);
        Assert.AreEqual(1, rig.Debug.Count(l => l.Contains("failed its flash check")));
    }
}
