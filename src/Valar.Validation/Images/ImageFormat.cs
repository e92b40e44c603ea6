namespace Valar.Validation.Images;

/// <summary>The image formats the product accepts.</summary>
public enum ImageFormat
{
    /// <summary>JPEG (JFIF/EXIF): starts <c>FF D8 FF</c>.</summary>
    Jpeg,

    /// <summary>PNG, including APNG: starts <c>89 50 4E 47 0D 0A 1A 0A</c>.</summary>
    Png,

    /// <summary>GIF: starts <c>GIF87a</c> or <c>GIF89a</c>.</summary>
    Gif,

    /// <summary>WebP (lossy, lossless or extended): <c>RIFF</c>, a size, then <c>WEBP</c>.</summary>
    WebP,
}
