namespace LeoCarte.Terminal.Sync
{
    /// <summary>Where the wall-clock time last came from.</summary>
    public enum ClockSource
    {
        /// <summary>Not set since boot: the ESP32 starts at 1970 (or whatever the RTC kept), so times are untrusted.</summary>
        None = 0,
        /// <summary>SNTP (nanoFramework.Networking.Sntp) has set the system time.</summary>
        Sntp = 1,
        /// <summary>Taken from the gateway's X-LeoCarte-Time header (SNTP blocked or not answered yet).</summary>
        Gateway = 2,
    }
}
