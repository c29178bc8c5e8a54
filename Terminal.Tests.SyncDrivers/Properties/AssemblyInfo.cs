// Device build only (the .nfproj); the SDK-style builds under Builds/ generate their own assembly attributes.
using System.Reflection;

[assembly: AssemblyTitle("LeoCarte.Terminal.Tests.SyncDrivers")]
[assembly: AssemblyDescription("LéoCarte terminal device unit tests: sync, drivers, diagnostics")]
[assembly: AssemblyCompany("LéoCarte Terminal")]
[assembly: AssemblyProduct("LéoCarte Terminal")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
