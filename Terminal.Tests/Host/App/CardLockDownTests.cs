using System;
using System.IO;
using System.Linq;
using LeoCarte.Drivers.Desfire;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Personalisation;
using LeoCarte.Tools.Personalise;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.App;

/// <summary>
/// The lock-down a personalisation leaves (PICC key settings 0Bh, site application 09h) and what it stops, on the
/// simulated card that enforces the settings: without the card office's PICC key nobody creates or deletes an
/// application; with a terminal's key (key 1, e.g. from a stolen terminal's site master key) nobody deletes the site
/// application, changes a key, creates a file or changes the settings; a card personalised before the lock-down is brought
/// up to it by a rerun, which finishes after a tear at each of its commands.
/// </summary>
[TestClass]
public class CardLockDownTests
{
    private static readonly byte[] RandomA = Convert.FromHexString("C2A1E47B96A5589FAAE90C03FE6D00A7");

    private static PersonalisationPlan LockingPlan(int holder) => FactoryPlanWithPiccKey(holder, factory: false);

    private static PersonalisationPlan FactoryPlanWithPiccKey(int holder, bool factory)
    {
        PersonalisationPlan plan = PersonalisationTests.Plan(holder);
        plan.FactoryPiccKey = factory;
        plan.PiccMasterKey = (byte[])FactoryCardPersonalisationTests.OfficePiccKey.Clone();
        plan.PiccKeyVersion = 3;
        return plan;
    }

    /// <summary>A card personalised before the lock-down: AES PICC key with the factory settings 0Fh, application 0Bh.</summary>
    private static DesfireCard PersonalisedBeforeTheLockDown()
    {
        var card = VirtualCard.Desfire(AppRig.Enabled1);
        card.PiccMasterKey = (byte[])FactoryCardPersonalisationTests.OfficePiccKey.Clone();
        card.PiccKeyVersion = 3;
        PersonalisationPlan old = PersonalisationTests.Plan(1);
        old.KeySettings = 0x0B;
        Assert.AreEqual(PersonalisationResult.Personalised, new PersonalisationStation(TextWriter.Null).Run(card, old, rotation: false));
        Assert.AreEqual((0x0F, 0x0B), (card.PiccKeySettings, card.Applications.Single().KeySettings));
        return card;
    }

    private static DesfireCommands Open(DesfireCard card, out CardReader reader)
    {
        var sim = new Mfrc522Simulator();
        reader = new CardReader(sim, sim, new Mfrc522Options(), new CardReaderOptions());
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        sim.Field.Add(card);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(new CardReadResult()));
        Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(new AtsInfo()));
        return reader.Desfire;
    }

    private static void Refused(DesfireCommands d, ReaderResult r, byte status, string what)
    {
        Assert.AreEqual(ReaderResult.CardStatus, r, what);
        Assert.AreEqual(status, d.LastStatus, what);
    }

    [TestMethod]
    public void APersonalisedCardRefusesWhatAnAttackerWithoutTheOfficeKeysTries()
    {
        var card = VirtualCard.Desfire(AppRig.Enabled1);
        Assert.AreEqual(PersonalisationResult.Personalised, new PersonalisationStation(TextWriter.Null).Run(card, FactoryPlanWithPiccKey(1, factory: true), rotation: false));
        Assert.AreEqual((PersonalisationPlan.DefaultPiccKeySettings, PersonalisationPlan.DefaultKeySettings), (card.PiccKeySettings, card.Applications.Single().KeySettings));
        var app = card.Applications.Single();
        byte[] fileBefore = app.Files[HolderFile.FileNumber].Data.ToArray();
        byte[] terminalKey = CardPolicyTests.CardKey(CardPolicyTests.MasterKey1, AppRig.Enabled1, CardPolicyTests.SystemId);
        byte[] other = { 0x01, 0x02, 0x03 };
        DesfireCommands d = Open(card, out CardReader reader);
        int refusals = 0;

        // Anyone with a reader (no key): no application created or deleted, the factory DES key does not open the PICC.
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(new byte[3], 0));
        Refused(d, d.CreateApplication(other, 0, 0x0F, 1), DesfireCommands.StatusAuthenticationError, "create an application"); refusals++;
        Refused(d, d.DeleteApplication(CardPolicyTests.SiteAid, 0), DesfireCommands.StatusAuthenticationError, "delete ours"); refusals++;
        Refused(d, d.AuthenticateLegacy(0, DesfireCommands.FactoryDesKey, 0, RandomA, 0), DesfireCommands.StatusAuthenticationError, "factory key"); refusals++;
        Assert.AreEqual(ReaderResult.InvalidArgument, d.FormatPicc(), "format: needs the PICC key's session");
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(CardPolicyTests.SiteAid, 0));
        Refused(d, d.GetKeySettings(out _, out _), DesfireCommands.StatusAuthenticationError, "no free listing in the application"); refusals++;
        Refused(d, d.CreateStdDataFile(7, DesfireCommands.CommPlain, 0xEEEE, 32), DesfireCommands.StatusPermissionDenied, "create a file"); refusals++;

        // A thief with a terminal's key 1 (the site master key diversified): he reads the holder file, nothing more.
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(1, terminalKey, 0, RandomA, 0));
        Refused(d, d.ChangeKeySettings(0xEF), DesfireCommands.StatusPermissionDenied, "settings with key 1"); refusals++;
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(1, terminalKey, 0, RandomA, 0));
        Refused(d, d.ChangeKey(1, new byte[16], 0, null, 0, 9), DesfireCommands.StatusPermissionDenied, "key 1 changing itself (settings 0h: only key 0)"); refusals++;
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(1, terminalKey, 0, RandomA, 0));
        Refused(d, d.DeleteApplication(CardPolicyTests.SiteAid, 0), DesfireCommands.StatusPermissionDenied, "delete from inside with key 1"); refusals++;
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(1, terminalKey, 0, RandomA, 0));
        Refused(d, d.CreateStdDataFile(7, DesfireCommands.CommPlain, 0xEEEE, 32), DesfireCommands.StatusPermissionDenied, "create a file with key 1"); refusals++;
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(1, terminalKey, 0, RandomA, 0));
        Refused(d, d.WriteData(HolderFile.FileNumber, 0, new byte[16], 0, 16, DesfireCommands.CommMac), DesfireCommands.StatusPermissionDenied, "write the holder file with key 1"); refusals++;
        reader.CloseCardSession();

        Assert.AreEqual(1, card.Applications.Count);
        CollectionAssert.AreEqual(fileBefore, app.Files[HolderFile.FileNumber].Data);
        Assert.AreEqual((1, 1), (app.KeyVersions[0], app.KeyVersions[1]));
        Assert.AreEqual(0, app.Files.Keys.Count(k => k != HolderFile.FileNumber));
        Console.WriteLine($"lock-down: {refusals} attacker commands refused by the card, card unchanged");
    }

    [TestMethod]
    public void WithTheSettingsChangeKeyEhAThiefWithKeyOneCouldLockStudentsOut()
    {
        // Why the plan's application settings keep bits 7..4 at 0h: with Eh (each key changes itself) the terminals' key
        // 1 can replace itself on any card it opens, and every terminal then refuses that card.
        var card = VirtualCard.Desfire(AppRig.Enabled1);
        PersonalisationPlan plan = PersonalisationTests.Plan(1);
        plan.KeySettings = 0xE9;
        Assert.AreEqual("the application key settings must let key 0 change keys (bits 7..4 zero), keep file creation with key 0 (bit 2 clear) and key 0 changeable (bit 0 set)", plan.Problem());
        Assert.AreEqual(PersonalisationResult.InvalidPlan, new PersonalisationStation(TextWriter.Null).Run(card, plan, rotation: false));
        Assert.AreEqual(0, card.Applications.Count);

        Assert.AreEqual(PersonalisationResult.Personalised, new PersonalisationStation(TextWriter.Null).Run(card, PersonalisationTests.Plan(1), rotation: false));
        card.Applications.Single().KeySettings = 0xE9; // as if the card office had allowed it
        byte[] terminalKey = CardPolicyTests.CardKey(CardPolicyTests.MasterKey1, AppRig.Enabled1, CardPolicyTests.SystemId);
        DesfireCommands d = Open(card, out CardReader reader);
        Assert.AreEqual(ReaderResult.Ok, d.SelectApplication(CardPolicyTests.SiteAid, 0));
        Assert.AreEqual(ReaderResult.Ok, d.AuthenticateAes(1, terminalKey, 0, RandomA, 0));
        Assert.AreEqual(ReaderResult.Ok, d.ChangeKey(1, new byte[16], 0, null, 0, 1), "Eh: key 1 changes itself");
        reader.CloseCardSession();
    }

    [TestMethod]
    public void ACardPersonalisedBeforeTheLockDownIsLockedByARerun()
    {
        var card = PersonalisedBeforeTheLockDown();
        var output = new StringWriter();
        var station = new PersonalisationStation(output);
        Assert.AreEqual(PersonalisationResult.Personalised, station.Run(card, LockingPlan(1), rotation: false), output.ToString());
        Console.WriteLine(output);
        Assert.AreEqual(PersonalisationPlan.DefaultPiccKeySettings, card.PiccKeySettings);
        Assert.AreEqual(PersonalisationPlan.DefaultKeySettings, card.Applications.Single().KeySettings);
        Assert.IsTrue(station.Steps.Any(s => s.Step == PersonalisationStep.LockPicc && s.Outcome == StepOutcome.Done));
        Assert.IsTrue(station.Steps.Any(s => s.Step == PersonalisationStep.LockApplication && s.Outcome == StepOutcome.Done));
        Assert.AreEqual(2, card.KeySettingsChanges);

        var again = new PersonalisationStation(TextWriter.Null);
        Assert.AreEqual(PersonalisationResult.Personalised, again.Run(card, LockingPlan(1), rotation: false));
        Assert.AreEqual(2, card.KeySettingsChanges, "nothing written twice");
        Assert.IsTrue(again.Steps.Where(s => s.Step is PersonalisationStep.LockPicc or PersonalisationStep.LockApplication).All(s => s.Outcome == StepOutcome.AlreadyDone));

        // A rotation locks too: it is the same run.
        var rotated = PersonalisedBeforeTheLockDown();
        PersonalisationPlan rotation = LockingPlan(1);
        rotation.TargetVersion = 2;
        Assert.AreEqual(PersonalisationResult.Personalised, new PersonalisationStation(TextWriter.Null).Run(rotated, rotation, rotation: true));
        Assert.AreEqual((PersonalisationPlan.DefaultPiccKeySettings, PersonalisationPlan.DefaultKeySettings), (rotated.PiccKeySettings, rotated.Applications.Single().KeySettings));
        Assert.AreEqual((2, 2), (rotated.Applications.Single().KeyVersions[0], rotated.Applications.Single().KeyVersions[1]));
    }

    [TestMethod]
    public void ALockDownRunPulledAwayAfterAnyCommandIsFinishedByARerun()
    {
        var reference = PersonalisedBeforeTheLockDown();
        int before = reference.CommandsProcessed;
        Assert.AreEqual(PersonalisationResult.Personalised, new PersonalisationStation(TextWriter.Null).Run(reference, LockingPlan(1), rotation: false));
        int commands = reference.CommandsProcessed - before;
        int cases = 0, piccLockedAtTear = 0, applicationLockedAtTear = 0;
        for (int tear = 1; tear <= commands; tear++)
        {
            var card = PersonalisedBeforeTheLockDown();
            card.TearAfterCommands = card.CommandsProcessed + tear;
            var station = new PersonalisationStation(TextWriter.Null);
            string context = $"lock-down run pulled after command {tear} of {commands}";
            Assert.AreEqual(PersonalisationResult.CardLost, station.Run(card, LockingPlan(1), rotation: false), context);
            Assert.IsTrue(card.Torn, context);
            Assert.IsTrue(card.PiccKeySettings is 0x0F or PersonalisationPlan.DefaultPiccKeySettings, context);
            Assert.IsTrue(card.Applications.Single().KeySettings is 0x0B or PersonalisationPlan.DefaultKeySettings, context);
            piccLockedAtTear += card.PiccKeySettings == PersonalisationPlan.DefaultPiccKeySettings ? 1 : 0;
            applicationLockedAtTear += card.Applications.Single().KeySettings == PersonalisationPlan.DefaultKeySettings ? 1 : 0;

            card.ReturnToField();
            Assert.AreEqual(PersonalisationResult.Personalised, station.Run(card, LockingPlan(1), rotation: false), context + ": the rerun finishes");
            var app = card.Applications.Single();
            Assert.AreEqual((PersonalisationPlan.DefaultPiccKeySettings, PersonalisationPlan.DefaultKeySettings), (card.PiccKeySettings, app.KeySettings), context);
            Assert.AreEqual((1, 1), (app.KeyVersions[0], app.KeyVersions[1]), context);
            Assert.IsTrue(HolderFile.Matches(app.Files[1].Data, 0, 1, AppRig.SiteId), context);
            cases++;
        }

        Console.WriteLine($"lock-down tears: {cases} cases ({commands} commands), PICC locked at the tear in {piccLockedAtTear}, application in {applicationLockedAtTear}; every rerun finished the card");
        Assert.AreEqual(commands, cases);
        Assert.IsTrue(piccLockedAtTear > 0 && applicationLockedAtTear > 0 && piccLockedAtTear < commands);
    }
}
