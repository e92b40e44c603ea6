namespace Valar.Validation.Payloads;

/// <summary>
/// Splits an RFC 2397 data URI, <c>data:[&lt;media type&gt;][;param]*;base64,&lt;payload&gt;</c>, without copying the payload.
/// </summary>
public static class DataUri
{
    /// <summary>Longest header (everything before the comma) we look at; real ones are a few dozen bytes.</summary>
    public const int MaxHeaderLength = 256;

    private static ReadOnlySpan<byte> Scheme => "data:"u8;

    private static ReadOnlySpan<byte> Base64Parameter => "base64"u8;

    /// <summary>True when <paramref name="text"/> starts with <c>data:</c> (scheme names are case-insensitive).</summary>
    public static bool HasDataScheme(ReadOnlySpan<byte> text) =>
        text.Length >= Scheme.Length && System.Text.Ascii.EqualsIgnoreCase(text[..Scheme.Length], Scheme);

    /// <summary>
    /// Parses a data URI. On success <paramref name="mediaType"/> is the declared MIME type (null when the URI
    /// declares none) and <paramref name="payloadOffset"/> is where the base64 text starts.
    /// On failure <paramref name="problem"/> says what is wrong, in words a client can act on.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out string? mediaType, out int payloadOffset, out string? problem)
    {
        mediaType = null;
        payloadOffset = 0;
        problem = null;
        if (!HasDataScheme(text))
        {
            problem = "expected a data URI starting with 'data:'";
            return false;
        }

        var searchable = text[Scheme.Length..];
        var headerEnd = searchable[..Math.Min(searchable.Length, MaxHeaderLength)].IndexOf((byte)',');
        if (headerEnd < 0)
        {
            problem = "data URI has no ',' separating its header from the data";
            return false;
        }

        var header = searchable[..headerEnd];
        var lastSemicolon = header.LastIndexOf((byte)';');
        if (lastSemicolon < 0 || !System.Text.Ascii.EqualsIgnoreCase(header[(lastSemicolon + 1)..].Trim((byte)' '), Base64Parameter))
        {
            problem = "data URI must be base64-encoded: data:<media type>;base64,<data>";
            return false;
        }

        var typeEnd = header.IndexOf((byte)';');
        var declared = header[..typeEnd].Trim((byte)' ');
        if (!declared.IsEmpty)
        {
            if (!System.Text.Ascii.IsValid(declared))
            {
                problem = "data URI media type must be ASCII";
                return false;
            }

            mediaType = System.Text.Encoding.ASCII.GetString(declared);
        }

        payloadOffset = Scheme.Length + headerEnd + 1;
        return true;
    }
}
