// The shared tests (Terminal.Tests/Shared) on nanoFramework's own runtime: this small runner is loaded by the
// nanoCLR interpreter after a device test assembly and runs every [TestMethod] of every [TestClass], once per
// [DataRow], each on a new instance of its class (as MSTest and nanoFramework's UnitTestLauncher do). The shared
// tests are two assemblies (Terminal.Tests, Terminal.Tests.SyncDrivers: together they pass nanoFramework's 64 KB
// of strings), both named NFUnitTest as the launcher expects; .ci/stages/30-nanoclr-tests starts nanoCLR once
// per assembly and checks the count against the assembly's sources.
//
// Why its own runner: the nanoCLR host program always exits 0, and an unhandled exception ends it silently
// (shared/nanoframework/README.md). So every test is caught here, each prints one line, and the run ends with
// one count line; the caller (.ci/stages/30-nanoclr-tests) treats a missing count line as a failure and names
// the test after the last line printed as the one that stopped the runtime.
//
// Output (parsed by .ci/stages/30-nanoclr-tests; keep in step):
//   "  passed  Class.Method(row)"     one per test and data row
//   "  FAILED  Class.Method(row): Exception: message"
//   "NFUNITTEST LOADED <assembly full name>"  (the stage checks the name: a wrapped string table loads it as another)
//   "NFUNITTEST RESULT: <passed> passed, <failed> failed, <classes> classes"
using System;
using System.Reflection;
using nanoFramework.TestFramework;

namespace LeoCarte.Tools.NanoTestRunner
{
    public static class Program
    {
        private static int passed;
        private static int failed;

        public static void Main()
        {
            Console.WriteLine("NFUNITTEST START");
            Assembly tests;
            Type[] types;
            try
            {
                tests = FindTestAssembly();
                if (tests == null)
                {
                    Console.WriteLine("NFUNITTEST ERROR: assembly NFUnitTest is not loaded");
                    return;
                }

                Console.WriteLine("NFUNITTEST LOADED " + tests.FullName);
                types = tests.GetTypes();
            }
            catch (Exception e)
            {
                // Otherwise the runtime ends silently (an unhandled exception prints nothing on this nanoCLR).
                Console.WriteLine("NFUNITTEST ERROR: loading the tests: " + e.GetType().Name + ": " + e.Message);
                return;
            }

            int classes = 0;
            for (int t = 0; t < types.Length; t++)
            {
                if (HasAttribute(types[t].GetCustomAttributes(true), typeof(TestClassAttribute)))
                {
                    classes++;
                    RunClass(types[t]);
                }
            }

            Console.WriteLine("NFUNITTEST RESULT: " + passed + " passed, " + failed + " failed, " + classes + " classes");
        }

        private static Assembly FindTestAssembly()
        {
            // nanoFramework's UnitTestLauncher loads the test assembly by this exact name.
            return Assembly.Load("NFUnitTest");
        }

        private static void RunClass(Type testClass)
        {
            MethodInfo[] methods = testClass.GetMethods();
            for (int m = 0; m < methods.Length; m++)
            {
                object[] attributes = methods[m].GetCustomAttributes(true);
                if (!HasAttribute(attributes, typeof(TestMethodAttribute)))
                {
                    continue;
                }

                bool anyRow = false;
                for (int a = 0; a < attributes.Length; a++)
                {
                    DataRowAttribute row = attributes[a] as DataRowAttribute;
                    if (row != null)
                    {
                        anyRow = true;
                        RunOne(testClass, methods[m], row.MethodParameters);
                    }
                }

                if (!anyRow)
                {
                    RunOne(testClass, methods[m], null);
                }
            }
        }

        private static void RunOne(Type testClass, MethodInfo method, object[] parameters)
        {
            string name = testClass.FullName + "." + method.Name + Describe(parameters);
            try
            {
                // A new instance per test, as both frameworks do: no state leaks from one test to the next.
                ConstructorInfo constructor = testClass.GetConstructor(new Type[0]);
                object instance = method.IsStatic ? null : constructor.Invoke(null);
                method.Invoke(instance, parameters);
                passed++;
                Console.WriteLine("  passed  " + name);
            }
            catch (Exception e)
            {
                failed++;
                Exception cause = e.InnerException != null ? e.InnerException : e;
                Console.WriteLine("  FAILED  " + name + ": " + cause.GetType().Name + ": " + cause.Message);
            }
        }

        private static bool HasAttribute(object[] attributes, Type attributeType)
        {
            for (int i = 0; i < attributes.Length; i++)
            {
                if (attributes[i].GetType() == attributeType)
                {
                    return true;
                }
            }

            return false;
        }

        private static string Describe(object[] parameters)
        {
            if (parameters == null)
            {
                return string.Empty;
            }

            string text = "(";
            for (int i = 0; i < parameters.Length; i++)
            {
                text += (i > 0 ? ", " : string.Empty) + (parameters[i] == null ? "null" : Printable(parameters[i].ToString()));
            }

            return text + ")";
        }

        /// <summary>Control characters as \xNN, so that one test is one line of output.</summary>
        private static string Printable(string text)
        {
            char[] chars = text.ToCharArray();
            string result = string.Empty;
            int start = 0;
            for (int i = 0; i < chars.Length; i++)
            {
                if (chars[i] < ' ')
                {
                    result += new string(chars, start, i - start) + "\\x" + ((int)chars[i]).ToString("X2");
                    start = i + 1;
                }
            }

            return start == 0 ? text : result + new string(chars, start, chars.Length - start);
        }
    }
}
