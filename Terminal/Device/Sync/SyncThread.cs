// Device-only (System.Threading in nanoFramework mscorlib): not part of the host or conformance builds.
using System;
using System.Threading;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.Device.Sync
{
    /// <summary>
    /// Runs the sync engine on its own thread so the tap loop never waits for Wi-Fi, TLS or a download: the
    /// engine is stepped in a loop and the thread sleeps while nothing is due (at most 1 s at a time, so
    /// RequestSyncNow is served promptly). The tap thread and this thread share only the allowlist store, the
    /// journal and the decision engine, which lock internally.
    /// </summary>
    public sealed class SyncThread
    {
        private readonly SyncEngine engine;
        private readonly SntpTimeSource sntp;
        private readonly WifiSupervisor wifi;
        private readonly SyncedClock clock;
        private Thread thread;
        private bool stopping;

        public SyncThread(SyncEngine engine, SntpTimeSource sntp, WifiSupervisor wifi, SyncedClock clock)
        {
            this.engine = engine;
            this.sntp = sntp;
            this.wifi = wifi;
            this.clock = clock;
        }

        public void Start()
        {
            stopping = false;
            thread = new Thread(Run);
            thread.Priority = ThreadPriority.BelowNormal;
            thread.Start();
        }

        public void Stop()
        {
            stopping = true;
        }

        private void Run()
        {
            while (!stopping)
            {
                try
                {
                    long now = clock.MonotonicMilliseconds;
                    if (sntp != null)
                    {
                        sntp.Poll(wifi == null || wifi.State == LinkState.Up, now);
                    }

                    SyncStepResult result = engine.Step();
                    if (result == SyncStepResult.Working)
                    {
                        continue;
                    }

                    long wait = engine.MillisecondsUntilDue();
                    Thread.Sleep(wait > 1000 ? 1000 : (wait < 10 ? 10 : (int)wait));
                }
                catch (Exception)
                {
                    // The engine turns failures into results; this guards the thread against the unexpected
                    // (out of memory) so sync resumes instead of dying silently.
                    Thread.Sleep(1000);
                }
            }
        }
    }
}
