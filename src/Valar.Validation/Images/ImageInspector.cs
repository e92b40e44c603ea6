namespace Valar.Validation.Images;

/// <summary>
/// Detects JPEG, PNG, GIF and WebP by content (WHATWG MIME Sniffing signatures) and reads the header facts:
/// size, frame count and animation. Works on the bytes given; allocates only the result.
/// </summary>
public static class ImageInspector
{
    /// <summary>The media types of the supported formats.</summary>
    public static IReadOnlyList<string> SupportedMediaTypes { get; } =
        [ImageMediaTypes.Jpeg, ImageMediaTypes.Png, ImageMediaTypes.WebP, ImageMediaTypes.Gif];

    /// <summary>
    /// Inspects the first bytes of an image. Never throws.
    /// </summary>
    /// <param name="data">The start of the image, or all of it.</param>
    /// <param name="isComplete">True when <paramref name="data"/> is the whole image, so nothing more can arrive.</param>
    /// <returns>
    /// <see cref="InspectionStatus.Recognized"/> as soon as the size is known. Frame facts come from the bytes given:
    /// GIF frames and animated WebP frames are counted in <paramref name="data"/> (a lower bound for a prefix), and an APNG
    /// is seen only if its <c>acTL</c> chunk is inside <paramref name="data"/>. A complete GIF without any image is invalid;
    /// a prefix that has not reached its first image yet is recognized with one frame.
    /// <see cref="InspectionStatus.NeedMoreData"/> only when <paramref name="isComplete"/> is false, with
    /// <see cref="ImageInspection.MinimumBytesNeeded"/> greater than <c>data.Length</c>; for a JPEG whose frame header
    /// follows large metadata segments, several rounds may be needed. Empty data is unsupported.
    /// </returns>
    public static ImageInspection Inspect(ReadOnlySpan<byte> data, bool isComplete)
    {
        if (data.IsEmpty)
        {
            return ImageInspection.Unsupported(ImageMediaTypes.OctetStream);
        }

        if (JpegHeaderReader.TryRead(data, isComplete, out var result)
            || PngHeaderReader.TryRead(data, isComplete, out result)
            || GifHeaderReader.TryRead(data, isComplete, out result)
            || WebPHeaderReader.TryRead(data, isComplete, out result))
        {
            return result;
        }

        return ImageInspection.Unsupported(UnsupportedTypeSniffer.Sniff(data));
    }

    /// <summary>
    /// Normalizes a declared media type (a data URI's or an Anthropic <c>media_type</c>) for comparison with a detected one:
    /// drops parameters and whitespace, lower-cases, and maps the common alias <c>image/jpg</c> to <c>image/jpeg</c>.
    /// </summary>
    /// <returns>The normalized type, or null when nothing is left.</returns>
    public static string? NormalizeMediaType(string declared)
    {
        var type = declared.AsSpan();
        var parameters = type.IndexOf(';');
        if (parameters >= 0)
        {
            type = type[..parameters];
        }

        type = type.Trim();
        if (type.IsEmpty)
        {
            return null;
        }

        if (type.Equals("image/jpg", StringComparison.OrdinalIgnoreCase))
        {
            return ImageMediaTypes.Jpeg;
        }

        foreach (var supported in SupportedMediaTypes)
        {
            if (type.Equals(supported, StringComparison.OrdinalIgnoreCase))
            {
                return supported;
            }
        }

        return type.ToString().ToLowerInvariant();
    }
}
