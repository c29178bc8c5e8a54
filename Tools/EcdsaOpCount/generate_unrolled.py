#!/usr/bin/env python3
"""Writes Terminal/Crypto/MontgomeryField.Unrolled.cs: MontgomeryField's multiplication and squaring written out for
8 limbs (secp224r1) and 9 limbs (P-256) of 29 bits, limbs in locals. nanoCLR interprets every IL instruction, and the
loop form spends most of its instructions on loop control, index arithmetic and array bounds; written out, one limb
product is 4 instructions (ldloc, ldloc, mul, add). Same algorithm as MontgomeryField.Multiply (product scanning), so
the host tests that compare both forms and .NET check this output.
Usage: python3 Tools/EcdsaOpCount/generate_unrolled.py > Terminal/Crypto/MontgomeryField.Unrolled.cs"""

LIMB_COUNTS = (8, 9)


def column_terms(k, limbs, square):
    terms = []
    lo, hi = max(0, k - limbs + 1), min(k, limbs - 1)
    for i in range(lo, hi + 1):
        j = k - i
        if square:
            if i < j:
                terms.append(f"d{i} * a{j}")
            elif i == j:
                terms.append(f"a{i} * a{i}")
        else:
            terms.append(f"a{i} * b{j}")
    return terms


def method(limbs, square):
    name = f"Square{limbs}" if square else f"Multiply{limbs}"
    params = "uint[] result, uint[] a" if square else "uint[] result, uint[] a, uint[] b"
    out = []
    w = out.append
    w(f"        private void {name}({params})")
    w("        {")
    w("            " + " ".join(f"ulong a{i} = a[{i}];" for i in range(limbs)))
    if square:
        w("            " + " ".join(f"ulong d{i} = a{i} << 1;" for i in range(limbs - 1)))
    else:
        w("            " + " ".join(f"ulong b{i} = b[{i}];" for i in range(limbs)))
    w("            uint[] m = modulus;")
    w("            " + " ".join(f"ulong p{i} = m[{i}];" for i in range(limbs)))
    w("            ulong n0 = inverseOfLowLimb;")
    # First half: columns 0..limbs-1 choose the quotient digits q_k.
    for k in range(limbs):
        terms = column_terms(k, limbs, square) + [f"q{i} * p{k - i}" for i in range(0, k)]
        expression = " + ".join(terms)
        w(f"            {'ulong c = ' if k == 0 else 'c += '}{expression};")
        w(f"            ulong q{k} = (c * n0) & Mask;")
        w(f"            c = (c + (q{k} * p0)) >> Bits;")
    # Second half: columns limbs..2·limbs-2 are the result limbs.
    for k in range(limbs, 2 * limbs - 1):
        terms = column_terms(k, limbs, square) + [f"q{i} * p{k - i}" for i in range(k - limbs + 1, limbs)]
        w(f"            c += {' + '.join(terms)};")
        w(f"            ulong t{k - limbs} = c & Mask;")
        w("            c >>= Bits;")
    w(f"            ulong t{limbs - 1} = c;")
    # t < 2m: subtract m once unless that borrows.
    w("            ulong s = t0 - p0;")
    w("            ulong s0 = s & Mask;")
    w("            ulong borrow = s >> 63;")
    for i in range(1, limbs):
        w(f"            s = t{i} - p{i} - borrow;")
        w(f"            ulong s{i} = s & Mask;")
        w("            borrow = s >> 63;")
    w("            if (borrow == 0)")
    w("            {")
    for i in range(limbs):
        w(f"                result[{i}] = (uint)s{i};")
    w("            }")
    w("            else")
    w("            {")
    for i in range(limbs):
        w(f"                result[{i}] = (uint)t{i};")
    w("            }")
    w("        }")
    return "\n".join(out)


def add_method(limbs, subtract):
    name = f"Subtract{limbs}" if subtract else f"Add{limbs}"
    out = []
    w = out.append
    w(f"        private void {name}(uint[] result, uint[] a, uint[] b)")
    w("        {")
    w("            uint[] m = modulus;")
    if not subtract:
        # a + b < 2m: the sum, then the sum minus m unless that borrows.
        w("            ulong x = (ulong)a[0] + b[0];")
        w("            ulong x0 = x & Mask;")
        for i in range(1, limbs):
            w(f"            x = (x >> Bits) + a[{i}] + b[{i}];")
            w(f"            ulong x{i} = x & Mask;")
        w("            ulong s = x0 - m[0];")
        w("            ulong s0 = s & Mask;")
        w("            ulong borrow = s >> 63;")
        for i in range(1, limbs):
            w(f"            s = x{i} - m[{i}] - borrow;")
            w(f"            ulong s{i} = s & Mask;")
            w("            borrow = s >> 63;")
        w("            if (borrow == 0)")
        w("            {")
        for i in range(limbs):
            w(f"                result[{i}] = (uint)s{i};")
        w("            }")
        w("            else")
        w("            {")
        for i in range(limbs):
            w(f"                result[{i}] = (uint)x{i};")
        w("            }")
    else:
        # a - b, plus m when that borrows.
        w("            ulong s = (ulong)a[0] - b[0];")
        w("            ulong s0 = s & Mask;")
        w("            ulong borrow = s >> 63;")
        for i in range(1, limbs):
            w(f"            s = (ulong)a[{i}] - b[{i}] - borrow;")
            w(f"            ulong s{i} = s & Mask;")
            w("            borrow = s >> 63;")
        w("            if (borrow == 0)")
        w("            {")
        for i in range(limbs):
            w(f"                result[{i}] = (uint)s{i};")
        w("            }")
        w("            else")
        w("            {")
        w("                ulong x = s0 + m[0];")
        w("                result[0] = (uint)(x & Mask);")
        for i in range(1, limbs):
            w(f"                x = (x >> Bits) + s{i} + m[{i}];")
            w(f"                result[{i}] = (uint)(x & Mask);")
        w("            }")
    w("        }")
    return "\n".join(out)


def main():
    print("// <auto-generated> by Tools/EcdsaOpCount/generate_unrolled.py: edit the generator, not this file. </auto-generated>")
    print("// Length: generated; the 8- and 9-limb products written out one limb product per line, which is the point")
    print("// (nanoCLR interprets every IL instruction). Regenerate from the repository root with")
    print("//   python3 Tools/EcdsaOpCount/generate_unrolled.py > Terminal/Crypto/MontgomeryField.Unrolled.cs")
    print("namespace LeoCarte.Terminal.Crypto")
    print("{")
    print("    /// <summary>")
    print("    /// Montgomery multiplication, squaring, addition and subtraction written out for 8 and 9 limbs (secp224r1 and P-256), limbs in locals: the")
    print("    /// product-scanning algorithm of <see cref=\"Multiply\"/> without loops, index arithmetic or array bounds checks")
    print("    /// per limb product, which dominate on nanoCLR's interpreter. Squaring sums each cross product once, doubled")
    print("    /// (d_i = 2·a_i: 2·a_i·a_j &lt; 2^59, a column still fits a ulong).")
    print("    /// </summary>")
    print("    public sealed partial class MontgomeryField")
    print("    {")
    print("        private const int Bits = LimbBits;")
    print("        private const ulong Mask = LimbMask;")
    methods = []
    for limbs in LIMB_COUNTS:
        methods.append(method(limbs, False))
        methods.append(method(limbs, True))
        methods.append(add_method(limbs, False))
        methods.append(add_method(limbs, True))
    print("\n\n".join(methods))
    print("    }")
    print("}")


if __name__ == "__main__":
    main()
