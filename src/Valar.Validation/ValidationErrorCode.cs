namespace Valar.Validation;

/// <summary>Why a request was refused. Every code maps to a 400 (or 413 for <see cref="BodyTooLarge"/>).</summary>
public enum ValidationErrorCode
{
    /// <summary>The body is not well-formed JSON.</summary>
    MalformedJson,

    /// <summary>A field is missing or has the wrong shape; the message names its JSON path.</summary>
    InvalidRequest,

    /// <summary>The body is larger than the configured maximum.</summary>
    BodyTooLarge,

    /// <summary>Check 1: the request carries images but the model does not accept image input.</summary>
    ModelDoesNotSupportImages,

    /// <summary>Check 2: more images than the model allows per request.</summary>
    TooManyImages,

    /// <summary>Check 3: a URL uses a scheme other than http, https or an inline data URI.</summary>
    UnsupportedUrlScheme,

    /// <summary>Check 4: a URL resolves to (or redirects to) an address that is not on the public internet.</summary>
    Blocked,

    /// <summary>Check 5: a URL answered non-200, timed out or could not be reached.</summary>
    DownloadFailed,

    /// <summary>A data URI or base64 payload is not valid base64 (or not a base64 data URI at all).</summary>
    InvalidBase64,

    /// <summary>Check 6: an image's decoded bytes exceed the per-image maximum.</summary>
    ImageTooLarge,

    /// <summary>Check 6, request-wide: the decoded bytes of all images exceed the model's total media maximum.</summary>
    TotalMediaTooLarge,

    /// <summary>Check 7: the bytes are not JPEG, PNG, WebP or GIF.</summary>
    UnsupportedImageType,

    /// <summary>
    /// Check 7: the bytes start like a supported format but the container is truncated or broken (structure level), or
    /// a full decode failed (decode level). OpenAI surfaces report it with code <c>invalid_image</c>.
    /// </summary>
    InvalidImage,

    /// <summary>Check 7 at decode level: width × height × frames exceed the decode budget, so the image is not decoded.</summary>
    PixelBudgetExceeded,

    /// <summary>Check 8: the declared MIME type (data URI or <c>media_type</c>) differs from the detected type.</summary>
    DeclaredTypeMismatch,

    /// <summary>Policy: the image has more pixels than the model accepts.</summary>
    TooManyPixels,

    /// <summary>Policy: the image's longest side exceeds the model's maximum.</summary>
    SideTooLong,

    /// <summary>Policy: the image is animated and the model accepts still images only.</summary>
    AnimatedNotAllowed,

    /// <summary>Policy: the image has more frames than the model accepts.</summary>
    TooManyFrames,
}
