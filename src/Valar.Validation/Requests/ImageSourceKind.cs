namespace Valar.Validation.Requests;

/// <summary>How an image travels in a request.</summary>
public enum ImageSourceKind
{
    /// <summary>By reference: a URL the validator must fetch.</summary>
    Url,

    /// <summary>Inline: a base64 data URI, or Anthropic's raw base64 with a separate <c>media_type</c>.</summary>
    Base64,
}
