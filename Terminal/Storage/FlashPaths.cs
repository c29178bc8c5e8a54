namespace LeoCarte.Terminal.Storage
{
    /// <summary>
    /// Paths on the ESP32's internal flash file system (nanoFramework System.IO.FileSystem 1.1.93, drive I:).
    /// </summary>
    public static class FlashPaths
    {
        /// <summary>
        /// The root of the internal flash drive, with its backslash. nanoFramework's file system names its drives
        /// "I:\" (internal), "D:\" (SD card); "I:" alone is a drive-relative name that Directory.Exists and
        /// CreateDirectory may reject, and the device opens the store there on the first line of Main.
        /// terminal.conf is I:\terminal.conf.
        /// </summary>
        public const string InternalFlashRoot = "I:\\";

        /// <summary>The path of <paramref name="name"/> in the folder <paramref name="root"/>, with exactly one
        /// backslash between them whether or not the root ends with one ("I:\" or "I:\leocarte").</summary>
        public static string Combine(string root, string name)
        {
            return root.EndsWith("\\") ? root + name : root + "\\" + name;
        }

        /// <summary>True for a drive root such as "I:\" (which always exists and cannot be created).</summary>
        public static bool IsDriveRoot(string root)
        {
            return root.Length == 3 && root[1] == ':' && root[2] == '\\';
        }
    }
}
