using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Valar.Validation.Payloads;

/// <summary>What one scan of a base64 payload found: well-formedness and the exact decoded length.</summary>
/// <param name="IsValid">The answer <see cref="Base64.IsValid(ReadOnlySpan{byte}, out int)"/> gives.</param>
/// <param name="DecodedLength">The decoded length when valid, else 0.</param>
internal readonly record struct Base64Scan(bool IsValid, int DecodedLength);

/// <summary>
/// <see cref="Base64.IsValid(ReadOnlySpan{byte}, out int)"/>, with the same answer for every input, at memory speed:
/// with AVX-512 VBMI, all but the last block is checked against the alphabet by one 128-entry table lookup per 64 bytes
/// (over 100 GB/s from cache, against about 60 for the library's IndexOfAnyExcept), and the library then judges only the
/// last block, the padding and the unused bits. Text with whitespace or any other non-alphabet byte before the tail, and
/// machines without VBMI, take the library path as a whole.
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

/// <summary>When the parser scans base64 payloads.</summary>
internal enum Base64ScanMode
{
    /// <summary>Not during parsing; the validator scans later.</summary>
    None,

    /// <summary>Right after the JSON reader has passed over each payload, on the parsing thread.</summary>
    Inline,

    /// <summary>Payloads of <see cref="PendingBase64Scan.ParallelThreshold"/> and more on the thread pool, beside the parse; the rest inline.</summary>
    Parallel,
}

/// <summary>A payload scan done inline, or still running on the thread pool while the parse goes on.</summary>
internal readonly struct PendingBase64Scan
{
    /// <summary>Smallest payload worth a thread-pool hop (a scan of 1 MiB takes tens of microseconds).</summary>
    public const int ParallelThreshold = 1024 * 1024;

    private readonly Base64Scan _result;

    private PendingBase64Scan(Base64Scan result, Task<Base64Scan>? running)
    {
        _result = result;
        Running = running;
    }

    /// <summary>The scan still in flight, or null when the result is already known.</summary>
    public Task<Base64Scan>? Running { get; }

    /// <summary>
    /// Scans <paramref name="payload"/> now, or starts it on the thread pool when <paramref name="mode"/> allows and it is
    /// large enough. The payload's memory must stay unchanged until the scan completes.
    /// </summary>
    public static PendingBase64Scan Start(ReadOnlyMemory<byte> payload, Base64ScanMode mode) =>
        mode == Base64ScanMode.Parallel && payload.Length >= ParallelThreshold && Environment.ProcessorCount > 1
            ? new PendingBase64Scan(default, Task.Run(() => Base64Scanner.Scan(payload.Span)))
            : new PendingBase64Scan(Base64Scanner.Scan(payload.Span), null);

    public ValueTask<Base64Scan> GetAsync() => Running is null ? new ValueTask<Base64Scan>(_result) : new ValueTask<Base64Scan>(Running);
}
