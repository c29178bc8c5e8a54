using System;
using System.Collections;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.Tests.Sync
{
    /// <summary>A clock hardware that moves only when the test says so.</summary>
    public sealed class TestClockHardware : IClockHardware
    {
        public DateTime Utc;
        public long Monotonic;
        public int SetCount;

        public TestClockHardware(DateTime utc)
        {
            Utc = utc;
        }

        public DateTime UtcNow => Utc;

        public long MonotonicMilliseconds => Monotonic;

        public void SetUtc(DateTime utc)
        {
            Utc = utc;
            SetCount++;
        }

        public void AdvanceMilliseconds(long ms)
        {
            Monotonic += ms;
            Utc = Utc.AddTicks(ms * TimeSpan.TicksPerMillisecond);
        }
    }

    /// <summary>A scripted response: status, headers, and a body that can be cut after some bytes.</summary>
    public sealed class FakeResponse : IHttpResponse
    {
        public int Status;
        public byte[] Body;
        public long DeclaredLength = -2; // -2: the body's length
        public int FailAfterBytes = -1;  // read returns -1 once this many bytes were delivered
        public string TimeHeader;
        public int Position;
        public bool Closed;

        /// <summary>X-LeoCarte-Proof of a 204 (set by <see cref="ScriptedTransport"/> as the gateway would, or by a test).</summary>
        public string ProofHeader;

        /// <summary>False: the transport leaves this 204 unsigned (an old gateway, a forged or replayed answer).</summary>
        public bool Prove = true;

        public FakeResponse(int status, byte[] body)
        {
            Status = status;
            Body = body;
        }

        public int StatusCode => Status;

        public long ContentLength => DeclaredLength == -2 ? (Body == null ? 0 : Body.Length) : DeclaredLength;

        public string Header(string name)
        {
            if (name == RequestSigner.ProofHeader)
            {
                return ProofHeader;
            }

            return name == SyncEngine.TimeHeader ? TimeHeader : null;
        }

        public int Read(byte[] buffer, int offset, int count)
        {
            if (FailAfterBytes >= 0 && Position >= FailAfterBytes)
            {
                return -1;
            }

            int available = Body == null ? 0 : Body.Length - Position;
            if (FailAfterBytes >= 0 && FailAfterBytes - Position < available)
            {
                available = FailAfterBytes - Position;
            }

            int n = count < available ? count : available;
            if (n > 0)
            {
                Array.Copy(Body, Position, buffer, offset, n);
                Position += n;
            }

            return n;
        }

        public void Close()
        {
            Closed = true;
        }
    }

    /// <summary>Answers requests from a script, in order; records every request sent.</summary>
    public sealed class ScriptedTransport : IHttpTransport
    {
        private readonly ArrayList script = new ArrayList();
        public readonly ArrayList Paths = new ArrayList();
        public readonly ArrayList Bodies = new ArrayList();
        public readonly ArrayList Timestamps = new ArrayList();

        /// <summary>Queues a response.</summary>
        public void Then(FakeResponse response)
        {
            script.Add(response);
        }

        /// <summary>Queues a transport failure.</summary>
        public void ThenFail(TransportResult result)
        {
            script.Add(result);
        }

        public int Remaining => script.Count;

        /// <summary>When set, a 204 gets the gateway's proof (Gateway/API.md) under <see cref="ProofSecret"/> for the request it answers.</summary>
        public IMacFunction ProofMac;
        public byte[] ProofSecret;
        public string ProofTerminalId = "T1";

        /// <summary>The proof for ?have=&amp;db=&amp;nonce= of this request, written independently of RequestSigner.</summary>
        public string UpToDateProof(string pathAndQuery, string time)
        {
            string text = "LCUP\n" + ProofTerminalId + "\n" + QueryValue(pathAndQuery, "db") + "\n" + QueryValue(pathAndQuery, "have")
                + "\n" + (time == null ? "" : time) + "\n" + QueryValue(pathAndQuery, "nonce");
            byte[] bytes = new byte[text.Length];
            Ascii.Write(text, bytes, 0);
            byte[] mac = new byte[32];
            ProofMac.HmacSha256(ProofSecret, bytes, 0, bytes.Length, mac);
            return Ascii.ToHex(mac, 0, 32);
        }

        private static string QueryValue(string pathAndQuery, string name)
        {
            int at = pathAndQuery.IndexOf("?" + name + "=");
            if (at < 0)
            {
                at = pathAndQuery.IndexOf("&" + name + "=");
            }

            if (at < 0)
            {
                return "";
            }

            int start = at + name.Length + 2;
            int end = pathAndQuery.IndexOf('&', start);
            return end < 0 ? pathAndQuery.Substring(start) : pathAndQuery.Substring(start, end - start);
        }

        public TransportResult Send(HttpRequest request, out IHttpResponse response)
        {
            Paths.Add(request.Method + " " + request.PathAndQuery);
            byte[] body = new byte[request.BodyCount];
            if (request.BodyCount > 0)
            {
                Array.Copy(request.Body, request.BodyOffset, body, 0, request.BodyCount);
            }

            Bodies.Add(body);
            for (int i = 0; i < request.HeaderCount; i++)
            {
                if (request.HeaderName(i) == RequestSigner.TimestampHeader)
                {
                    Timestamps.Add(request.HeaderValue(i));
                }
            }

            response = null;
            if (script.Count == 0)
            {
                return TransportResult.ConnectFailed;
            }

            object next = script[0];
            script.RemoveAt(0);
            if (next is FakeResponse)
            {
                FakeResponse fake = (FakeResponse)next;
                if (fake.Status == 204 && fake.Prove && ProofMac != null && fake.ProofHeader == null)
                {
                    fake.ProofHeader = UpToDateProof(request.PathAndQuery, fake.TimeHeader);
                }

                response = fake;
                return TransportResult.Ok;
            }

            return (TransportResult)next;
        }
    }

    /// <summary>Collects list bytes; accepts or rejects at Commit as told.</summary>
    public sealed class RecordingListSink : IListUpdateSink
    {
        public long Version;
        public int Begins;
        public int Commits;
        public int Aborts;
        public int Received;
        public int LargestWrite;
        public bool RejectAtCommit;
        public bool RejectWrites;
        public bool SnapshotNeeded;

        public long CurrentVersion => Version;

        public long DatabaseId;

        public long CurrentDatabaseId => DatabaseId;

        public string LastError { get; private set; }

        public bool NeedsSnapshot => SnapshotNeeded;

        public bool Begin()
        {
            Begins++;
            Received = 0;
            return true;
        }

        public bool Write(byte[] data, int offset, int count)
        {
            if (RejectWrites)
            {
                LastError = "BadMagic";
                return false;
            }

            Received += count;
            if (count > LargestWrite)
            {
                LargestWrite = count;
            }

            return true;
        }

        public bool Commit()
        {
            Commits++;
            if (RejectAtCommit)
            {
                LastError = "BadSignature";
                return false;
            }

            Version++;
            LastError = null;
            return true;
        }

        public void Abort()
        {
            Aborts++;
        }
    }

    /// <summary>An in-RAM journal of 16-byte records whose first 8 bytes are the sequence (little-endian).</summary>
    public sealed class FakeJournal : IJournalUploadSource
    {
        public const int RecordSize = 16;
        public long LastSequence;
        public long Acknowledged;
        public int AcknowledgeCalls;

        public void Append(int count)
        {
            LastSequence += count;
        }

        public int PendingCount => (int)(LastSequence - Acknowledged);

        public void ReadBatch(byte[] buffer, int offset, int capacity, JournalBatch batch)
        {
            batch.Clear();
            long sequence = Acknowledged + 1;
            int p = offset;
            while (sequence <= LastSequence && p + RecordSize <= offset + capacity)
            {
                for (int i = 0; i < RecordSize; i++)
                {
                    buffer[p + i] = i < 8 ? (byte)(sequence >> (8 * i)) : (byte)0xA5;
                }

                if (batch.Count == 0)
                {
                    batch.FirstSequence = sequence;
                }

                batch.LastSequence = sequence;
                batch.CoveredThroughSequence = sequence;
                batch.Count++;
                p += RecordSize;
                sequence++;
            }

            batch.Length = p - offset;
        }

        public void Acknowledge(long upToSequence)
        {
            AcknowledgeCalls++;
            if (upToSequence > Acknowledged)
            {
                Acknowledged = upToSequence > LastSequence ? LastSequence : upToSequence;
            }
        }
    }

    /// <summary>Not a hash: deterministic bytes so signing code paths run without a crypto dependency.</summary>
    public sealed class TestHasher : IMessageHasher
    {
        public void Sha256(byte[] data, int offset, int count, byte[] output)
        {
            Fill(null, data, offset, count, output);
        }

        public void HmacSha256(byte[] key, byte[] data, int offset, int count, byte[] output)
        {
            Fill(key, data, offset, count, output);
        }

        private static void Fill(byte[] key, byte[] data, int offset, int count, byte[] output)
        {
            uint h = 2166136261;
            if (key != null)
            {
                for (int i = 0; i < key.Length; i++)
                {
                    h = (h ^ key[i]) * 16777619;
                }
            }

            for (int i = 0; i < count; i++)
            {
                h = (h ^ data[offset + i]) * 16777619;
            }

            for (int i = 0; i < 32; i++)
            {
                h = (h ^ (uint)i) * 16777619;
                output[i] = (byte)h;
            }
        }
    }

    /// <summary>A network link whose state the test sets.</summary>
    public sealed class TestLink : INetworkLink
    {
        public bool Up;
        public bool ConnectSucceeds;
        public int Connects;

        public bool IsUp => Up;

        public bool Connect()
        {
            Connects++;
            if (ConnectSucceeds)
            {
                Up = true;
            }

            return ConnectSucceeds;
        }
    }

    /// <summary>Builds an engine wired to fakes.</summary>
    public sealed class SyncRig
    {
        public readonly TestClockHardware Hardware;
        public readonly SyncedClock Clock;
        public readonly ScriptedTransport Transport = new ScriptedTransport();
        public readonly RecordingListSink List = new RecordingListSink();
        public readonly FakeJournal Journal = new FakeJournal();
        public readonly SyncOptions Options = new SyncOptions();
        public SyncEngine Engine;

        public SyncRig()
        {
            Hardware = new TestClockHardware(new DateTime(2026, 11, 26, 12, 0, 0));
            Clock = new SyncedClock(Hardware);
            Clock.ReportSntpTime();
        }

        public SyncEngine Build(WifiSupervisor wifi)
        {
            RequestSigner signer = new RequestSigner("T1", new byte[32], new TestHasher());
            Transport.ProofMac = new TestHasher();
            Transport.ProofSecret = new byte[32];
            Engine = new SyncEngine(Transport, signer, Clock, List, null, Journal, wifi, Options, ReaderOk, 12345);
            return Engine;
        }

        private static string ReaderOk()
        {
            return "ok";
        }

        /// <summary>Steps until the cycle ends (bounded); returns the final step result.</summary>
        public SyncStepResult RunCycle()
        {
            for (int i = 0; i < 10000; i++)
            {
                SyncStepResult result = Engine.Step();
                if (result != SyncStepResult.Working)
                {
                    return result;
                }
            }

            return SyncStepResult.Working;
        }

        public static FakeResponse Ok(string json)
        {
            byte[] body = new byte[json.Length];
            Ascii.Write(json, body, 0);
            return new FakeResponse(200, body);
        }

        public static FakeResponse NoContent()
        {
            return new FakeResponse(204, null);
        }
    }
}
