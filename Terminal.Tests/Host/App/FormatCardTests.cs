using System;
using System.IO;
using System.Linq;
using LeoCarte.Simulator.Cards;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Personalisation;
using LeoCarte.Tools.Personalise;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.App;

/// <summary>
/// FormatPICC of the card office's test cards (<see cref="CardPersonaliser.Format"/>, <c>--format --yes</c>): with the PICC
/// master key every application goes and the PICC key and settings stay, so the card is personalised again; a card on its
/// factory key is formatted after the legacy authentication; a wrong PICC key leaves the card unchanged; a card pulled
/// away after the FormatPICC (or any command before it) is formatted by a rerun; the tool refuses to format without
/// <c>--yes</c> and sends nothing.
/// </summary>
[TestClass]
public class FormatCardTests
{
    private static PersonalisationPlan PlanWithPiccKey(int holder, bool factory = true)
    {
        PersonalisationPlan plan = PersonalisationTests.Plan(holder);
        plan.FactoryPiccKey = factory;
        plan.PiccMasterKey = (byte[])FactoryCardPersonalisationTests.OfficePiccKey.Clone();
        plan.PiccKeyVersion = 3;
        return plan;
    }

    /// <summary>A used test card: personalised (PICC locked) and carrying another service's application too.</summary>
    private static DesfireCard UsedTestCard()
    {
        var card = VirtualCard.Desfire(AppRig.Enabled1);
        Assert.AreEqual(PersonalisationResult.Personalised, new PersonalisationStation(TextWriter.Null).Run(card, PlanWithPiccKey(1), rotation: false));
        card.AddApplication(new byte[] { 0x10, 0x20, 0x30 }).Keys[0] = new byte[16];
        Assert.AreEqual(2, card.Applications.Count);
        return card;
    }

    [TestMethod]
    public void ATestCardIsFormattedWithThePiccKeyAndReissued()
    {
        var card = UsedTestCard();
        var output = new StringWriter();
        var station = new PersonalisationStation(output);
        Assert.AreEqual(PersonalisationResult.Formatted, station.Format(card, PlanWithPiccKey(1)), output.ToString());
        Console.WriteLine(output);
        CollectionAssert.AreEqual(new[] { PersonalisationStep.SelectPicc, PersonalisationStep.AuthenticatePicc, PersonalisationStep.FormatPicc },
            station.Steps.Select(s => s.Step).ToArray());
        Assert.AreEqual(0, card.Applications.Count, "every application, the other service's too");
        Assert.AreEqual(1, card.Formats);
        CollectionAssert.AreEqual(FactoryCardPersonalisationTests.OfficePiccKey, card.PiccMasterKey, "the PICC key stays");
        Assert.AreEqual(PersonalisationPlan.DefaultPiccKeySettings, card.PiccKeySettings, "and its settings");

        Assert.AreEqual(PersonalisationResult.Personalised, station.Run(card, PlanWithPiccKey(2), rotation: false), "re-issued to another holder");
        Assert.IsTrue(HolderFile.Matches(card.Applications.Single().Files[HolderFile.FileNumber].Data, 0, 2, AppRig.SiteId));
    }

    [TestMethod]
    public void AFactoryKeyCardIsFormattedAfterTheLegacyAuthenticationAndAWrongKeyChangesNothing()
    {
        var factory = VirtualCard.Desfire(AppRig.Enabled2);
        Assert.AreEqual(PersonalisationResult.Personalised, new PersonalisationStation(TextWriter.Null).Run(factory, PersonalisationTests.Plan(2), rotation: false));
        PersonalisationPlan plan = PlanWithPiccKey(2);
        var station = new PersonalisationStation(TextWriter.Null);
        Assert.AreEqual(PersonalisationResult.Formatted, station.Format(factory, plan), "the AES key refused, the factory DES key opens it");
        Assert.AreEqual(0, factory.Applications.Count);
        Assert.AreEqual(1, factory.LegacyAuthentications);
        Assert.IsNull(factory.PiccMasterKey, "Format does not change the PICC key");

        var locked = UsedTestCard();
        PersonalisationPlan wrong = PlanWithPiccKey(1);
        wrong.PiccMasterKey = Convert.FromHexString("E0E1E2E3E4E5E6E7E8E9EAEBECEDEEEF");
        Assert.AreEqual(PersonalisationResult.PiccKeyRefused, new PersonalisationStation(TextWriter.Null).Format(locked, wrong), "neither the AES key nor the factory key");
        wrong.FactoryPiccKey = false;
        Assert.AreEqual(PersonalisationResult.PiccKeyRefused, new PersonalisationStation(TextWriter.Null).Format(locked, wrong), "a wrong AES key");
        Assert.AreEqual(2, locked.Applications.Count, "nothing erased");
        Assert.AreEqual(0, locked.Formats);

        PersonalisationPlan none = PersonalisationTests.Plan(1);
        Assert.AreEqual(PersonalisationResult.InvalidPlan, new PersonalisationStation(TextWriter.Null).Format(locked, none), "no way to open the PICC");
    }

    [TestMethod]
    public void AFormatPulledAwayAfterAnyCommandIsFinishedByARerun()
    {
        var reference = UsedTestCard();
        int before = reference.CommandsProcessed;
        Assert.AreEqual(PersonalisationResult.Formatted, new PersonalisationStation(TextWriter.Null).Format(reference, PlanWithPiccKey(1)));
        int commands = reference.CommandsProcessed - before;
        int formattedAtTear = 0;
        for (int tear = 1; tear <= commands; tear++)
        {
            var card = UsedTestCard();
            card.TearAfterCommands = card.CommandsProcessed + tear;
            var station = new PersonalisationStation(TextWriter.Null);
            string context = $"format pulled after command {tear} of {commands}";
            Assert.AreEqual(PersonalisationResult.CardLost, station.Format(card, PlanWithPiccKey(1)), context);
            Assert.IsTrue(card.Applications.Count is 0 or 2, context + ": all or nothing");
            formattedAtTear += card.Applications.Count == 0 ? 1 : 0;
            card.ReturnToField();
            Assert.AreEqual(PersonalisationResult.Formatted, station.Format(card, PlanWithPiccKey(1)), context + ": the rerun formats");
            Assert.AreEqual(0, card.Applications.Count, context);
        }

        Console.WriteLine($"format tears: {commands} cases, formatted at the tear in {formattedAtTear} (the answer to FormatPICC lost), every rerun formatted the card");
        Assert.AreEqual(1, formattedAtTear);
    }

    [TestMethod]
    public void TheToolFormatsOnlyWithAnExplicitYes()
    {
        var refused = new StringWriter();
        Assert.AreEqual(1, PersonaliseCommand.Run(new[] { "--sample", "--holder", "1", "--factory-card", "--format" }, refused));
        StringAssert.Contains(refused.ToString(), "add --yes to confirm");
        StringAssert.Contains(refused.ToString(), "Nothing was sent");
        Assert.IsFalse(refused.ToString().Contains("SPI transfers"), "no card touched");
        Assert.AreEqual(1, PersonaliseCommand.Run(new[] { "--sample", "--holder", "1", "--yes" }, new StringWriter()), "--yes alone");
        var noKey = new StringWriter();
        Assert.AreEqual(1, PersonaliseCommand.Run(new[] { "--sample", "--holder", "1", "--format", "--yes" }, noKey), "no PICC key, no factory card");
        StringAssert.Contains(noKey.ToString(), "needs the PICC master key");

        var output = new StringWriter();
        Assert.AreEqual(0, PersonaliseCommand.Run(new[] { "--sample", "--holder", "1", "--factory-card", "--format", "--yes" }, output), output.ToString());
        string text = output.ToString();
        Console.WriteLine(text);
        StringAssert.Contains(text, "FormatPicc");
        StringAssert.Contains(text, "0 applications after FormatPICC");
        StringAssert.Contains(text, "result: Formatted");
    }
}
