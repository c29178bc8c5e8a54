using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace LeoCarte.Tools.Conformance;

/// <summary>One reason an assembly cannot run on nanoFramework 1.x.</summary>
public sealed record Violation(string Kind, string Where, string Detail)
{
    public override string ToString() => $"{Kind}: {Where}: {Detail}";
}

/// <summary>What the checker found in one assembly.</summary>
public sealed record ConformanceReport(
    string AssemblyName,
    string Path,
    IReadOnlyList<string> References,
    int TypeCount,
    int MethodCount,
    int IlBytes,
    IReadOnlyList<Violation> Violations)
{
    public bool Passed => Violations.Count == 0;
}

/// <summary>
/// Checks a compiled assembly against what nanoFramework 1.x can load and run. The C# compiler accepts
/// generics and async/iterator methods against nanoFramework's mscorlib 1.17.11, but the 1.x runtime has no
/// generic instantiation (generics arrived only in 2.0 previews) and no Task: such code fails at deployment
/// or at run time. This reads the ECMA-335 metadata (System.Reflection.Metadata) and reports:
/// <list type="bullet">
/// <item>generic type or method definitions (GenericParam table rows);</item>
/// <item>generic instantiations anywhere: TypeSpec and MethodSpec rows, and GENERICINST/VAR/MVAR element
///       types inside field, method, property and local signatures (ECMA-335 II.23.2);</item>
/// <item>compiler-generated state machines: types implementing IAsyncStateMachine, or nested
///       <c>&lt;Method&gt;d__N</c> types implementing IEnumerator (iterators);</item>
/// <item>references to any assembly other than mscorlib 1.17.11.0 and the allowed siblings.</item>
/// </list>
/// </summary>
public static class ConformanceChecker
{
    public const string NanoMscorlibName = "mscorlib";
    public static readonly Version NanoMscorlibVersion = new(1, 17, 11, 0);

    public static ConformanceReport Check(string path, IEnumerable<string> allowedSiblingAssemblies)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            return new ConformanceReport(System.IO.Path.GetFileNameWithoutExtension(path), path, Array.Empty<string>(), 0, 0, 0,
                new[] { new Violation("format", path, "not a .NET assembly") });
        }

        var md = pe.GetMetadataReader();
        var allowed = new HashSet<string>(allowedSiblingAssemblies ?? Array.Empty<string>(), StringComparer.Ordinal);
        var violations = new List<Violation>();
        var references = new List<string>();

        foreach (var handle in md.AssemblyReferences)
        {
            var reference = md.GetAssemblyReference(handle);
            string name = md.GetString(reference.Name);
            references.Add($"{name} {reference.Version}");
            bool isNanoMscorlib = name == NanoMscorlibName && reference.Version == NanoMscorlibVersion;
            if (!isNanoMscorlib && !allowed.Contains(name))
            {
                violations.Add(new Violation("reference", name, $"references {name} {reference.Version}; only mscorlib {NanoMscorlibVersion} (and the portable siblings) may be referenced"));
            }
        }

        if (md.GetTableRowCount(TableIndex.GenericParam) > 0)
        {
            foreach (var typeHandle in md.TypeDefinitions)
            {
                var type = md.GetTypeDefinition(typeHandle);
                if (type.GetGenericParameters().Count > 0)
                {
                    violations.Add(new Violation("generic-definition", TypeName(md, typeHandle), "defines a generic type"));
                }

                foreach (var methodHandle in type.GetMethods())
                {
                    var method = md.GetMethodDefinition(methodHandle);
                    if (method.GetGenericParameters().Count > 0)
                    {
                        violations.Add(new Violation("generic-definition", $"{TypeName(md, typeHandle)}.{md.GetString(method.Name)}", "defines a generic method"));
                    }
                }
            }
        }

        var provider = new GenericDetector(md);

        for (int row = 1; row <= md.GetTableRowCount(TableIndex.TypeSpec); row++)
        {
            var handle = MetadataTokens.TypeSpecificationHandle(row);
            var spec = md.GetTypeSpecification(handle);
            var shape = spec.DecodeSignature(provider, null);
            if (shape.HasGenerics)
            {
                violations.Add(new Violation("generic-instantiation", shape.Name, "instantiates a generic type (TypeSpec)"));
            }
        }

        for (int row = 1; row <= md.GetTableRowCount(TableIndex.MethodSpec); row++)
        {
            var handle = MetadataTokens.MethodSpecificationHandle(row);
            var spec = md.GetMethodSpecification(handle);
            violations.Add(new Violation("generic-instantiation", MemberName(md, spec.Method), "instantiates a generic method (MethodSpec)"));
        }

        int methodCount = 0;
        int ilBytes = 0;
        foreach (var typeHandle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(typeHandle);
            string typeName = TypeName(md, typeHandle);

            foreach (var fieldHandle in type.GetFields())
            {
                var field = md.GetFieldDefinition(fieldHandle);
                var shape = field.DecodeSignature(provider, null);
                if (shape.HasGenerics)
                {
                    violations.Add(new Violation("generic-instantiation", $"{typeName}.{md.GetString(field.Name)}", $"field of generic type {shape.Name}"));
                }
            }

            foreach (var methodHandle in type.GetMethods())
            {
                methodCount++;
                var method = md.GetMethodDefinition(methodHandle);
                string methodName = $"{typeName}.{md.GetString(method.Name)}";
                var signature = method.DecodeSignature(provider, null);
                if (signature.ReturnType.HasGenerics || signature.ParameterTypes.Any(p => p.HasGenerics))
                {
                    violations.Add(new Violation("generic-instantiation", methodName, "signature uses a generic type"));
                }

                if (method.RelativeVirtualAddress != 0)
                {
                    var body = pe.GetMethodBody(method.RelativeVirtualAddress);
                    ilBytes += body.Size;
                    if (!body.LocalSignature.IsNil)
                    {
                        var locals = md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null);
                        if (locals.Any(l => l.HasGenerics))
                        {
                            violations.Add(new Violation("generic-instantiation", methodName, "local variable of a generic type"));
                        }
                    }
                }
            }

            foreach (var propertyHandle in type.GetProperties())
            {
                var property = md.GetPropertyDefinition(propertyHandle);
                var signature = property.DecodeSignature(provider, null);
                if (signature.ReturnType.HasGenerics)
                {
                    violations.Add(new Violation("generic-instantiation", $"{typeName}.{md.GetString(property.Name)}", "property of a generic type"));
                }
            }

            foreach (var interfaceHandle in type.GetInterfaceImplementations())
            {
                var implemented = md.GetInterfaceImplementation(interfaceHandle).Interface;
                string interfaceName = EntityName(md, implemented);
                if (interfaceName == "System.Runtime.CompilerServices.IAsyncStateMachine")
                {
                    violations.Add(new Violation("async-state-machine", typeName, "async method state machine (nanoFramework 1.x has no Task/async)"));
                }
                else if (interfaceName == "System.Collections.IEnumerator" && md.GetString(type.Name).StartsWith("<", StringComparison.Ordinal))
                {
                    violations.Add(new Violation("iterator-state-machine", typeName, "yield-return iterator state machine (avoid on nanoFramework 1.x)"));
                }
            }
        }

        foreach (var handle in md.MemberReferences)
        {
            var member = md.GetMemberReference(handle);
            if (member.GetKind() != MemberReferenceKind.Method)
            {
                continue;
            }

            var signature = member.DecodeMethodSignature(provider, null);
            if (signature.ReturnType.HasGenerics || signature.ParameterTypes.Any(p => p.HasGenerics))
            {
                violations.Add(new Violation("generic-instantiation", MemberName(md, handle), "calls a member whose signature uses a generic type"));
            }
        }

        foreach (var handle in md.TypeReferences)
        {
            var reference = md.GetTypeReference(handle);
            string ns = md.GetString(reference.Namespace);
            if (ns == "System.Threading.Tasks")
            {
                violations.Add(new Violation("async-state-machine", $"{ns}.{md.GetString(reference.Name)}", "uses Task (nanoFramework 1.x has none)"));
            }
        }

        var definition = md.GetAssemblyDefinition();
        return new ConformanceReport(
            md.GetString(definition.Name),
            path,
            references,
            md.TypeDefinitions.Count,
            methodCount,
            ilBytes,
            violations.Distinct().ToList());
    }

    private static string TypeName(MetadataReader md, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        string name = md.GetString(type.Name);
        var declaring = type.GetDeclaringType();
        if (!declaring.IsNil)
        {
            return TypeName(md, declaring) + "/" + name;
        }

        string ns = md.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static string EntityName(MetadataReader md, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                return TypeName(md, (TypeDefinitionHandle)handle);
            case HandleKind.TypeReference:
                var reference = md.GetTypeReference((TypeReferenceHandle)handle);
                string ns = md.GetString(reference.Namespace);
                string name = md.GetString(reference.Name);
                return ns.Length == 0 ? name : ns + "." + name;
            case HandleKind.TypeSpecification:
                return md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(new GenericDetector(md), null).Name;
            default:
                return handle.Kind.ToString();
        }
    }

    private static string MemberName(MetadataReader md, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                var method = md.GetMethodDefinition((MethodDefinitionHandle)handle);
                return TypeName(md, method.GetDeclaringType()) + "." + md.GetString(method.Name);
            case HandleKind.MemberReference:
                var member = md.GetMemberReference((MemberReferenceHandle)handle);
                return EntityName(md, member.Parent) + "." + md.GetString(member.Name);
            default:
                return handle.Kind.ToString();
        }
    }

    /// <summary>A decoded type: its display name and whether any generic element type occurs in it.</summary>
    public readonly record struct TypeShape(string Name, bool HasGenerics);

    /// <summary>Signature decoder that names types and flags GENERICINST, VAR and MVAR (ECMA-335 II.23.1.16).</summary>
    private sealed class GenericDetector : ISignatureTypeProvider<TypeShape, object>
    {
        private readonly MetadataReader md;

        public GenericDetector(MetadataReader md) => this.md = md;

        public TypeShape GetPrimitiveType(PrimitiveTypeCode typeCode) => new(typeCode.ToString(), false);
        public TypeShape GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => new(TypeName(reader, handle), false);
        public TypeShape GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => new(EntityName(reader, handle), false);
        public TypeShape GetTypeFromSpecification(MetadataReader reader, object genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
            => reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
        public TypeShape GetSZArrayType(TypeShape elementType) => elementType with { Name = elementType.Name + "[]" };
        public TypeShape GetArrayType(TypeShape elementType, ArrayShape shape) => elementType with { Name = elementType.Name + "[" + new string(',', shape.Rank - 1) + "]" };
        public TypeShape GetByReferenceType(TypeShape elementType) => elementType with { Name = elementType.Name + "&" };
        public TypeShape GetPointerType(TypeShape elementType) => elementType with { Name = elementType.Name + "*" };
        public TypeShape GetPinnedType(TypeShape elementType) => elementType;
        public TypeShape GetModifiedType(TypeShape modifier, TypeShape unmodifiedType, bool isRequired) => unmodifiedType with { HasGenerics = unmodifiedType.HasGenerics || modifier.HasGenerics };
        public TypeShape GetFunctionPointerType(MethodSignature<TypeShape> signature) => new("fnptr", signature.ReturnType.HasGenerics || signature.ParameterTypes.Any(p => p.HasGenerics));
        public TypeShape GetGenericInstantiation(TypeShape genericType, ImmutableArray<TypeShape> typeArguments)
            => new(genericType.Name + "<" + string.Join(",", typeArguments.Select(a => a.Name)) + ">", true);
        public TypeShape GetGenericMethodParameter(object genericContext, int index) => new("!!" + index, true);
        public TypeShape GetGenericTypeParameter(object genericContext, int index) => new("!" + index, true);
    }
}
