using Valar.Validation.Images;
using Valar.Validation.Models;

namespace Valar.Validation;

/// <summary>How <see cref="ImageContentChecker"/> checks one image's content (checks 6–8 and the optional policy).</summary>
public sealed record ImageCheckOptions
{
    /// <summary>
    /// The default decode budget: 2^26 pixels (width × height × frames), e.g. 8192 × 8192 once. One frame of that size
    /// takes 256 MiB as RGBA while it is decoded.
    /// </summary>
    public const long DefaultMaxDecodePixels = 1L << 26;

    /// <summary>The defaults: 20 MiB per image, structure level, no policy.</summary>
    public static ImageCheckOptions Default { get; } = new();

    /// <summary>Decoded bytes per image (check 6).</summary>
    public long MaxImageBytes { get; init; } = ModelLimits.DefaultMaxImageBytes;

    /// <summary>How far the content is checked (part of check 7).</summary>
    public ImageIntegrity Integrity { get; init; } = ImageIntegrity.Structure;

    /// <summary>At <see cref="ImageIntegrity.Decode"/>: most pixels × frames decoded for one image; larger ones are refused unread.</summary>
    public long MaxDecodePixels { get; init; } = DefaultMaxDecodePixels;

    /// <summary>Shape limits checked after the declared type.</summary>
    public ImagePolicy Policy { get; init; } = ImagePolicy.None;
}
