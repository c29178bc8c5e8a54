// The part of nanoFramework.TestFramework's public API that the shared tests may use, declared so that the
// shared tests (Terminal.Tests/Shared) can be compiled against nanoFramework's mscorlib in Linux CI, where
// the real nanoFramework.TestFramework package does not restore. It is the intersection with MSTest 4 listed
// in shared/design/nanoframework-subset.md: a test that compiles here and for MSTest uses only what both
// frameworks offer. These bodies never run: on the device the real package (Terminal.Tests.nfproj) is used,
// on the host MSTest is. Keep signatures identical to the real package's.
using System;

// The namespace is the real package's (lower-case "nanoFramework"): the naming rule cannot apply to it.
#pragma warning disable IDE1006
namespace nanoFramework.TestFramework
{
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class TestClassAttribute : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TestMethodAttribute : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
    public sealed class DataRowAttribute : Attribute
    {
        public DataRowAttribute(params object[] methodParameters) => MethodParameters = methodParameters;

        public object[] MethodParameters { get; }
    }

    public static class Assert
    {
        private static Exception SurfaceOnly() => new NotSupportedException("API surface for compile checks only");

        public static void AreEqual(object expected, object actual, string message = "") => throw SurfaceOnly();
        public static void AreEqual(bool expected, bool actual, string message = "") => throw SurfaceOnly();
        public static void AreEqual(byte expected, byte actual, string message = "") => throw SurfaceOnly();
        public static void AreEqual(char expected, char actual, string message = "") => throw SurfaceOnly();
        public static void AreEqual(short expected, short actual, string message = "") => throw SurfaceOnly();
        public static void AreEqual(ushort expected, ushort actual, string message = "") => throw SurfaceOnly();
        public static void AreEqual(int expected, int actual, string message = "") => throw SurfaceOnly();
        public static void AreEqual(uint expected, uint actual, string message = "") => throw SurfaceOnly();
        public static void AreEqual(long expected, long actual, string message = "") => throw SurfaceOnly();
        public static void AreEqual(ulong expected, ulong actual, string message = "") => throw SurfaceOnly();
        public static void AreEqual(string expected, string actual, string message = "") => throw SurfaceOnly();
        public static void AreEqual(DateTime expected, DateTime actual, string message = "") => throw SurfaceOnly();
        public static void AreNotEqual(object notExpected, object actual, string message = "") => throw SurfaceOnly();
        public static void AreNotEqual(int notExpected, int actual, string message = "") => throw SurfaceOnly();
        public static void AreNotEqual(long notExpected, long actual, string message = "") => throw SurfaceOnly();
        public static void AreNotEqual(string notExpected, string actual, string message = "") => throw SurfaceOnly();
        public static void IsTrue(bool condition, string message = "") => throw SurfaceOnly();
        public static void IsFalse(bool condition, string message = "") => throw SurfaceOnly();
        public static void IsNull(object value, string message = "") => throw SurfaceOnly();
        public static void IsNotNull(object value, string message = "") => throw SurfaceOnly();
        public static void AreSame(object expected, object actual, string message = "") => throw SurfaceOnly();
        public static void AreNotSame(object notExpected, object actual, string message = "") => throw SurfaceOnly();
        public static void IsInstanceOfType(object value, Type expectedType, string message = "") => throw SurfaceOnly();
        public static void Contains(string expected, string value, string message = "") => throw SurfaceOnly();
        public static void StartsWith(string expected, string value, string message = "") => throw SurfaceOnly();
        public static void EndsWith(string expected, string value, string message = "") => throw SurfaceOnly();
        public static void ThrowsException(Type exceptionType, Action action, string message = "") => throw SurfaceOnly();
    }

    public static class CollectionAssert
    {
        public static void AreEqual(System.Collections.ICollection expected, System.Collections.ICollection actual, string message = "") => throw new NotSupportedException("API surface for compile checks only");
        public static void AreNotEqual(System.Collections.ICollection notExpected, System.Collections.ICollection actual, string message = "") => throw new NotSupportedException("API surface for compile checks only");
    }
}
