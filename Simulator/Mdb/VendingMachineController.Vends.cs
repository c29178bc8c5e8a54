using System;

namespace LeoCarte.Simulator.Mdb;

/// <summary>A customer at the machine: wait for a session, choose an item, vend or fail, end the session.</summary>
public sealed partial class VendingMachineController
{
    /// <summary>Polls until a session is open (the student tapped), at most <paramref name="polls"/> times.</summary>
    public bool WaitForSession(int polls = 20)
    {
        for (int i = 0; i < polls && state == Vmc.Enabled; i++)
        {
            Poll();
        }

        return InSession;
    }

    /// <summary>
    /// The student chooses <paramref name="item"/> at <paramref name="priceCents"/>; the machine asks for it, and on
    /// approval dispenses (or fails to) and reports VEND SUCCESS or VEND FAILURE. In always-idle mode no session is
    /// needed first: the terminal waits for the tap (<paramref name="duringApprovalWait"/> runs once, e.g. the tap).
    /// </summary>
    public VendOutcome Buy(int item, int priceCents, bool dispenses, Action duringApprovalWait = null)
    {
        if (!AlwaysIdleEnabled && state != Vmc.SessionIdle)
        {
            return VendOutcome.NoSession;
        }

        if (AlwaysIdleEnabled && state == Vmc.Enabled)
        {
            state = Vmc.SessionIdle;
        }

        if (SessionFunds >= 0 && priceCents > SessionFunds)
        {
            return VendOutcome.NotEnoughFunds;
        }

        int scaled = priceCents / ReaderScale;
        if (Transact(0x13, 0x00, (byte)(scaled >> 8), (byte)scaled, (byte)(item >> 8), (byte)item) == null)
        {
            return VendOutcome.NoAnswer;
        }

        state = Vmc.VendRequested;
        bool resetNow = Chance(Faults.ResetMidVend);
        int resetAt = random.Next(3);
        if (resetNow && resetAt == 0)
        {
            Count("reset after vend request");
            return Interrupt();
        }

        long deadline = now + ReaderMaxResponseSeconds * 1_000_000L;
        duringApprovalWait?.Invoke();
        while (state == Vmc.VendRequested && now < deadline)
        {
            Poll();
        }

        if (state == Vmc.VendRequested)
        {
            // §7: no answer within the reader's maximum response time: VEND CANCEL, then the reader says VEND DENIED.
            Transact(0x13, 0x01);
            CancelledVends++;
            for (int i = 0; i < 10 && state == Vmc.VendRequested; i++)
            {
                Poll();
            }

            state = state == Vmc.Off ? Vmc.Off : Vmc.SessionIdle;
            return VendOutcome.Denied;
        }

        if (state != Vmc.Vending)
        {
            return state == Vmc.Off ? VendOutcome.Interrupted : VendOutcome.Denied;
        }

        if (Chance(Faults.MachineStall))
        {
            Count("machine stall");
            Wait(12_000_000); // no POLL for 12 s: the terminal must give the vend up
            return Interrupt();
        }

        if (resetNow && resetAt == 1)
        {
            Count("reset while dispensing");
            return Interrupt();
        }

        // Dispensing takes a few polls.
        for (int i = 0; i < 3; i++)
        {
            Poll();
        }

        if (Chance(Faults.OutOfSequence))
        {
            Count("out of sequence");
            // A second VEND REQUEST while dispensing: the reader answers OUT OF SEQUENCE and keeps the approved vend.
            int other = scaled + 1;
            Transact(0x13, 0x00, (byte)(other >> 8), (byte)other, (byte)(item >> 8), (byte)item);
            Poll();
        }

        if (dispenses)
        {
            byte[] ack = Transact(0x13, 0x02, (byte)(item >> 8), (byte)item);
            if (ack == null)
            {
                // The product dropped but the reader never acknowledged (it is off): the machine still records the sale.
                UnacknowledgedSuccesses++;
            }
            else
            {
                AcknowledgedSuccessLog.Add((item, priceCents));
            }

            SuccessfulVends++;
            SuccessfulVendCents += priceCents;
            VendLog.Add((item, priceCents));
            state = Vmc.SessionIdle;
            if (resetNow && resetAt == 2)
            {
                Count("reset after vend success");
                Interrupt();
            }

            return VendOutcome.Dispensed;
        }

        Transact(0x13, 0x03);
        FailedVends++;
        state = Vmc.SessionIdle;
        return VendOutcome.DispenseFailed;
    }

    private VendOutcome Interrupt()
    {
        PowerUp(busBreak: random.Next(2) == 0, vmcLevel: 3);
        return VendOutcome.Interrupted;
    }

    /// <summary>SESSION COMPLETE and POLL until END SESSION.</summary>
    public bool EndSession()
    {
        if (!InSession)
        {
            return state == Vmc.Enabled;
        }

        Transact(0x13, 0x04);
        state = Vmc.SessionEnding;
        for (int i = 0; i < 20 && state == Vmc.SessionEnding; i++)
        {
            Poll();
        }

        return state == Vmc.Enabled;
    }

    /// <summary>Sends an out-of-sequence command on purpose (tests): VEND SUCCESS with no approved vend.</summary>
    public byte[] SendRaw(params byte[] command) => Transact(command);
}
