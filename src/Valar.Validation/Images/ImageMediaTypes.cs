namespace Valar.Validation.Images;

/// <summary>The media type names the inspector reports.</summary>
public static class ImageMediaTypes
{
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";
    public const string Gif = "image/gif";
    public const string WebP = "image/webp";

    /// <summary>Reported when the bytes are not anything the inspector can name.</summary>
    public const string OctetStream = "application/octet-stream";

    /// <summary>The media type of a supported format.</summary>
    public static string Of(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => Jpeg,
        ImageFormat.Png => Png,
        ImageFormat.Gif => Gif,
        ImageFormat.WebP => WebP,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown image format."),
    };
}
