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
/// Personalisation of a factory-fresh DESFire (PICC master key DES, 16 zero bytes, settings 0Fh — what a real blank EV1,
/// EV2 or EV3 carries): the personaliser opens it with the legacy Authenticate (0Ah) and the default key, changes the PICC
/// master key to the card office's AES key, opens it again with AuthenticateAES and continues as for any card; the card is
/// then approved by a terminal under desfire-aes. A card pulled away after each command is finished by a rerun and its
/// PICC key is always the factory key or the plan's; a card whose PICC key is neither is refused unchanged.
/// </summary>
[TestClass]
public class FactoryCardPersonalisationTests
{
    public static readonly byte[] OfficePiccKey = Convert.FromHexString("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF");

    private static PersonalisationPlan FactoryPlan(int holder, bool changePiccKey = true)
    {
        PersonalisationPlan plan = PersonalisationTests.Plan(holder);
        plan.FactoryPiccKey = true;
        plan.PiccMasterKey = changePiccKey ? (byte[])OfficePiccKey.Clone() : null;
        plan.PiccKeyVersion = 3;
        Assert.IsNull(plan.Problem());
        return plan;
    }

    /// <summary>The PICC master key is the factory DES key or the plan's AES key (version 3), nothing else.</summary>
    private static void AssertPiccKeyIsFactoryOrThePlans(DesfireCard card, string context)
    {
        if (card.PiccMasterKey == null)
        {
            CollectionAssert.AreEqual(new byte[16], card.PiccDesKey, context + ": the factory DES key");
        }
        else
        {
            CollectionAssert.AreEqual(OfficePiccKey, card.PiccMasterKey, context + ": the card office's AES PICC key");
            Assert.AreEqual(3, card.PiccKeyVersion, context);
        }
    }

    [TestMethod]
    public void AFactoryFreshCardIsPersonalisedAndApprovedUnderDesfireAes()
    {
        var card = VirtualCard.Desfire(AppRig.Enabled1);
        Assert.IsNull(card.PiccMasterKey, "a factory-fresh card: DES PICC key");
        var output = new StringWriter();
        var station = new PersonalisationStation(output);
        Assert.AreEqual(PersonalisationResult.Personalised, station.Run(card, FactoryPlan(1), rotation: false), output.ToString());
        Console.WriteLine(output);
        Console.WriteLine($"factory-fresh card: {card.CommandsProcessed} DESFire commands, {station.Simulator.Costs.Transfers} SPI transfers, " +
            $"{station.Simulator.Costs.Bytes} bytes, {station.Simulator.Costs.ElapsedNs / 1e6:0.0} ms modeled (poll and session included)");
        CollectionAssert.AreEqual(
            new[] { PersonalisationStep.SelectPicc, PersonalisationStep.ReadPiccKeySettings, PersonalisationStep.AuthenticateFactoryPicc, PersonalisationStep.ChangePiccMasterKey, PersonalisationStep.AuthenticatePicc,
                PersonalisationStep.CreateApplication, PersonalisationStep.LockPicc, PersonalisationStep.SelectApplication, PersonalisationStep.ReadKeyVersions,
                PersonalisationStep.AuthenticateMasterKey, PersonalisationStep.LockApplication, PersonalisationStep.ChangeReadKey, PersonalisationStep.ChangeMasterKey, PersonalisationStep.AuthenticateNewMasterKey,
                PersonalisationStep.CreateHolderFile, PersonalisationStep.WriteHolderFile, PersonalisationStep.VerifyHolderFile, PersonalisationStep.VerifyAsTerminal },
            station.Steps.Select(s => s.Step).ToArray());
        Assert.IsTrue(station.Steps.All(s => s.Outcome == StepOutcome.Done));
        Assert.AreEqual(1, card.LegacyAuthentications);
        CollectionAssert.AreEqual(OfficePiccKey, card.PiccMasterKey);
        Assert.AreEqual(3, card.PiccKeyVersion);
        Assert.AreEqual(PersonalisationPlan.DefaultPiccKeySettings, card.PiccKeySettings, "0Bh: applications created and deleted only with the PICC master key");
        Assert.AreEqual(1, card.KeySettingsChanges, "the PICC's; the application was created with its settings");
        var app = card.Applications.Single();
        Assert.AreEqual((1, 1), (app.KeyVersions[0], app.KeyVersions[1]));
        Assert.IsTrue(HolderFile.Matches(app.Files[HolderFile.FileNumber].Data, 0, 1, AppRig.SiteId));

        var rig = new AppRig(configText: CardPolicyTests.Config("desfire-aes"), listKeyVersion: 1);
        var tap = PersonalisationTests.TapOnce(rig, card);
        Assert.IsTrue(tap.Approved, tap.Reason.ToString());
        Assert.AreEqual(1, rig.App.Statistics.ApprovedAuthenticated);

        // A rerun finds the application: the PICC level is not touched again.
        var again = new PersonalisationStation(TextWriter.Null);
        Assert.AreEqual(PersonalisationResult.Personalised, again.Run(card, FactoryPlan(1), rotation: false));
        Assert.AreEqual(1, card.LegacyAuthentications);
        Assert.IsFalse(again.Steps.Any(s => s.Step is PersonalisationStep.AuthenticateFactoryPicc or PersonalisationStep.ChangePiccMasterKey));
        Assert.IsTrue(again.Steps.Any(s => s.Step == PersonalisationStep.LockPicc && s.Outcome == StepOutcome.AlreadyDone));
        Assert.IsTrue(again.Steps.Any(s => s.Step == PersonalisationStep.LockApplication && s.Outcome == StepOutcome.AlreadyDone));
        Assert.AreEqual(1, card.KeySettingsChanges, "the rerun reads the settings, writes nothing");
    }

    [TestMethod]
    public void AFactoryCardKeptOnItsDesPiccKeyGetsItsApplicationUnderTheLegacySession()
    {
        var card = VirtualCard.Desfire(AppRig.Enabled2);
        card.Generation = DesfireGeneration.Ev1;
        var station = new PersonalisationStation(TextWriter.Null);
        Assert.AreEqual(PersonalisationResult.Personalised, station.Run(card, FactoryPlan(2, changePiccKey: false), rotation: false));
        Assert.AreEqual(1, card.LegacyAuthentications);
        Assert.IsNull(card.PiccMasterKey, "no PICC key in the plan: the factory key stays");
        Assert.AreEqual(0, station.Steps.Count(s => s.Step is PersonalisationStep.ChangePiccMasterKey or PersonalisationStep.AuthenticatePicc));
        Assert.IsTrue(HolderFile.Matches(card.Applications.Single().Files[1].Data, 0, 2, AppRig.SiteId));
    }

    [TestMethod]
    public void ACardWhosePiccKeyIsNeitherTheFactoryNorThePlansIsRefusedUnchanged()
    {
        foreach (bool changePiccKey in new[] { false, true })
        {
            var card = VirtualCard.Desfire(AppRig.Enabled1);
            card.PiccDesKey = Convert.FromHexString("00000000000000000000000000000010"); // another 2K3DES key
            var station = new PersonalisationStation(TextWriter.Null);
            Assert.AreEqual(PersonalisationResult.PiccKeyRefused, station.Run(card, FactoryPlan(1, changePiccKey), rotation: false), "PICC key change " + changePiccKey);
            Assert.AreEqual(0, card.Applications.Count);
            Assert.AreEqual(0, card.KeyChanges);
            Assert.IsNull(card.PiccMasterKey);
            Assert.AreEqual(changePiccKey ? 2 : 1, card.FailedAuthentications, "the factory DES key, then the AES key when the plan has one");
        }

        // Another AES PICC key: refused both ways, nothing written.
        var other = VirtualCard.Desfire(AppRig.Enabled1);
        other.PiccMasterKey = Convert.FromHexString("E0E1E2E3E4E5E6E7E8E9EAEBECEDEEEF");
        Assert.AreEqual(PersonalisationResult.PiccKeyRefused, new PersonalisationStation(TextWriter.Null).Run(other, FactoryPlan(1), rotation: false));
        Assert.AreEqual(0, other.Applications.Count);
        Assert.AreEqual(0, other.KeyChanges);
    }

    [TestMethod]
    public void AFactoryCardPulledAwayAfterAnyCommandIsFinishedByARerun()
    {
        var reference = VirtualCard.Desfire(AppRig.Enabled1);
        Assert.AreEqual(PersonalisationResult.Personalised, new PersonalisationStation(TextWriter.Null).Run(reference, FactoryPlan(1), rotation: false));
        int commands = reference.CommandsProcessed;
        int cases = 0, piccChangedBeforeTear = 0, piccLockedBeforeTear = 0;
        for (int tear = 1; tear <= commands; tear++)
        {
            var card = VirtualCard.Desfire(AppRig.Enabled1);
            card.TearAfterCommands = tear;
            var plan = FactoryPlan(1);
            var station = new PersonalisationStation(TextWriter.Null);
            PersonalisationResult first = station.Run(card, plan, rotation: false);
            string context = $"factory card pulled after command {tear} of {commands} ({station.Last?.LastStep})";
            Assert.IsTrue(card.Torn, context + ": the tear happened");
            Assert.AreEqual(PersonalisationResult.CardLost, first, context);
            AssertPiccKeyIsFactoryOrThePlans(card, context);
            Assert.IsTrue(card.PiccKeySettings is 0x0F or PersonalisationPlan.DefaultPiccKeySettings, context + ": factory or the plan's PICC settings");
            piccChangedBeforeTear += card.PiccMasterKey != null ? 1 : 0;
            piccLockedBeforeTear += card.PiccKeySettings == PersonalisationPlan.DefaultPiccKeySettings ? 1 : 0;

            card.ReturnToField();
            PersonalisationResult rerun = station.Run(card, plan, rotation: false);
            Assert.AreEqual(PersonalisationResult.Personalised, rerun, context + ": the rerun finishes");
            CollectionAssert.AreEqual(OfficePiccKey, card.PiccMasterKey, context);
            var app = card.Applications.Single();
            Assert.AreEqual((1, 1), (app.KeyVersions[0], app.KeyVersions[1]), context);
            Assert.IsTrue(HolderFile.Matches(app.Files[1].Data, 0, 1, AppRig.SiteId), context);
            Assert.AreEqual(PersonalisationPlan.DefaultPiccKeySettings, card.PiccKeySettings, context + ": PICC locked");
            Assert.AreEqual(PersonalisationPlan.DefaultKeySettings, app.KeySettings, context + ": application settings");
            cases++;
        }

        Console.WriteLine($"factory-card tears: {cases} cases ({commands} commands of a personalisation), PICC key already AES at the tear in {piccChangedBeforeTear}, PICC already locked in {piccLockedBeforeTear}, every rerun finished the card");
        Assert.AreEqual(commands, cases);
    }

    [TestMethod]
    public void TheToolPersonalisesAFactoryCardWithItsOption()
    {
        var output = new StringWriter();
        Assert.AreEqual(0, PersonaliseCommand.Run(new[] { "--sample", "--holder", "1", "--factory-card", "--tear-after", "4" }, output), output.ToString());
        string text = output.ToString();
        Console.WriteLine(text);
        StringAssert.Contains(text, "AuthenticateFactoryPicc");
        StringAssert.Contains(text, "ChangePiccMasterKey");
        StringAssert.Contains(text, "presenting it again");
        StringAssert.Contains(text, "PICC master key: AES");
    }
}
