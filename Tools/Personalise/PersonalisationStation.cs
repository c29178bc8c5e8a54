using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Personalisation;

namespace LeoCarte.Tools.Personalise;

/// <summary>
/// An encoding station on the simulator: the register-level MFRC522 simulator, the driver's <see cref="CardReader"/>
/// (poll, ISO 14443-4 session, DESFire commands) and <see cref="CardPersonaliser"/>. Prints each step with the SPI
/// transfers, bytes and modeled time it took, and keeps them for the tests.
/// </summary>
public sealed class PersonalisationStation : IPersonalisationLog
{
    private readonly TextWriter output;
    private readonly IChallengeSource challenges = new SystemRandomChallenges();
    private long transfersBefore;
    private long bytesBefore;
    private long nsBefore;

    public PersonalisationStation(TextWriter output)
    {
        this.output = output ?? TextWriter.Null;
        Simulator = new Mfrc522Simulator();
        Reader = new CardReader(Simulator, Simulator, new Mfrc522Options(), new CardReaderOptions());
        ReaderResult started = Reader.Start();
        if (started != ReaderResult.Ok)
        {
            throw new InvalidOperationException("the simulated reader did not start: " + started);
        }
    }

    public Mfrc522Simulator Simulator { get; }

    public CardReader Reader { get; }

    /// <summary>Every step reported since the station was made.</summary>
    public List<(PersonalisationStep Step, StepOutcome Outcome, ReaderResult Result, byte Status)> Steps { get; } = new();

    /// <summary>The personaliser of the last run (its key versions and last step).</summary>
    public CardPersonaliser Last { get; private set; }

    /// <summary>
    /// Puts <paramref name="card"/> on the reader, runs a personalisation (or rotation) on it and takes it away.
    /// CardLost when no card answers the poll.
    /// </summary>
    public PersonalisationResult Run(DesfireCard card, PersonalisationPlan plan, bool rotation) =>
        Present(card, rotation ? "key rotation to key version " + plan.TargetVersion : "personalisation to key version " + plan.TargetVersion,
            read => rotation ? Last.Rotate(read.Uid, read.UidLength) : Last.Personalise(read.Uid, read.UidLength), plan, reportKeys: true);

    /// <summary>Puts <paramref name="card"/> on the reader and formats it (FormatPICC: every application erased), then takes it away.</summary>
    public PersonalisationResult Format(DesfireCard card, PersonalisationPlan plan) =>
        Present(card, "FormatPICC (every application erased)", read => Last.Format(), plan, reportKeys: false);

    private PersonalisationResult Present(DesfireCard card, string what, Func<CardReadResult, PersonalisationResult> work, PersonalisationPlan plan, bool reportKeys)
    {
        var read = new CardReadResult();
        for (int poll = 0; poll < 20 && Reader.CardPresent; poll++)
        {
            Reader.Poll(read); // the last card must be seen gone before the next one is new
        }

        Simulator.Field.Add(card);
        try
        {
            CardEvent seen = CardEvent.NoCard;
            for (int poll = 0; poll < 10 && seen != CardEvent.NewCard; poll++)
            {
                seen = Reader.Poll(read);
            }

            if (seen != CardEvent.NewCard)
            {
                output.WriteLine("  no card answers on the reader");
                return PersonalisationResult.CardLost;
            }

            output.WriteLine($"  card {Convert.ToHexString(read.Uid, 0, read.UidLength)} ({read.Type}), {what}");
            Mark();
            ReaderResult opened = Reader.OpenCardSession(new AtsInfo());
            if (opened != ReaderResult.Ok)
            {
                output.WriteLine($"  ISO 14443-4 session: {opened}");
                return PersonalisationResult.CardLost;
            }

            int stepsBefore = Steps.Count;
            Last = new CardPersonaliser(Reader.Desfire, plan, challenges, this);
            PersonalisationResult result = work(read);
            Reader.CloseCardSession();
            if (!reportKeys)
            {
                output.WriteLine($"  result: {result}");
                return result;
            }

            bool versionsRead = Steps.Skip(stepsBefore).Any(s => s.Step == PersonalisationStep.ReadKeyVersions && s.Outcome != StepOutcome.Failed);
            output.WriteLine(versionsRead
                ? $"  result: {result}; card keys now: key 0 {Version(Last.KeyVersion0)}, key 1 {Version(Last.KeyVersion1)}"
                : $"  result: {result}; application keys not read yet (the run stopped at PICC level)");
            if (Last.VerifiedWithEv1)
            {
                output.WriteLine("  note: a DESFire EV1 (AuthenticateEV2First answered 1Ch): read back with AuthenticateAES, as terminals do (one extra exchange per tap)");
            }

            return result;
        }
        finally
        {
            Simulator.Field.Remove(card);
        }
    }

    public void Step(PersonalisationStep step, StepOutcome outcome, ReaderResult result, byte cardStatus)
    {
        Steps.Add((step, outcome, result, cardStatus));
        long transfers = Simulator.Costs.Transfers - transfersBefore;
        long bytes = Simulator.Costs.Bytes - bytesBefore;
        double ms = (Simulator.Costs.ElapsedNs - nsBefore) / 1e6;
        string detail = outcome == StepOutcome.Failed ? $"  ({result}{(cardStatus != 0 ? $", card status {cardStatus:X2}h" : "")})" : "";
        output.WriteLine($"    {step,-25} {outcome,-11} {transfers,5} SPI transfers {bytes,6} bytes {ms,7:0.0} ms{detail}");
        Mark();
    }

    private void Mark()
    {
        transfersBefore = Simulator.Costs.Transfers;
        bytesBefore = Simulator.Costs.Bytes;
        nsBefore = Simulator.Costs.ElapsedNs;
    }

    private static string Version(int v) => v < 0 ? "unknown (answer lost: old or new, the next run reads it)" : "version " + v;

    /// <summary>RndA from the operating system's CSPRNG (the station is a PC, not the terminal).</summary>
    private sealed class SystemRandomChallenges : IChallengeSource
    {
        public void Fill(byte[] into, int offset, int count) => RandomNumberGenerator.Fill(into.AsSpan(offset, count));
    }
}
