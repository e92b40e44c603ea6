namespace Valar.Validation.Images;

/// <summary>The image formats the product accepts.</summary>
public enum ImageFormat
{
    Jpeg,
    Png,
    Gif,
    WebP,
}
