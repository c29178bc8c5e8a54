// Device build only (the .nfproj); the SDK-style builds under Builds/ generate their own assembly attributes.
using System.Reflection;

[assembly: AssemblyTitle("LeoCarte.Terminal.Crypto")]
[assembly: AssemblyDescription("LéoCarte terminal cryptography (SHA-256, HMAC-SHA256, CRC-32, ECDSA verification)")]
[assembly: AssemblyCompany("LéoCarte Terminal")]
[assembly: AssemblyProduct("LéoCarte Terminal")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
