using Valar.Validation.Images;

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

    /// <summary>How far each image is checked: <see cref="ImageIntegrity.Structure"/> (default) or a full decode.</summary>
    public ImageIntegrity Integrity { get; init; } = ImageIntegrity.Structure;

    /// <summary>At <see cref="ImageIntegrity.Decode"/>: most pixels × frames decoded for one image.</summary>
    public long MaxDecodePixels { get; init; } = ImageCheckOptions.DefaultMaxDecodePixels;

    /// <summary>Optional shape limits (pixels, longest side, animation, frames); none by default.</summary>
    public ImagePolicy ImagePolicy { get; init; } = ImagePolicy.None;

    /// <summary>The options <see cref="ImageContentChecker"/> checks this model's images with.</summary>
    public ImageCheckOptions ToImageCheckOptions() => new()
    {
        MaxImageBytes = MaxImageBytes,
        Integrity = Integrity,
        MaxDecodePixels = MaxDecodePixels,
        Policy = ImagePolicy,
    };
}
