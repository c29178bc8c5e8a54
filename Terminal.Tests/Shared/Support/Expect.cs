// Shared test support: compiled for MSTest on the host and for nanoFramework.TestFramework on the device.
#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System;

namespace LeoCarte.Terminal.Tests.Support
{
    /// <summary>
    /// The one way shared tests assert exceptions: the two frameworks differ here
    /// (Assert.ThrowsException(Type, Action) on nanoFramework, Assert.ThrowsExactly&lt;T&gt; in MSTest 4),
    /// so this helper catches and compares the exact type itself, identically on both.
    /// </summary>
    public static class Expect
    {
        public static void Throws(Type exceptionType, Action action)
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                Assert.IsTrue(e.GetType() == exceptionType, "expected " + exceptionType.Name + " but got " + e.GetType().Name);
                return;
            }

            Assert.IsTrue(false, "expected " + exceptionType.Name + " but nothing was thrown");
        }

        /// <summary>Element-wise comparison of <paramref name="count"/> bytes, with the first differing index in the message.</summary>
        public static void Bytes(byte[] expected, byte[] actual, int actualOffset, int count)
        {
            Assert.IsTrue(actual.Length >= actualOffset + count, "buffer too short");
            for (int i = 0; i < count; i++)
            {
                if (expected[i] != actual[actualOffset + i])
                {
                    Assert.IsTrue(false, "byte " + i + ": expected 0x" + expected[i].ToString("X2") + " got 0x" + actual[actualOffset + i].ToString("X2"));
                }
            }
        }
    }
}
