namespace LeoCarte.Terminal.Storage
{
    /// <summary>
    /// Flash storage as named files, the seam between portable code and the device's file system
    /// (nanoFramework System.IO.FileSystem on the ESP32 internal flash, drive I:). Every mutating call is one
    /// "write" for crash testing: when it returns, its effect is durable; if power is cut during it, an
    /// append or write may be torn (a prefix of its bytes reached flash), and a <see cref="Replace"/> or
    /// <see cref="Delete"/> either happened or did not. Names are short flat names (no directories).
    /// Reads return the number of bytes read (0 past the end, never an exception for a missing file).
    /// </summary>
    public interface IFileStore
    {
        /// <summary>Length in bytes, or -1 when the file does not exist.</summary>
        int Length(string name);

        /// <summary>Reads up to <paramref name="count"/> bytes at <paramref name="position"/>; returns the number read.</summary>
        int Read(string name, int position, byte[] buffer, int offset, int count);

        /// <summary>Appends bytes at the end, creating the file if needed.</summary>
        void Append(string name, byte[] data, int offset, int count);

        /// <summary>Overwrites bytes at <paramref name="position"/> (≤ length), extending the file if needed.</summary>
        void Write(string name, int position, byte[] data, int offset, int count);

        /// <summary>Cuts the file to <paramref name="length"/> bytes.</summary>
        void Truncate(string name, int length);

        /// <summary>Atomically makes <paramref name="target"/> the content of <paramref name="source"/> and removes source.</summary>
        void Replace(string source, string target);

        /// <summary>Removes the file if it exists.</summary>
        void Delete(string name);
    }
}
