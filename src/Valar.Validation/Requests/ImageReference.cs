namespace Valar.Validation.Requests;

/// <summary>One image as the request carries it, before any check has run.</summary>
public sealed record ImageReference
{
    /// <summary>Zero-based position among the request's images, in document order.</summary>
    public required int Index { get; init; }

    /// <summary>JSON path of the field that holds the URL or the base64 data.</summary>
    public required string Path { get; init; }

    public required ImageSourceKind Source { get; init; }

    /// <summary>The URL text as sent, for <see cref="ImageSourceKind.Url"/>. Never a data URI.</summary>
    public string? Url { get; init; }

    /// <summary>
    /// The base64 text (UTF-8) for <see cref="ImageSourceKind.Base64"/>: a slice of the request body,
    /// so a large payload is never copied into a string.
    /// </summary>
    public ReadOnlyMemory<byte> Base64 { get; init; }

    /// <summary>The data URI's MIME type or Anthropic's <c>media_type</c>, as sent.</summary>
    public string? DeclaredMediaType { get; init; }

    /// <summary>OpenAI's <c>detail</c> (auto, low, high, original), when given.</summary>
    public string? Detail { get; init; }

    /// <summary>
    /// For <see cref="ImageSourceKind.Url"/>: where the URL's JSON value sits in the body, as byte offsets. OpenAI
    /// surfaces: the string token with its quotes; Anthropic: the whole <c>source</c> object. A forwarder splices the
    /// checked bytes in there and leaves every other byte of the body as it was.
    /// </summary>
    public Range BodyRange { get; init; }
}
