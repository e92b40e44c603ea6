namespace Valar.Validation.Images.Structure;

/// <summary>
/// Integrity level <c>structure</c>: walks a recognized image's whole container, from its signature to its end marker,
/// with the rules of its format, and counts its frames. Never throws; allocates only the result.
/// </summary>
internal static class ImageStructure
{
    /// <summary>Walks <paramref name="data"/>, the whole image, whose header <paramref name="header"/> was already read.</summary>
    public static StructureResult Walk(ReadOnlySpan<byte> data, ImageInfo header) => header.Format switch
    {
        ImageFormat.Jpeg => JpegStructureWalker.Walk(data, header),
        ImageFormat.Png => PngStructureWalker.Walk(data, header),
        ImageFormat.Gif => GifStructureWalker.Walk(data, header),
        ImageFormat.WebP => WebPStructureWalker.Walk(data, header),
        _ => StructureResult.Valid(header),
    };
}
