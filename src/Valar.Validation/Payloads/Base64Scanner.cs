using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Valar.Validation.Payloads;

/// <summary>
/// <see cref="Base64.IsValid(ReadOnlySpan{byte}, out int)"/>, with the same answer for every input: with AVX-512 VBMI,
/// all but the last block is checked against the alphabet by one 128-entry table lookup per 64 bytes, and the library
/// then judges only the last block, the padding and the unused bits. Text with whitespace or any other non-alphabet byte
/// before the tail, and machines without VBMI, take the library path as a whole. Its speed against the library's is
/// measured in docs/performance.md.
/// </summary>
internal static class Base64Scanner
{
    /// <summary>Below this the library call is as fast; above it the vector prefix check pays.</summary>
    private const int MinimumVectorLength = 256;

    /// <summary>Per 7-bit ASCII byte: 0 for the 64 alphabet characters, 0x80 for the rest (vpermi2b table, two halves).</summary>
    private static ReadOnlySpan<byte> AlphabetTable =>
    [
        0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, // 0x00
        0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, // 0x10
        0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x80, 0x80, 0x80, 0x00, // 0x20: '+' '/'
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, // 0x30: '0'-'9'
        0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // 0x40: 'A'-'O'
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, // 0x50: 'P'-'Z'
        0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // 0x60: 'a'-'o'
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, // 0x70: 'p'-'z'
    ];

    public static Base64Scan Scan(ReadOnlySpan<byte> base64Utf8)
    {
        var isValid = IsValid(base64Utf8, out var decodedLength);
        return new Base64Scan(isValid, decodedLength);
    }

    public static bool IsValid(ReadOnlySpan<byte> base64Utf8, out int decodedLength)
    {
        // The prefix is whole 4-character blocks and leaves at least one block for the library to judge.
        var prefix = (base64Utf8.Length - 4) & ~3;
        if (!Avx512Vbmi.IsSupported || base64Utf8.Length < MinimumVectorLength || !IsAlphabetOnlyVbmi(base64Utf8[..prefix]))
        {
            return Base64.IsValid(base64Utf8, out decodedLength);
        }

        // The tail starts one block early, so the last character before any padding and the count of significant
        // characters modulo 4 are the same as in the whole text: the library's verdict on the tail is its verdict on the whole.
        var overlap = prefix - 4;
        if (Base64.IsValid(base64Utf8[overlap..], out var tailLength))
        {
            decodedLength = (overlap / 4 * 3) + tailLength;
            return true;
        }

        decodedLength = 0;
        return false;
    }

    /// <summary>
    /// True when every byte is one of the 64 alphabet characters (no whitespace, no padding): one table lookup per 64 bytes
    /// (vpermi2b on the low 7 bits; the high bit is checked directly). Needs <see cref="Avx512Vbmi.IsSupported"/> and 64 bytes.
    /// </summary>
    internal static bool IsAlphabetOnlyVbmi(ReadOnlySpan<byte> text)
    {
        ref var start = ref MemoryMarshal.GetReference(text);
        var table = AlphabetTable;
        var lower = Vector512.Create(table[..64]);
        var upper = Vector512.Create(table[64..]);
        var length = (nuint)text.Length;
        nuint offset = 0;
        const int Step = 4 * 64;
        while (offset + Step <= length)
        {
            var a = Vector512.LoadUnsafe(ref start, offset);
            var b = Vector512.LoadUnsafe(ref start, offset + 64);
            var c = Vector512.LoadUnsafe(ref start, offset + 128);
            var d = Vector512.LoadUnsafe(ref start, offset + 192);
            var bad = a | b | c | d
                | Avx512Vbmi.PermuteVar64x8x2(lower, a, upper)
                | Avx512Vbmi.PermuteVar64x8x2(lower, b, upper)
                | Avx512Vbmi.PermuteVar64x8x2(lower, c, upper)
                | Avx512Vbmi.PermuteVar64x8x2(lower, d, upper);
            if (bad.ExtractMostSignificantBits() != 0)
            {
                return false;
            }

            offset += Step;
        }

        while (offset < length)
        {
            // The last vector may overlap bytes already checked; that is harmless.
            offset = Math.Min(offset, length - 64);
            var v = Vector512.LoadUnsafe(ref start, offset);
            if ((v | Avx512Vbmi.PermuteVar64x8x2(lower, v, upper)).ExtractMostSignificantBits() != 0)
            {
                return false;
            }

            offset += 64;
        }

        return true;
    }
}
