using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Drivers.Mdb;
using LeoCarte.Simulator.Mdb;
using LeoCarte.Terminal.Cashless;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Cashless;

/// <summary>
/// Full VMC conversations with the terminal as MDB cashless device #1 (ICP/MDB 4.2 §7) over the simulated bus:
/// every command, every POLL answer, the states, out-of-sequence commands, and the money rule — a charge only
/// after VEND SUCCESS.
/// </summary>
[TestClass]
public class CashlessConversationTests
{
    public TestContext TestContext { get; set; }

    private static MdbRig Ready(bool alwaysIdle = false, int vmcLevel = 3)
    {
        var rig = new MdbRig();
        rig.Vmc.UseAlwaysIdle = alwaysIdle;
        Assert.IsTrue(rig.Vmc.PowerUp(vmcLevel: vmcLevel), "setup sequence");
        Assert.AreEqual(CashlessState.Enabled, rig.Device.State);
        rig.Vmc.Poll(); // level 3: TIME/DATE REQUEST, answered
        rig.Vmc.Poll();
        return rig;
    }

    private static string Hex(byte[] b) => string.Join(" ", b.Select(x => x.ToString("X2")));

    [TestMethod]
    public void SetupSequenceIsByteExact()
    {
        var rig = new MdbRig();
        rig.Port.Trace = new List<string>();
        bool ok = rig.Vmc.PowerUp();
        string trace = string.Join("\n", rig.Port.Trace);
        TestContext.WriteLine(trace);
        Assert.IsTrue(ok, "setup sequence");

        // RESET 10 + CHK 10 → ACK; POLL 12 12 → JUST RESET 00 + CHK 00.
        StringAssert.Contains(trace, "VMC → 10* 10");
        StringAssert.Contains(trace, "VMC → 12* 12");
        StringAssert.Contains(trace, "VMC → 11* 00 03 10 02 01 27", "SETUP Config Data: level 3, 16 columns, 2 rows, CHK 27");
        StringAssert.Contains(trace, "VMC → 14* 01 15", "READER ENABLE");
        StringAssert.Contains(trace, "terminal → 00*");
        StringAssert.Contains(trace, "terminal → 00 00*");
        // SETUP Config Data (level 3, 16×2 display) → Reader Config: level 3, euro 1978, scale 1, 2 decimals, 10 s, options 0.
        StringAssert.Contains(trace, "terminal → 01 03 19 78 01 02 0A 00 A2*");
        Assert.AreEqual(3, rig.Vmc.ReaderLevel);
        Assert.AreEqual(0x1978, rig.Vmc.ReaderCurrency);
        Assert.AreEqual("LCT", rig.Vmc.ReaderManufacturer);
        Assert.AreEqual(CashlessDevice.FeatureAlwaysIdle, rig.Vmc.ReaderFeatures, "level 3 ID with the optional feature bits");
        Assert.AreEqual(1000, rig.Device.MachineMaxPriceCents);
        Assert.AreEqual(50, rig.Device.MachineMinPriceCents);

        // Level 3 asks the machine's time once enabled (POLL answer 11h), answered by EXPANSION WRITE TIME/DATE.
        for (int i = 0; i < 3; i++)
        {
            rig.Vmc.Poll();
        }

        Assert.AreEqual(1, rig.Vmc.TimeDateRequests);
        Assert.AreEqual(new DateTime(2026, 12, 1, 12, 30, 0), rig.Device.MachineLocalTime);
        Assert.AreEqual(0, rig.Port.ModeBitViolations);
        Assert.AreEqual(0, rig.Vmc.ProtocolErrors);
    }

    [TestMethod]
    public void LevelOneMachineGetsLevelOneAnswers()
    {
        MdbRig rig = Ready(vmcLevel: 1);
        Assert.AreEqual(1, rig.Device.FeatureLevel);
        rig.Tap(MdbRig.Alice);
        Assert.IsTrue(rig.Vmc.WaitForSession());
        Assert.AreEqual("03 03 E8", Hex(rig.Vmc.LastData), "level 1 BEGIN SESSION: funds only (10.00 = max price)");
        rig.Vmc.SendRaw(0x13, 0x02, 0, 1); // VEND SUCCESS with nothing approved
        rig.Vmc.Poll();
        Assert.AreEqual("0B", Hex(rig.Vmc.LastData), "level 1 OUT OF SEQUENCE has no status byte");
        byte[] id = rig.Vmc.SendRaw(new byte[] { 0x17, 0x00 }.Concat(new byte[29]).ToArray());
        Assert.AreEqual(30, id.Length, "level 1 peripheral ID without option bits");
        Assert.AreEqual(0, rig.Charges().Count);
    }

    [TestMethod]
    public void VendSuccessIsChargedOnceWithTheMachinesPrice()
    {
        MdbRig rig = Ready();
        rig.Tap(MdbRig.Alice);
        Assert.IsTrue(rig.Vmc.WaitForSession());
        Assert.AreEqual("03 03 E8 FF FF FF FF 00 00 00", Hex(rig.Vmc.LastData), "level 3 BEGIN SESSION, funds 10.00");
        Assert.AreEqual(1000, rig.Vmc.SessionFunds);
        Assert.AreEqual(VendOutcome.Dispensed, rig.Vmc.Buy(12, 150, dispenses: true));
        Assert.IsTrue(rig.Vmc.EndSession());
        Assert.AreEqual(CashlessState.Enabled, rig.Device.State);

        List<JournalRecord> records = rig.Records();
        Assert.AreEqual(2, records.Count, "pending, then the charge");
        Assert.AreEqual((byte)ReasonCode.VendPending, records[0].Reason);
        Assert.IsFalse(records[0].Approved, "the pending record carries no money");
        Assert.AreEqual(150, records[0].AmountCents);
        Assert.IsTrue(records[1].Approved);
        Assert.AreEqual(150, records[1].AmountCents);
        Assert.AreEqual(12, records[1].ItemCode);
        Assert.AreEqual(5001, records[1].HolderKey);
        Assert.AreEqual((1, 150L), rig.Charges());
        Assert.AreEqual(1, rig.Device.VendsCharged);
        rig.Terminal.Engine.Counters.Lookup(5001, out int count, out long amount);
        Assert.AreEqual(150, amount, "the card's daily counter has the sale");
    }

    [TestMethod]
    public void VendFailureIsNotCharged()
    {
        MdbRig rig = Ready();
        Assert.AreEqual(VendOutcome.DispenseFailed, rig.Purchase(MdbRig.Alice, 3, 200, dispenses: false));
        Assert.AreEqual((0, 0L), rig.Charges());
        List<JournalRecord> records = rig.Records();
        Assert.AreEqual((byte)ReasonCode.VendPending, records[0].Reason);
        Assert.AreEqual((byte)ReasonCode.VendFailed, records[1].Reason);
        Assert.IsFalse(rig.Terminal.Engine.VendPending);
        rig.Terminal.Engine.Counters.Lookup(5001, out _, out long amount);
        Assert.AreEqual(0, amount, "a failed vend does not use the cap");
    }

    [TestMethod]
    public void VendCancelBeforeTheDecisionIsDeniedAndNothingIsJournaled()
    {
        MdbRig rig = Ready();
        rig.Tap(MdbRig.Alice);
        Assert.IsTrue(rig.Vmc.WaitForSession());
        rig.StepTerminal = false; // the terminal has not decided yet
        Assert.IsNotNull(rig.Vmc.SendRaw(0x13, 0x00, 0, 100, 0, 7));
        Assert.AreEqual(CashlessState.Vend, rig.Device.State);
        Assert.IsNotNull(rig.Vmc.SendRaw(0x13, 0x01));
        rig.StepTerminal = true;
        rig.Vmc.Poll();
        Assert.AreEqual("06", Hex(rig.Vmc.LastData), "VEND DENIED answers VEND CANCEL");
        Assert.AreEqual(CashlessState.SessionIdle, rig.Device.State);
        Assert.AreEqual(0, rig.Records().Count);
    }

    [TestMethod]
    public void VendCancelAfterApprovalAndSessionCompleteWithoutSuccessVoidTheVend()
    {
        MdbRig rig = Ready();
        rig.Tap(MdbRig.Alice);
        Assert.IsTrue(rig.Vmc.WaitForSession());
        rig.Vmc.SendRaw(0x13, 0x00, 0, 100, 0, 7);
        rig.Vmc.Poll();
        Assert.AreEqual("05 00 64", Hex(rig.Vmc.LastData), "VEND APPROVED 1.00");
        rig.Vmc.SendRaw(0x13, 0x01);
        rig.Vmc.Poll();
        Assert.AreEqual("06", Hex(rig.Vmc.LastData));
        Assert.AreEqual((byte)ReasonCode.VendCancelled, rig.Records()[^1].Reason);

        rig.Vmc.SendRaw(0x13, 0x00, 0, 120, 0, 8);
        rig.Vmc.Poll();
        Assert.AreEqual("05 00 78", Hex(rig.Vmc.LastData));
        rig.Vmc.SendRaw(0x13, 0x04); // SESSION COMPLETE while dispensing: the vend did not happen
        rig.Vmc.Poll();
        Assert.AreEqual("07", Hex(rig.Vmc.LastData), "END SESSION");
        Assert.AreEqual((0, 0L), rig.Charges());
        Assert.AreEqual(2, rig.Device.VendsVoided);
    }

    [TestMethod]
    public void RefusedCardsAndCapsGiveNoSessionOrVendDenied()
    {
        MdbRig rig = Ready();
        rig.Tap(MdbRig.Stranger);
        Assert.IsFalse(rig.Vmc.WaitForSession(3));
        rig.Tap(MdbRig.Lost);
        Assert.IsFalse(rig.Vmc.WaitForSession(3));
        Assert.AreEqual(2, rig.Device.SessionsRefused);
        Assert.AreEqual((byte)ReasonCode.UnknownCard, rig.Records()[0].Reason);
        Assert.AreEqual((byte)ReasonCode.Lost, rig.Records()[1].Reason);

        // Card cap 15.00 a day: after 10.00 + 4.00, the session offers 1.00; a VEND REQUEST above it is denied.
        Assert.AreEqual(VendOutcome.Dispensed, rig.Purchase(MdbRig.Bob, 1, 1000, true));
        Assert.AreEqual(VendOutcome.Dispensed, rig.Purchase(MdbRig.Bob, 2, 400, true));
        rig.Tap(MdbRig.Bob);
        Assert.IsTrue(rig.Vmc.WaitForSession());
        Assert.AreEqual(100, rig.Vmc.SessionFunds, "funds = what is left of the card's daily cap");
        rig.Vmc.SendRaw(0x13, 0x00, 0, 150, 0, 3); // the machine asks more than the funds anyway
        rig.Vmc.Poll();
        Assert.AreEqual("06", Hex(rig.Vmc.LastData));
        Assert.AreEqual((byte)ReasonCode.CardCapReached, rig.Records()[^1].Reason);
        Assert.IsTrue(rig.Vmc.EndSession());

        // A price above the terminal's maximum is an invalid sale.
        rig.Tap(MdbRig.Alice);
        Assert.IsTrue(rig.Vmc.WaitForSession());
        rig.Vmc.SendRaw(0x13, 0x00, 0x04, 0x00, 0, 3);
        rig.Vmc.Poll();
        Assert.AreEqual("06", Hex(rig.Vmc.LastData));
        Assert.AreEqual((byte)ReasonCode.InvalidSale, rig.Records()[^1].Reason);
        Assert.AreEqual((2, 1400L), rig.Charges());
    }

    [TestMethod]
    public void SessionTimeoutAsksTheMachineToEndTheSession()
    {
        MdbRig rig = Ready();
        rig.Tap(MdbRig.Alice);
        Assert.IsTrue(rig.Vmc.WaitForSession());
        for (int i = 0; i < 700 && rig.Vmc.InSession; i++)
        {
            rig.Vmc.Poll(); // 50 ms apart: 30 s without a VEND REQUEST
        }

        Assert.AreEqual(1, rig.Vmc.SessionCancelRequests, "SESSION CANCEL REQUEST (04)");
        Assert.IsTrue(rig.Vmc.Enabled, "the machine answered SESSION COMPLETE and got END SESSION");
        Assert.AreEqual(CashlessState.Enabled, rig.Device.State);
        Assert.AreEqual(1, rig.Device.SessionTimeouts);
    }

    [TestMethod]
    public void ReaderDisableEnableAndCancel()
    {
        MdbRig rig = Ready();
        rig.Vmc.SendRaw(0x14, 0x00);
        Assert.AreEqual(CashlessState.Disabled, rig.Device.State);
        rig.Tap(MdbRig.Alice);
        Assert.IsFalse(rig.Vmc.WaitForSession(3), "a disabled reader opens no session");
        Assert.IsTrue(rig.Events.Contains("CardIgnored"));
        rig.Vmc.SendRaw(0x14, 0x02);
        rig.Vmc.Poll();
        Assert.AreEqual("08", Hex(rig.Vmc.LastData), "CANCELLED answers READER CANCEL");
        rig.Vmc.SendRaw(0x14, 0x01);
        Assert.AreEqual(CashlessState.Enabled, rig.Device.State);

        // Disabled during a session: the session goes on, the reader is disabled when it ends.
        rig.Tap(MdbRig.Alice);
        Assert.IsTrue(rig.Vmc.WaitForSession());
        rig.Vmc.SendRaw(0x14, 0x00);
        Assert.AreEqual(CashlessState.SessionIdle, rig.Device.State);
        Assert.AreEqual(VendOutcome.Dispensed, rig.Vmc.Buy(1, 100, true));
        rig.Vmc.EndSession();
        Assert.AreEqual(CashlessState.Disabled, rig.Device.State);
        Assert.AreEqual((1, 100L), rig.Charges());
    }

    [TestMethod]
    public void OutOfSequenceCommandsChangeNothingAndChargeNothing()
    {
        MdbRig rig = Ready();
        rig.Vmc.SendRaw(0x13, 0x02, 0, 5);          // VEND SUCCESS, no session
        rig.Vmc.Poll();
        Assert.AreEqual("0B 03", Hex(rig.Vmc.LastData), "OUT OF SEQUENCE, status = Enabled");
        rig.Vmc.SendRaw(0x13, 0x00, 0, 100, 0, 5);  // VEND REQUEST, no session (always idle not enabled)
        rig.Vmc.Poll();
        Assert.AreEqual("0B 03", Hex(rig.Vmc.LastData));
        rig.Vmc.SendRaw(0x13, 0x03);                 // VEND FAILURE, no vend
        rig.Vmc.SendRaw(0x13, 0x04);                 // SESSION COMPLETE, no session
        Assert.AreEqual(CashlessState.Enabled, rig.Device.State);

        rig.Tap(MdbRig.Alice);
        Assert.IsTrue(rig.Vmc.WaitForSession());
        rig.Vmc.SendRaw(0x13, 0x00, 0, 100, 0, 5);
        rig.Vmc.Poll();                               // VEND APPROVED
        rig.Vmc.SendRaw(0x13, 0x00, 0, 90, 0, 6);    // a second VEND REQUEST while dispensing
        rig.Vmc.Poll();
        Assert.AreEqual("0B 05", Hex(rig.Vmc.LastData), "OUT OF SEQUENCE, status = Vend");
        rig.Vmc.SendRaw(0x13, 0x02, 0, 5);           // the first vend succeeds
        rig.Vmc.SendRaw(0x13, 0x02, 0, 5);           // repeated: answered, not executed again
        rig.Vmc.Poll();
        rig.Vmc.SendRaw(0x13, 0x02, 0, 5);           // after a POLL: out of sequence, no charge
        rig.Vmc.EndSession();
        Assert.AreEqual((1, 100L), rig.Charges());
        Assert.AreEqual(1, rig.Link.RepeatedCommands);
        Assert.IsTrue(rig.Device.OutOfSequenceCommands >= 6, $"{rig.Device.OutOfSequenceCommands}");

        // In Inactive only RESET, POLL and SETUP Config make sense.
        rig.Vmc.SendRaw(0x10);
        rig.Vmc.SendRaw(0x14, 0x01);
        Assert.AreEqual(CashlessState.Inactive, rig.Device.State);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void ResetOrBusBreakMidVendNeverCharges(bool busBreak)
    {
        MdbRig rig = Ready();
        rig.Tap(MdbRig.Alice);
        Assert.IsTrue(rig.Vmc.WaitForSession());
        rig.Vmc.SendRaw(0x13, 0x00, 0, 100, 0, 5);
        rig.Vmc.Poll();
        Assert.AreEqual("05 00 64", Hex(rig.Vmc.LastData));
        Assert.IsTrue(rig.Vmc.PowerUp(busBreak: busBreak));
        Assert.AreEqual(2, rig.Device.Resets, "the setup's reset and this one");
        Assert.AreEqual((0, 0L), rig.Charges());
        Assert.AreEqual((byte)ReasonCode.VendCancelled, rig.Records()[^1].Reason);
        Assert.AreEqual(busBreak ? 1 : 0, rig.Link.BusResets);
        rig.Vmc.SendRaw(0x13, 0x02, 0, 5);  // a VEND SUCCESS after the reset: out of sequence
        Assert.AreEqual((0, 0L), rig.Charges());
        Assert.AreEqual(VendOutcome.Dispensed, rig.Purchase(MdbRig.Alice, 5, 100, true), "and the machine sells again");
        Assert.AreEqual((1, 100L), rig.Charges());
    }

    [TestMethod]
    public void SilentBusVoidsTheVend()
    {
        MdbRig rig = Ready();
        rig.Tap(MdbRig.Alice);
        Assert.IsTrue(rig.Vmc.WaitForSession());
        rig.Vmc.SendRaw(0x13, 0x00, 0, 100, 0, 5);
        rig.Vmc.Poll();
        rig.Vmc.Wait(11_000_000);
        Assert.AreEqual(CashlessState.Inactive, rig.Device.State);
        Assert.IsTrue(rig.Events.Contains("BusLost"));
        Assert.AreEqual((0, 0L), rig.Charges());
        Assert.IsFalse(rig.Terminal.Engine.VendPending);
    }

    [TestMethod]
    public void LinkFaultsAreRecoveredAndVendSuccessWithALostAckIsChargedOnce()
    {
        MdbRig rig = Ready();
        rig.Tap(MdbRig.Alice);
        Assert.IsTrue(rig.Vmc.WaitForSession());
        rig.Vmc.SendRaw(0x13, 0x00, 0, 100, 0, 5);
        rig.Vmc.Poll();

        // Corrupt command: NAK, then the repeat is answered.
        rig.Vmc.Faults = new MdbFaults { CorruptCommand = 1 };
        Assert.IsNull(rig.Vmc.SendRaw(0x12), "every copy corrupted: never answered as valid");
        Assert.IsTrue(rig.Link.ChecksumErrors >= 40);
        Assert.IsTrue(rig.Vmc.NaksReceived >= 30, $"{rig.Vmc.NaksReceived}");

        // VEND SUCCESS whose ACK is lost: the VMC repeats it; charged once.
        rig.Vmc.Faults = new MdbFaults();
        var lossy = new MdbFaults { LostAnswer = 1 };
        rig.Vmc.Faults = lossy;
        Assert.IsNull(rig.Vmc.SendRaw(0x13, 0x02, 0, 5));
        rig.Vmc.Faults = new MdbFaults();
        Assert.IsNotNull(rig.Vmc.SendRaw(0x13, 0x02, 0, 5));
        Assert.AreEqual(40, rig.Link.RepeatedCommands);
        Assert.AreEqual((1, 100L), rig.Charges());

        // Inter-byte gap: the block is dropped; slow service: no late answer.
        rig.Vmc.Faults = new MdbFaults { InterByteGap = 1 };
        rig.Vmc.SendRaw(0x13, 0x04);
        Assert.IsTrue(rig.Link.FramingErrors > 0);
        rig.Vmc.Faults = new MdbFaults { SlowTerminal = 1 };
        Assert.IsNull(rig.Vmc.SendRaw(0x12));
        Assert.AreEqual(40, rig.Link.LateAnswers);

        // A corrupted data block is re-sent on RET; a lost VMC ACK makes the terminal send it again at the next POLL.
        rig.Vmc.Faults = new MdbFaults();
        rig.Vmc.EndSession();
        rig.Tap(MdbRig.Bob);
        int duplicatesBefore = rig.Vmc.DuplicateAnswersIgnored;
        rig.Vmc.Faults = new MdbFaults { CorruptAnswer = 0.5, LostVmcAck = 1 };
        rig.Vmc.Poll();
        rig.Vmc.Faults = new MdbFaults();
        rig.Vmc.Poll();
        Assert.IsTrue(rig.Link.DataResent >= 1, $"{rig.Link.DataResent}");
        Assert.AreEqual(duplicatesBefore + 1, rig.Vmc.DuplicateAnswersIgnored, $"the machine saw BEGIN SESSION twice and kept one session; {string.Join(",", rig.Events)} sessions {rig.Vmc.SessionsBegun} resent {rig.Link.DataResent}");
        Assert.AreEqual(0, rig.Vmc.ProtocolErrors);
        Assert.AreEqual(0, rig.Port.ModeBitViolations);
    }

    [TestMethod]
    public void LateAnswersAreKeptForTheRepeat()
    {
        // A terminal too slow for the 5 ms limit (GC pause, busy thread) still executes the command once; the VMC's
        // repeat is answered at once from what was kept. VEND SUCCESS: charged once. POLL: the data at the next POLL.
        MdbRig rig = Ready();
        rig.Tap(MdbRig.Alice);
        rig.Vmc.Faults = new MdbFaults { SlowTerminal = 1 };
        Assert.IsNull(rig.Vmc.SendRaw(0x12), "BEGIN SESSION taken from the queue but too late to send");
        rig.Vmc.Faults = new MdbFaults();
        Assert.AreEqual("03 03 E8 FF FF FF FF 00 00 00", Hex(rig.Vmc.SendRaw(0x12)), "sent at the next POLL");
        rig.Vmc.SendRaw(0x13, 0x00, 0, 100, 0, 5);
        rig.Vmc.Poll();
        rig.Vmc.Faults = new MdbFaults { SlowTerminal = 1 };
        Assert.IsNull(rig.Vmc.SendRaw(0x13, 0x02, 0, 5));
        rig.Vmc.Faults = new MdbFaults();
        Assert.AreEqual(0, rig.Vmc.SendRaw(0x13, 0x02, 0, 5).Length, "the repeat is acknowledged");
        Assert.AreEqual((1, 100L), rig.Charges(), "executed once");
        Assert.AreEqual(40, rig.Link.RepeatedCommands);
        Assert.AreEqual(80, rig.Link.LateAnswers, "40 POLLs and 40 VEND SUCCESS copies too late");
    }

    [TestMethod]
    public void AlwaysIdleChooseThenTap()
    {
        MdbRig rig = Ready(alwaysIdle: true);
        Assert.IsTrue(rig.Vmc.AlwaysIdleEnabled);
        Assert.IsTrue(rig.Device.AlwaysIdle);
        rig.Tap(MdbRig.Alice);
        Assert.IsTrue(rig.Events.Contains("CardIgnored"), "in always idle a tap alone opens nothing");

        Assert.AreEqual(VendOutcome.Dispensed, rig.Vmc.Buy(4, 180, true, () => rig.Tap(MdbRig.Alice)));
        rig.Vmc.EndSession();
        Assert.AreEqual((1, 180L), rig.Charges());

        Assert.AreEqual(VendOutcome.Denied, rig.Vmc.Buy(4, 180, true), "nobody taps: denied within the response time");
        rig.Vmc.EndSession();
        Assert.AreEqual(VendOutcome.Denied, rig.Vmc.Buy(4, 180, true, () => rig.Tap(MdbRig.Lost)));
        rig.Vmc.EndSession();
        Assert.AreEqual((1, 180L), rig.Charges());
        Assert.AreEqual(CashlessState.Enabled, rig.Device.State);
    }

    [TestMethod]
    public void RevalueIsDeniedAndCashSalesAreCounted()
    {
        MdbRig rig = Ready();
        Assert.AreEqual("0E", Hex(rig.Vmc.SendRaw(0x15, 0x00, 0x01, 0xF4)), "REVALUE DENIED");
        Assert.AreEqual("0F 00 00", Hex(rig.Vmc.SendRaw(0x15, 0x01)), "revalue limit 0");
        Assert.AreEqual(0, rig.Vmc.SendRaw(0x13, 0x05, 0, 100, 0, 9).Length);
        Assert.AreEqual(1, rig.Device.CashSales);
        Assert.AreEqual(0, rig.Records().Count);
        Assert.IsNull(rig.Vmc.SendRaw(0x13, 0x06, 0, 1, 0, 1), "NEGATIVE VEND (not offered) is not answered");
        Assert.IsTrue(rig.Link.UnknownCommands > 0);
    }
}
