namespace Valar.Validation.Images;

internal static class Signature
{
    /// <summary>
    /// True when <paramref name="data"/> is not empty and agrees with <paramref name="signature"/> on every byte it has,
    /// so a short prefix of a real image is still claimed by its format (and asked to grow) rather than called unsupported.
    /// </summary>
    public static bool MatchesPrefix(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        !data.IsEmpty && AgreesAt(data, 0, signature);

    /// <summary>True when the bytes of <paramref name="data"/> from <paramref name="offset"/> on, as far as they go, equal <paramref name="expected"/>.</summary>
    public static bool AgreesAt(ReadOnlySpan<byte> data, int offset, ReadOnlySpan<byte> expected)
    {
        if (data.Length <= offset)
        {
            return true;
        }

        var length = Math.Min(data.Length - offset, expected.Length);
        return data.Slice(offset, length).SequenceEqual(expected[..length]);
    }
}
