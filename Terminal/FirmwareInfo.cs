namespace LeoCarte.Terminal
{
    /// <summary>
    /// Identity of the firmware build, reported in heartbeats (Sync) and in the boot self-test report (Diagnostics).
    /// In the root namespace because every layer may name the build it belongs to.
    /// </summary>
    public static class FirmwareInfo
    {
        /// <summary>Product name shown on the debug output.</summary>
        public const string Product = "LeoCarte Terminal";

        /// <summary>Semantic version of the firmware; bump with every release flashed to terminals.</summary>
        public const string Version = "0.1.0";
    }
}
