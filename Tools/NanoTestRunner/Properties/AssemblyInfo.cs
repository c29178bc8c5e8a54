using System.Reflection;

[assembly: AssemblyTitle("LeoCarte.NanoTestRunner")]
[assembly: AssemblyDescription("Runs NFUnitTest on the nanoCLR interpreter in Linux CI")]
[assembly: AssemblyVersion("1.0.0.0")]
