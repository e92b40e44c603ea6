namespace Valar.Validation.Models;

/// <summary>Per-model image limits. The defaults are the providers' published ones: 20 images, 20 MiB decoded per image.</summary>
public sealed record ModelLimits
{
    public const int DefaultMaxImages = 20;
    public const long DefaultMaxImageBytes = 20L * 1024 * 1024;
    public const long DefaultMaxTotalMediaBytes = DefaultMaxImages * DefaultMaxImageBytes;

    public int MaxImages { get; init; } = DefaultMaxImages;

    /// <summary>Decoded bytes per image (not the base64 length).</summary>
    public long MaxImageBytes { get; init; } = DefaultMaxImageBytes;

    /// <summary>Decoded bytes of all images in one request.</summary>
    public long MaxTotalMediaBytes { get; init; } = DefaultMaxTotalMediaBytes;
}
