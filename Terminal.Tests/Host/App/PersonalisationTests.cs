using System;
using System.IO;
using System.Linq;
using LeoCarte.Simulator.Cards;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Personalisation;
using LeoCarte.Tools.Personalise;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.App;

/// <summary>
/// The card office's personalisation end to end: a blank simulated DESFire personalised by the tool's station (the
/// driver's commands over the simulated MFRC522, the card side written independently) is approved by a terminal under
/// desfire-aes through the real CardReader and site policy; keys rotated by ChangeKey plus a list update announcing the
/// new version keep working, a card left on the retired version is refused; a card pulled away after every single
/// command (personalisation and rotation) is finished by a rerun and never holds a key the plan cannot open; a wrong
/// master or PICC key stops the run with the card unchanged.
/// </summary>
[TestClass]
public class PersonalisationTests
{
    public static readonly byte[] OfficeKey1 = Convert.FromHexString("A0A1A2A3A4A5A6A7A8A9AAABACADAEAF");
    public static readonly byte[] OfficeKey2 = Convert.FromHexString("B0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF");

    public static PersonalisationPlan Plan(int holder, int target = 1, byte[] officeKey1 = null)
    {
        var plan = new PersonalisationPlan
        {
            ApplicationId = (byte[])CardPolicyTests.SiteAid.Clone(),
            SystemId = (byte[])CardPolicyTests.SystemId.Clone(),
            SiteId = AppRig.SiteId,
            HolderKey = holder,
            TargetVersion = target,
        };
        Assert.IsTrue(plan.AddKeys(1, officeKey1 ?? OfficeKey1, CardPolicyTests.MasterKey1));
        Assert.IsTrue(plan.AddKeys(2, OfficeKey2, CardPolicyTests.MasterKey2));
        Assert.IsNull(plan.Problem());
        return plan;
    }

    private static PersonalisationResult Personalise(DesfireCard card, PersonalisationPlan plan, bool rotation = false, TextWriter output = null)
        => new PersonalisationStation(output ?? TextWriter.Null).Run(card, plan, rotation);

    internal static (TapKind Kind, ReasonCode Reason, bool Approved) TapOnce(AppRig rig, VirtualCard card)
    {
        int before = rig.Decisions.Count;
        rig.Wait(TimeSpan.FromSeconds(11));
        rig.Present(25, card);
        var decided = rig.Decisions.Skip(before).Where(d => d.Kind == TapKind.Decided).ToList();
        Assert.AreEqual(1, decided.Count, "one decision per tap");
        return (decided[0].Kind, decided[0].Reason, decided[0].Approved);
    }

    /// <summary>The card's keys are the plan's keys of the versions they carry (version 0: 00..00): someone holding the plan opens it.</summary>
    private static void AssertKeysOpenWithThePlan(DesfireCard card, string context)
    {
        var app = card.Applications.SingleOrDefault(a => a.Aid.SequenceEqual(CardPolicyTests.SiteAid));
        if (app == null)
        {
            return;
        }

        byte[] uid = card.RealUid;
        for (int key = 0; key < 2; key++)
        {
            int version = app.KeyVersions[key];
            byte[] expected = version == 0 ? new byte[16]
                : CardPolicyTests.CardKey(key == 0 ? (version == 1 ? OfficeKey1 : OfficeKey2) : CardPolicyTests.MasterKeyOf(version), uid, CardPolicyTests.SystemId);
            CollectionAssert.AreEqual(expected, app.Keys[key], $"{context}: key {key} is the plan's key of version {version}");
        }
    }

    [TestMethod]
    public void ABlankCardPersonalisedByTheToolIsApprovedUnderDesfireAes()
    {
        var card = VirtualCard.Desfire(AppRig.Enabled1);
        var output = new StringWriter();
        var station = new PersonalisationStation(output);
        Assert.AreEqual(PersonalisationResult.Personalised, station.Run(card, Plan(1), rotation: false), output.ToString());
        Console.WriteLine(output);
        CollectionAssert.AreEqual(
            new[] { PersonalisationStep.SelectPicc, PersonalisationStep.CreateApplication, PersonalisationStep.SelectApplication, PersonalisationStep.ReadKeyVersions,
                PersonalisationStep.AuthenticateMasterKey, PersonalisationStep.LockApplication, PersonalisationStep.ChangeReadKey, PersonalisationStep.ChangeMasterKey, PersonalisationStep.AuthenticateNewMasterKey,
                PersonalisationStep.CreateHolderFile, PersonalisationStep.WriteHolderFile, PersonalisationStep.VerifyHolderFile, PersonalisationStep.VerifyAsTerminal },
            station.Steps.Select(s => s.Step).ToArray());
        Assert.IsTrue(station.Steps.All(s => s.Outcome == StepOutcome.Done));

        var app = card.Applications.Single();
        Assert.AreEqual(PersonalisationPlan.DefaultKeySettings, app.KeySettings);
        CollectionAssert.AreEqual(CardPolicyTests.CardKey(CardPolicyTests.MasterKey1, AppRig.Enabled1, CardPolicyTests.SystemId), app.Keys[1], "key 1 = the terminals' diversified key");
        CollectionAssert.AreNotEqual(app.Keys[1], app.Keys[0], "key 0 comes from the card office's own master key");
        Assert.AreEqual(1, app.KeyVersions[0]);
        Assert.AreEqual(1, app.KeyVersions[1]);
        var file = app.Files[HolderFile.FileNumber];
        Assert.AreEqual(1, file.CommMode);
        Assert.AreEqual((HolderFile.ReadKeyNumber, 0, 0, 0), (file.ReadKey, file.WriteKey, file.ReadWriteKey, file.ChangeKey));
        Assert.IsTrue(HolderFile.Matches(file.Data, 0, 1, AppRig.SiteId));

        var rig = new AppRig(configText: CardPolicyTests.Config("desfire-aes"), listKeyVersion: 1);
        var tap = TapOnce(rig, card);
        Assert.IsTrue(tap.Approved, tap.Reason.ToString());
        Assert.AreEqual(1, rig.App.CardPolicy.LastKeyVersion);
        Assert.AreEqual(1, rig.App.Statistics.ApprovedAuthenticated);

        // A rerun on a finished card changes nothing: every step already done.
        var again = new PersonalisationStation(TextWriter.Null);
        int changes = card.KeyChanges;
        Assert.AreEqual(PersonalisationResult.Personalised, again.Run(card, Plan(1), rotation: false));
        Assert.AreEqual(changes, card.KeyChanges);
        Assert.IsFalse(again.Steps.Any(s => s.Step is PersonalisationStep.CreateApplication or PersonalisationStep.ChangeReadKey or PersonalisationStep.ChangeMasterKey
            or PersonalisationStep.CreateHolderFile or PersonalisationStep.WriteHolderFile && s.Outcome == StepOutcome.Done));
    }

    [TestMethod]
    public void AnEv1CardIsPersonalisedWithAuthenticateAes()
    {
        var card = VirtualCard.Desfire(AppRig.Enabled2);
        card.Generation = DesfireGeneration.Ev1;
        var station = new PersonalisationStation(TextWriter.Null);
        Assert.AreEqual(PersonalisationResult.Personalised, station.Run(card, Plan(2), rotation: false));
        Assert.IsTrue(HolderFile.Matches(card.Applications.Single().Files[1].Data, 0, 2, AppRig.SiteId));
        Assert.IsTrue(station.Last.VerifiedWithEv1, "the terminal-side check says it needed AuthenticateAES");
        var ev2 = new PersonalisationStation(TextWriter.Null);
        Assert.AreEqual(PersonalisationResult.Personalised, ev2.Run(VirtualCard.Desfire(AppRig.Enabled1), Plan(1), rotation: false));
        Assert.IsFalse(ev2.Last.VerifiedWithEv1);

        // At the till: the terminal tries EV2First, the EV1 answers 1Ch, AuthenticateAES proves the key.
        var rig = new AppRig(configText: CardPolicyTests.Config("desfire-aes"), listKeyVersion: 1);
        var tap = TapOnce(rig, card);
        Assert.IsTrue(tap.Approved, tap.Reason.ToString());
        Assert.AreEqual(1, rig.App.Statistics.ApprovedAuthenticated);
    }

    [TestMethod]
    public void KeysRotatedByChangeKeyAndAListUpdateKeepWorkingAndTheRetiredVersionIsRefused()
    {
        var rotated = VirtualCard.Desfire(AppRig.Enabled1);
        var left = VirtualCard.Desfire(AppRig.Enabled2);
        Assert.AreEqual(PersonalisationResult.Personalised, Personalise(rotated, Plan(1)));
        Assert.AreEqual(PersonalisationResult.Personalised, Personalise(left, Plan(2)));
        var rig = new AppRig(configText: CardPolicyTests.Config("desfire-aes"), listKeyVersion: 1);
        Assert.IsTrue(TapOnce(rig, rotated).Approved);
        Assert.IsTrue(TapOnce(rig, left).Approved);

        // The card office rotates one card to version 2 (ChangeKey of keys 1 and 0, version byte of the holder file).
        Assert.AreEqual(PersonalisationResult.Personalised, Personalise(rotated, Plan(1, target: 2), rotation: true));
        var app = rotated.Applications.Single();
        Assert.AreEqual((2, 2), (app.KeyVersions[0], app.KeyVersions[1]));
        Assert.AreEqual(2, app.Files[1].Data[3], "the holder file names the key version");
        Assert.IsTrue(HolderFile.Matches(app.Files[1].Data, 0, 1, AppRig.SiteId), "holder and site kept");
        Assert.AreEqual(ReasonCode.AuthenticationFailed, TapOnce(rig, rotated).Reason, "version 2 is not announced by the list yet: never tried");

        // The list update announces 2 in force, 1 previous.
        CardPolicyTests.ApplyDelta(rig, 2, 1, 2, 1);
        Assert.IsTrue(TapOnce(rig, rotated).Approved);
        Assert.AreEqual(2, rig.App.CardPolicy.LastKeyVersion);
        Assert.IsTrue(TapOnce(rig, left).Approved, "a card still on version 1 answers to the previous version");
        Assert.AreEqual(1, rig.App.CardPolicy.LastKeyVersion);

        // Version 1 retired: the card left on it is refused until the card office rotates it.
        CardPolicyTests.ApplyDelta(rig, 3, 2, 2, 0);
        Assert.AreEqual(ReasonCode.AuthenticationFailed, TapOnce(rig, left).Reason);
        Assert.IsTrue(TapOnce(rig, rotated).Approved);
        Assert.AreEqual(PersonalisationResult.Personalised, Personalise(left, Plan(2, target: 2), rotation: true));
        Assert.IsTrue(TapOnce(rig, left).Approved);
        Assert.AreEqual(2, rig.App.CardPolicy.LastKeyVersion);
    }

    [TestMethod]
    public void ACardPulledAwayAfterAnyCommandIsFinishedByARerun()
    {
        // How many commands a clean run takes, then a tear after each one of them, personalisation and rotation.
        var reference = VirtualCard.Desfire(AppRig.Enabled1);
        Assert.AreEqual(PersonalisationResult.Personalised, Personalise(reference, Plan(1)));
        int personaliseCommands = reference.CommandsProcessed;
        int before = reference.CommandsProcessed;
        Assert.AreEqual(PersonalisationResult.Personalised, Personalise(reference, Plan(1, target: 2), rotation: true));
        int rotateCommands = reference.CommandsProcessed - before;

        int cases = 0, lost = 0, reruns = 0;
        foreach (bool rotation in new[] { false, true })
        {
            int commands = rotation ? rotateCommands : personaliseCommands;
            for (int tear = 1; tear <= commands; tear++)
            {
                var card = VirtualCard.Desfire(AppRig.Enabled1);
                if (rotation)
                {
                    Assert.AreEqual(PersonalisationResult.Personalised, Personalise(card, Plan(1)));
                }

                var plan = Plan(1, target: rotation ? 2 : 1);
                card.TearAfterCommands = card.CommandsProcessed + tear;
                var station = new PersonalisationStation(TextWriter.Null);
                PersonalisationResult first = station.Run(card, plan, rotation);
                string context = $"{(rotation ? "rotation" : "personalisation")}, card pulled after command {tear} of {commands} ({station.Last?.LastStep})";
                Assert.IsTrue(card.Torn, context + ": the tear happened");
                Assert.AreEqual(PersonalisationResult.CardLost, first, context + ": the run says the card was lost");
                AssertKeysOpenWithThePlan(card, context);
                var app = card.Applications.SingleOrDefault();
                if (app != null)
                {
                    // What the run reports about the keys is true (or says it does not know).
                    Assert.IsTrue(station.Last.KeyVersion0 < 0 || station.Last.KeyVersion0 == app.KeyVersions[0], context + ": key 0 version reported");
                    Assert.IsTrue(station.Last.KeyVersion1 < 0 || station.Last.KeyVersion1 == app.KeyVersions[1], context + ": key 1 version reported");
                }

                lost++;
                card.ReturnToField();
                PersonalisationResult rerun = station.Run(card, plan, rotation);
                reruns++;
                Assert.AreEqual(PersonalisationResult.Personalised, rerun, context + ": the rerun finishes");
                app = card.Applications.Single();
                Assert.AreEqual((plan.TargetVersion, plan.TargetVersion), (app.KeyVersions[0], app.KeyVersions[1]), context);
                AssertKeysOpenWithThePlan(card, context);
                Assert.IsTrue(HolderFile.Matches(app.Files[1].Data, 0, 1, AppRig.SiteId), context);
                Assert.AreEqual(plan.TargetVersion, app.Files[1].Data[3], context);
                Assert.AreEqual(PersonalisationPlan.DefaultKeySettings, app.KeySettings, context + ": application key settings");
                cases++;
            }
        }

        Console.WriteLine($"tears: {cases} cases ({personaliseCommands} commands of a personalisation, {rotateCommands} of a rotation), {lost} runs reported CardLost, {reruns} reruns finished the card");
        Assert.AreEqual(personaliseCommands + rotateCommands, cases);
    }

    [TestMethod]
    public void AWrongMasterKeyStopsTheRunAndLeavesTheCardUnchanged()
    {
        var card = VirtualCard.Desfire(AppRig.Enabled1);
        Assert.AreEqual(PersonalisationResult.Personalised, Personalise(card, Plan(1)));
        var app = card.Applications.Single();
        var keys = app.Keys.Select(k => k?.ToArray()).ToArray();
        var versions = app.KeyVersions.ToArray();
        byte[] file = app.Files[1].Data.ToArray();
        int changes = card.KeyChanges;

        // The office key of version 1 mistyped, and a rotation attempt with it.
        byte[] wrong = (byte[])OfficeKey1.Clone();
        wrong[15] ^= 1;
        var station = new PersonalisationStation(TextWriter.Null);
        Assert.AreEqual(PersonalisationResult.WrongMasterKey, station.Run(card, Plan(1, target: 2, officeKey1: wrong), rotation: true));
        Assert.AreEqual(PersonalisationStep.AuthenticateMasterKey, station.Last.LastStep);
        Assert.AreEqual(PersonalisationResult.WrongMasterKey, Personalise(card, Plan(7, officeKey1: wrong)));
        Assert.AreEqual(changes, card.KeyChanges, "no key changed");
        for (int i = 0; i < keys.Length; i++)
        {
            CollectionAssert.AreEqual(keys[i], app.Keys[i], "key " + i);
        }

        CollectionAssert.AreEqual(versions, app.KeyVersions);
        CollectionAssert.AreEqual(file, app.Files[1].Data);

        // Keys of a version the plan does not hold: stopped before any authentication.
        app.KeyVersions[1] = 9;
        var unknown = new PersonalisationStation(TextWriter.Null);
        Assert.AreEqual(PersonalisationResult.UnknownKeyVersion, unknown.Run(card, Plan(1), rotation: false));
        Assert.AreEqual(changes, card.KeyChanges);
    }

    [TestMethod]
    public void APiccMasterKeyIsNeededWhenThePiccSettingsForbidFreeCreation()
    {
        byte[] picc = Convert.FromHexString("C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF");
        DesfireCard Locked() { var c = VirtualCard.Desfire(AppRig.Enabled1); c.PiccMasterKey = picc; c.PiccKeySettings = 0x0B; return c; }

        var card = Locked();
        Assert.AreEqual(PersonalisationResult.PiccKeyRefused, Personalise(card, Plan(1)), "no PICC key in the plan");
        Assert.AreEqual(0, card.Applications.Count);

        var plan = Plan(1);
        plan.PiccMasterKey = Convert.FromHexString("C0C1C2C3C4C5C6C7C8C9CACBCCCDCEC0");
        Assert.AreEqual(PersonalisationResult.PiccKeyRefused, Personalise(card, plan), "a wrong PICC key");
        Assert.AreEqual(0, card.Applications.Count);

        plan.PiccMasterKey = (byte[])picc.Clone();
        Assert.AreEqual(PersonalisationResult.Personalised, Personalise(card, plan));

        // A factory card (DES PICC key, free creation) needs no PICC key; an AES PICC key given for it is refused.
        var factory = VirtualCard.Desfire(AppRig.Enabled2);
        Assert.AreEqual(PersonalisationResult.PiccKeyRefused, Personalise(factory, plan));
        Assert.AreEqual(PersonalisationResult.Personalised, Personalise(factory, Plan(2)));
    }

    [TestMethod]
    public void AHolderFileWithOtherSettingsIsNotWrittenInto()
    {
        var card = VirtualCard.Desfire(AppRig.Enabled1);
        Assert.AreEqual(PersonalisationResult.Personalised, Personalise(card, Plan(1)));
        var file = card.Applications.Single().Files[1];
        byte[] before = file.Data.ToArray();

        // Same file, created again by the rerun: DUPLICATE_ERROR, its settings read and found to be the plan's.
        file.Data[5] ^= 0xFF;
        var station = new PersonalisationStation(TextWriter.Null);
        Assert.AreEqual(PersonalisationResult.Personalised, station.Run(card, Plan(1), rotation: false));
        CollectionAssert.AreEqual(before, file.Data, "rewritten");
        Assert.IsTrue(station.Steps.Any(s => s.Step == PersonalisationStep.WriteHolderFile && s.Outcome == StepOutcome.Done));

        // A file readable in plain by anyone (another tool's): left alone, said so.
        file.CommMode = 0;
        file.ReadKey = 0x0E;
        file.Data[5] ^= 0xFF;
        byte[] foreign = file.Data.ToArray();
        Assert.AreEqual(PersonalisationResult.HolderFileMismatch, Personalise(card, Plan(1)));
        CollectionAssert.AreEqual(foreign, file.Data);
    }

    [TestMethod]
    public void RotatingACardThatWasNeverPersonalisedIsRefused()
    {
        Assert.AreEqual(PersonalisationResult.NotPersonalised, Personalise(VirtualCard.Desfire(AppRig.Enabled1), Plan(1, target: 2), rotation: true));
        var plan = Plan(1);
        plan.TargetVersion = 3;
        Assert.AreEqual(PersonalisationResult.InvalidPlan, Personalise(VirtualCard.Desfire(AppRig.Enabled1), plan), "no keys of version 3");
    }

    [TestMethod]
    public void TheToolRunsItsSampleWithATearAndARotation()
    {
        var output = new StringWriter();
        Assert.AreEqual(0, PersonaliseCommand.Run(new[] { "--sample", "--holder", "1", "--tear-after", "12", "--rotate-to", "2" }, output), output.ToString());
        string text = output.ToString();
        Console.WriteLine(text);
        StringAssert.Contains(text, "result: CardLost");
        StringAssert.Contains(text, "presenting it again");
        StringAssert.Contains(text, "key rotation to key version 2");
        StringAssert.Contains(text, "SPI transfers");
        Assert.AreEqual(1, PersonaliseCommand.Run(new[] { "--holder", "1" }, new StringWriter()), "no plan");
    }

    [TestMethod]
    public void ThePlanFilesAreCheckedLineByLine()
    {
        var plan = new PersonalisationPlan();
        Assert.IsNull(PlanFiles.Read(PlanFiles.SamplePlan, PlanFiles.SampleKeys, plan));
        CollectionAssert.AreEqual(CardPolicyTests.SiteAid, plan.ApplicationId, "application as card.application, least significant byte first on the air");
        StringAssert.Contains(PlanFiles.Read("application = 4C43\n", "", new PersonalisationPlan()), "plan line 1");
        StringAssert.Contains(PlanFiles.Read(PlanFiles.SamplePlan, "key = 1 00112233 4455\n", new PersonalisationPlan()), "keys line 1");
        StringAssert.Contains(PlanFiles.Read(PlanFiles.SamplePlan, "key = 1 " + new string('0', 32) + " " + new string('1', 32) + "\n", new PersonalisationPlan()), "all-equal");
        StringAssert.Contains(PlanFiles.Read(PlanFiles.SamplePlan + "key = 1 00\n", PlanFiles.SampleKeys, new PersonalisationPlan()), "belongs in the keys file");
        StringAssert.Contains(PlanFiles.Read(PlanFiles.SamplePlan.Replace("target_version = 1", "target_version = 3"), PlanFiles.SampleKeys, new PersonalisationPlan()), "target key version");

        // Key settings: the plan's lock-down, and settings that would undo it refused.
        Assert.AreEqual((PersonalisationPlan.DefaultKeySettings, PersonalisationPlan.DefaultPiccKeySettings), (plan.KeySettings, plan.PiccKeySettings));
        var amended = new PersonalisationPlan();
        Assert.IsNull(PlanFiles.Read(PlanFiles.SamplePlan + "key_settings = 0B\npicc_key_settings = 09\n", PlanFiles.SampleKeys, amended));
        Assert.AreEqual((0x0B, 0x09), (amended.KeySettings, amended.PiccKeySettings));
        StringAssert.Contains(PlanFiles.Read(PlanFiles.SamplePlan + "picc_key_settings = 0F\n", PlanFiles.SampleKeys, new PersonalisationPlan()), "bit 2 clear");
        StringAssert.Contains(PlanFiles.Read(PlanFiles.SamplePlan + "key_settings = E9\n", PlanFiles.SampleKeys, new PersonalisationPlan()), "key 0 change keys");
        StringAssert.Contains(PlanFiles.Read(PlanFiles.SamplePlan + "key_settings = 08\n", PlanFiles.SampleKeys, new PersonalisationPlan()), "key 0 changeable");
        StringAssert.Contains(PlanFiles.Read(PlanFiles.SamplePlan + "picc_key_settings = 0\n", PlanFiles.SampleKeys, new PersonalisationPlan()), "2 hex digits");
    }
}
