#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System;
using LeoCarte.Terminal.Sync;
using LeoCarte.Terminal.Time;
using LeoCarte.Terminal.Tests.Support;

namespace LeoCarte.Terminal.Tests.Sync
{
    /// <summary>The sync state machine stepped deterministically over scripted HTTP answers.</summary>
    [TestClass]
    public class SyncEngineTests
    {
        [TestMethod]
        public void SyncsAtBootThenWaitsOneInterval()
        {
            SyncRig rig = new SyncRig();
            rig.Build(null);
            rig.Transport.Then(SyncRig.NoContent());
            rig.Transport.Then(SyncRig.Ok("{}"));

            ExpectEnum.Equal(SyncStepResult.CycleCompleted, rig.RunCycle());
            Assert.IsTrue(((string)rig.Transport.Paths[0]).StartsWith("GET /api/v1/terminals/T1/list?have=0&db="), (string)rig.Transport.Paths[0]);
            Assert.AreEqual("POST /api/v1/terminals/T1/heartbeat", (string)rig.Transport.Paths[1]);
            Assert.AreEqual(60000L, rig.Engine.MillisecondsUntilDue());

            rig.Hardware.AdvanceMilliseconds(59999);
            ExpectEnum.Equal(SyncStepResult.Idle, rig.Engine.Step());
            rig.Hardware.AdvanceMilliseconds(1);
            rig.Transport.Then(SyncRig.NoContent());
            rig.Transport.Then(SyncRig.Ok("{}"));
            ExpectEnum.Equal(SyncStepResult.CycleCompleted, rig.RunCycle());
            Assert.AreEqual(2, rig.Engine.Statistics.CyclesCompleted);
        }

        [TestMethod]
        public void AnOutOfRangeTimeHeaderIsIgnoredAndTheCycleCompletes()
        {
            // Year 10000 and long.MaxValue: the clamped conversion (Time/UnixTime) never throws, the clock ignores
            // them, and the exchange succeeds instead of failing and retrying every second forever.
            string[] headers = new string[] { "253402300800", "999999999999999999" };
            for (int i = 0; i < headers.Length; i++)
            {
                SyncRig rig = new SyncRig();
                rig.Build(null);
                FakeResponse list = SyncRig.NoContent();
                list.TimeHeader = headers[i];
                FakeResponse heartbeat = SyncRig.Ok("{}");
                heartbeat.TimeHeader = headers[i];
                rig.Transport.Then(list);
                rig.Transport.Then(heartbeat);

                ExpectEnum.Equal(SyncStepResult.CycleCompleted, rig.RunCycle(), headers[i]);
                Assert.AreEqual(0, rig.Engine.Statistics.CyclesFailed, headers[i]);
                Assert.AreEqual(60000L, rig.Engine.MillisecondsUntilDue(), headers[i]);
                Assert.AreEqual(2026, rig.Clock.UtcNow.Year, headers[i]);
            }
        }

        [TestMethod]
        public void AnUnsyncedClockIsNotSetFromAnOutOfRangeTimeHeader()
        {
            TestClockHardware hardware = new TestClockHardware(new DateTime(2026, 11, 26, 12, 0, 0));
            SyncedClock clock = new SyncedClock(hardware);
            Assert.IsFalse(clock.OfferGatewayTime(UnixTime.MaxSeconds + 1));
            Assert.IsFalse(clock.OfferGatewayTime(long.MaxValue));
            Assert.IsFalse(clock.IsSynced);
            Assert.IsTrue(clock.OfferGatewayTime(UnixTime.ToSeconds(new DateTime(2026, 11, 26, 12, 5, 0))));
            Assert.IsTrue(clock.IsSynced);
        }

        [TestMethod]
        public void ListIsStreamedThroughOneSmallBufferAndCommittedOnce()
        {
            SyncRig rig = new SyncRig();
            rig.Options.ChunkSize = 512;
            rig.Build(null);
            byte[] list = new byte[10000];
            for (int i = 0; i < list.Length; i++)
            {
                list[i] = (byte)i;
            }

            rig.Transport.Then(new FakeResponse(200, list));
            rig.Transport.Then(SyncRig.Ok("{}"));
            ExpectEnum.Equal(SyncStepResult.CycleCompleted, rig.RunCycle());
            Assert.AreEqual(10000, rig.List.Received);
            Assert.IsTrue(rig.List.LargestWrite <= 512);
            Assert.AreEqual(1, rig.List.Commits);
            Assert.AreEqual(0, rig.List.Aborts);
            Assert.AreEqual(1L, rig.List.CurrentVersion);
            Assert.AreEqual(1, rig.Engine.Statistics.ListsApplied);
        }

        [TestMethod]
        public void DownloadCutMidBodyAbortsTheUpdateAndBacksOff()
        {
            SyncRig rig = new SyncRig();
            rig.Build(null);
            FakeResponse cut = new FakeResponse(200, new byte[8000]);
            cut.FailAfterBytes = 3000;
            rig.Transport.Then(cut);

            ExpectEnum.Equal(SyncStepResult.CycleFailed, rig.RunCycle());
            Assert.AreEqual(0, rig.List.Commits);
            Assert.AreEqual(1, rig.List.Aborts);
            Assert.AreEqual(0L, rig.List.CurrentVersion);
            Assert.IsTrue(cut.Closed);
            long wait = rig.Engine.MillisecondsUntilDue();
            Assert.IsTrue(wait >= 2500 && wait <= 5000, "first retry within [base/2, base]: " + wait.ToString());
        }

        [TestMethod]
        public void BodyShorterThanItsContentLengthIsNotCommitted()
        {
            SyncRig rig = new SyncRig();
            rig.Build(null);
            FakeResponse shortBody = new FakeResponse(200, new byte[1000]);
            shortBody.DeclaredLength = 4000;
            rig.Transport.Then(shortBody);

            ExpectEnum.Equal(SyncStepResult.CycleFailed, rig.RunCycle());
            Assert.AreEqual(0, rig.List.Commits);
            Assert.AreEqual(1, rig.List.Aborts);
            Assert.AreEqual("list: truncated", rig.Engine.Statistics.LastError);
        }

        [TestMethod]
        public void RejectedListKeepsTheJournalAndHeartbeatGoingButCountsAsFailure()
        {
            SyncRig rig = new SyncRig();
            rig.Build(null);
            rig.List.RejectAtCommit = true;
            rig.Journal.Append(2);
            rig.Transport.Then(new FakeResponse(200, new byte[300]));
            rig.Transport.Then(SyncRig.Ok("{\"ackedUpTo\": 2}"));
            rig.Transport.Then(SyncRig.Ok("{}"));

            ExpectEnum.Equal(SyncStepResult.CycleFailed, rig.RunCycle());
            Assert.AreEqual(1, rig.Engine.Statistics.ListsRejected);
            Assert.AreEqual(2L, rig.Journal.Acknowledged);
            Assert.AreEqual(1, rig.Engine.Statistics.HeartbeatsSent);
            Assert.AreEqual(0L, rig.List.CurrentVersion);
            Assert.IsTrue(rig.Engine.MillisecondsUntilDue() <= 5000);
        }

        [TestMethod]
        public void OnlyAProvenUpToDateConfirmsTheList()
        {
            SyncRig rig = new SyncRig();
            rig.Build(null);
            rig.List.Version = 41;
            rig.List.DatabaseId = 0x0DB0;
            int confirmations = 0;
            rig.Engine.ListConfirmed = delegate { confirmations++; };

            // The gateway's proof for this request: confirmed, the cycle completes.
            FakeResponse proven = SyncRig.NoContent();
            proven.TimeHeader = "1795000000";
            rig.Transport.Then(proven);
            rig.Transport.Then(SyncRig.Ok("{}"));
            ExpectEnum.Equal(SyncStepResult.CycleCompleted, rig.RunCycle());
            Assert.AreEqual(1, confirmations);
            Assert.AreEqual(1795000000L, rig.Engine.Statistics.LastProvenGatewayTime);
            string firstRequest = ((string)rig.Transport.Paths[0]).Substring(4);

            // That same answer replayed to the next request (another nonce): not a confirmation, reported.
            rig.Hardware.AdvanceMilliseconds(60000);
            FakeResponse replayed = SyncRig.NoContent();
            replayed.TimeHeader = "1795000000";
            replayed.ProofHeader = rig.Transport.UpToDateProof(firstRequest, "1795000000");
            rig.Transport.Then(replayed);
            rig.Transport.Then(SyncRig.Ok("{}"));
            ExpectEnum.Equal(SyncStepResult.CycleFailed, rig.RunCycle());
            Assert.AreEqual(1, confirmations, "a replayed 204 does not reset staleness");
            Assert.AreEqual(1, rig.Engine.Statistics.UpToDateUnproven);
            Assert.AreEqual("list: up-to-date answer without a valid proof", rig.Engine.Statistics.LastError);
            Assert.IsFalse(((string)rig.Transport.Paths[2]).Substring(4) == firstRequest, "every request has its own nonce");

            // An unsigned 204 (an old gateway, or the network answering for it).
            rig.Hardware.AdvanceMilliseconds(rig.Engine.MillisecondsUntilDue());
            FakeResponse unsigned = SyncRig.NoContent();
            unsigned.Prove = false;
            rig.Transport.Then(unsigned);
            rig.Transport.Then(SyncRig.Ok("{}"));
            ExpectEnum.Equal(SyncStepResult.CycleFailed, rig.RunCycle());
            Assert.AreEqual(1, confirmations);
            Assert.AreEqual(2, rig.Engine.Statistics.UpToDateUnproven);
        }

        [TestMethod]
        public void NeedsSnapshotAsksForHaveZero()
        {
            SyncRig rig = new SyncRig();
            rig.Build(null);
            rig.List.Version = 7;
            rig.List.SnapshotNeeded = true;
            rig.Transport.Then(SyncRig.NoContent());
            rig.Transport.Then(SyncRig.Ok("{}"));
            rig.RunCycle();
            Assert.IsTrue(((string)rig.Transport.Paths[0]).StartsWith("GET /api/v1/terminals/T1/list?have=0&db="), (string)rig.Transport.Paths[0]);
        }

        [TestMethod]
        public void JournalIsTrimmedOnlyAfterTheGatewayAcknowledges()
        {
            SyncRig rig = new SyncRig();
            rig.Options.UploadBufferSize = 4 * FakeJournal.RecordSize;
            rig.Build(null);
            rig.Journal.Append(10);

            // Cycle 1: list up to date, first batch (1..4) stored, second batch: connection lost before the answer.
            rig.Transport.Then(SyncRig.NoContent());
            rig.Transport.Then(SyncRig.Ok("{\"ackedUpTo\":4}"));
            rig.Transport.ThenFail(TransportResult.ConnectFailed);
            ExpectEnum.Equal(SyncStepResult.CycleFailed, rig.RunCycle());
            Assert.AreEqual(4L, rig.Journal.Acknowledged);

            // Cycle 2 (after the backoff): batch 5..8 is sent again, then 9..10.
            rig.Hardware.AdvanceMilliseconds(rig.Engine.MillisecondsUntilDue());
            rig.Transport.Then(SyncRig.NoContent());
            rig.Transport.Then(SyncRig.Ok("{\"ackedUpTo\":8}"));
            rig.Transport.Then(SyncRig.Ok("{\"ackedUpTo\":10}"));
            rig.Transport.Then(SyncRig.Ok("{}"));
            ExpectEnum.Equal(SyncStepResult.CycleCompleted, rig.RunCycle());
            Assert.AreEqual(10L, rig.Journal.Acknowledged);
            Assert.AreEqual(0, rig.Journal.PendingCount);

            byte[] resent = (byte[])rig.Transport.Bodies[4];
            Assert.AreEqual(4 * FakeJournal.RecordSize, resent.Length);
            Assert.AreEqual(5, (int)resent[0]);
        }

        [TestMethod]
        public void AcknowledgementBeyondTheBatchTrimsOnlyWhatWasSent()
        {
            SyncRig rig = new SyncRig();
            rig.Options.UploadBufferSize = 2 * FakeJournal.RecordSize;
            rig.Options.MaxBatchesPerCycle = 1;
            rig.Build(null);
            rig.Journal.Append(5);
            rig.Transport.Then(SyncRig.NoContent());
            rig.Transport.Then(SyncRig.Ok("{\"ackedUpTo\":99}"));
            rig.Transport.Then(SyncRig.Ok("{}"));
            rig.RunCycle();
            Assert.AreEqual(2L, rig.Journal.Acknowledged);
        }

        [TestMethod]
        public void MissingOrStaleAcknowledgementTrimsNothing()
        {
            SyncRig rig = new SyncRig();
            rig.Build(null);
            rig.Journal.Append(3);
            rig.Transport.Then(SyncRig.NoContent());
            rig.Transport.Then(SyncRig.Ok("{\"error\":\"busy\"}"));
            ExpectEnum.Equal(SyncStepResult.CycleFailed, rig.RunCycle());
            Assert.AreEqual(0L, rig.Journal.Acknowledged);
            Assert.AreEqual("journal: batch not acknowledged", rig.Engine.Statistics.LastError);
        }

        [TestMethod]
        public void ServerErrorOnJournalKeepsRecords()
        {
            SyncRig rig = new SyncRig();
            rig.Build(null);
            rig.Journal.Append(3);
            rig.Transport.Then(SyncRig.NoContent());
            FakeResponse error = SyncRig.Ok("{\"ackedUpTo\":3}");
            error.Status = 500;
            rig.Transport.Then(error);
            ExpectEnum.Equal(SyncStepResult.CycleFailed, rig.RunCycle());
            Assert.AreEqual(0L, rig.Journal.Acknowledged);
        }

        [TestMethod]
        public void UnsyncedClockTakesTheGatewayTimeFromA401AndRetriesOnce()
        {
            TestClockHardware hardware = new TestClockHardware(new DateTime(1970, 1, 1, 0, 0, 10));
            SyncedClock clock = new SyncedClock(hardware);
            ScriptedTransport transport = new ScriptedTransport();
            transport.ProofMac = new TestHasher();
            transport.ProofSecret = new byte[32];
            RecordingListSink list = new RecordingListSink();
            SyncEngine engine = new SyncEngine(transport, new RequestSigner("T1", new byte[32], new TestHasher()), clock, list, null, null, null, new SyncOptions(), null, 1);
            FakeResponse unauthorized = SyncRig.Ok("{\"error\":\"timestamp\"}");
            unauthorized.Status = 401;
            unauthorized.TimeHeader = "1795000000";
            transport.Then(unauthorized);
            transport.Then(SyncRig.NoContent());
            transport.Then(SyncRig.Ok("{}"));

            SyncStepResult last = SyncStepResult.Working;
            for (int i = 0; i < 100 && last == SyncStepResult.Working; i++)
            {
                last = engine.Step();
            }

            ExpectEnum.Equal(SyncStepResult.CycleCompleted, last);
            Assert.IsTrue(clock.IsSynced);
            ExpectEnum.Equal(ClockSource.Gateway, clock.Source);
            Assert.AreEqual("10", (string)transport.Timestamps[0]);
            Assert.AreEqual("1795000000", (string)transport.Timestamps[1]);
            Assert.AreEqual(1, engine.Statistics.AuthenticationRetries);
        }

        [TestMethod]
        public void ASuspectClockSignsWithTheGatewaysTimeSoSyncGoesOnWithoutMovingTheClockBack()
        {
            // The terminal counts an hour while the gateway says a minute passed: the gateway's time is refused for
            // decisions (clock suspect, the counters keep the terminal's later time) but the request is re-signed
            // with the gateway's time, which is what its 300 s replay window checks; before this the terminal got
            // 401 forever once the two clocks were more than 300 s apart.
            DateTime start = new DateTime(2026, 11, 26, 12, 0, 0);
            TestClockHardware hardware = new TestClockHardware(start);
            SyncedClock clock = new SyncedClock(hardware);
            long gateway = UnixTime.ToSeconds(start);
            Assert.IsTrue(clock.OfferGatewayTime(gateway));
            hardware.AdvanceMilliseconds(3600000);

            ScriptedTransport transport = new ScriptedTransport();
            transport.ProofMac = new TestHasher(); // the 204 carries its proof (trustlists), as the gateway sends it
            transport.ProofSecret = new byte[32];
            SyncEngine engine = new SyncEngine(transport, new RequestSigner("T1", new byte[32], new TestHasher()), clock, new RecordingListSink(), null, null, null, new SyncOptions(), null, 1);
            FakeResponse unauthorized = SyncRig.Ok("{\"error\":\"timestamp\"}");
            unauthorized.Status = 401;
            unauthorized.TimeHeader = (gateway + 60).ToString();
            transport.Then(unauthorized);
            FakeResponse upToDate = SyncRig.NoContent();
            upToDate.TimeHeader = (gateway + 60).ToString();
            transport.Then(upToDate);
            FakeResponse heartbeat = SyncRig.Ok("{}");
            heartbeat.TimeHeader = (gateway + 60).ToString();
            transport.Then(heartbeat);

            SyncStepResult last = SyncStepResult.Working;
            for (int i = 0; i < 100 && last == SyncStepResult.Working; i++)
            {
                last = engine.Step();
            }

            ExpectEnum.Equal(SyncStepResult.CycleCompleted, last);
            Assert.IsTrue(clock.IsSuspect);
            Assert.AreEqual((gateway + 3600).ToString(), (string)transport.Timestamps[0]);
            Assert.AreEqual((gateway + 60).ToString(), (string)transport.Timestamps[1]);
            Assert.AreEqual((gateway + 60).ToString(), (string)transport.Timestamps[2]);
            Assert.AreEqual(1, engine.Statistics.AuthenticationRetries);
            Assert.IsTrue(UnixTime.ToSeconds(clock.UtcNow) >= gateway + 3600, "the decisions' clock never moves back");
        }

        [TestMethod]
        public void HeartbeatReportsStateAsJson()
        {
            SyncRig rig = new SyncRig();
            rig.Build(null);
            rig.Journal.Append(1);
            rig.Options.MaxBatchesPerCycle = 0;
            rig.Transport.Then(SyncRig.NoContent());
            rig.Transport.Then(SyncRig.Ok("{}"));
            rig.RunCycle();
            byte[] body = (byte[])rig.Transport.Bodies[1];
            char[] chars = new char[body.Length];
            for (int i = 0; i < body.Length; i++)
            {
                chars[i] = (char)body[i];
            }

            string json = new string(chars);
            Assert.Contains("\"journalDepth\":1", json);
            Assert.Contains("\"readerHealth\":\"ok\"", json);
            Assert.Contains("\"clockSynced\":true", json);
            Assert.Contains("\"clockState\":\"sntp\"", json);
            Assert.Contains("\"firmware\":\"", json);
            Assert.StartsWith("{", json);
            Assert.EndsWith("}", json);
        }

        [TestMethod]
        public void NoNetworkWaitsForTheWifiSupervisorWithoutCallingTheGateway()
        {
            SyncRig rig = new SyncRig();
            TestLink link = new TestLink();
            WifiSupervisor wifi = new WifiSupervisor(link, 7);
            rig.Build(wifi);

            ExpectEnum.Equal(SyncStepResult.NoNetwork, rig.Engine.Step());
            Assert.AreEqual(0, rig.Transport.Paths.Count);
            Assert.AreEqual(1, link.Connects);
            ExpectEnum.Equal(LinkState.WaitingToRetry, wifi.State);

            link.ConnectSucceeds = true;
            rig.Hardware.AdvanceMilliseconds(rig.Engine.MillisecondsUntilDue());
            rig.Transport.Then(SyncRig.NoContent());
            rig.Transport.Then(SyncRig.Ok("{}"));
            ExpectEnum.Equal(SyncStepResult.CycleCompleted, rig.RunCycle());
            ExpectEnum.Equal(LinkState.Up, wifi.State);

            // The link drops: the next cycle reconnects first.
            link.Up = false;
            rig.Hardware.AdvanceMilliseconds(60000);
            rig.Transport.Then(SyncRig.NoContent());
            rig.Transport.Then(SyncRig.Ok("{}"));
            ExpectEnum.Equal(SyncStepResult.CycleCompleted, rig.RunCycle());
            Assert.AreEqual(1, wifi.Reconnects);
        }
    }
}
