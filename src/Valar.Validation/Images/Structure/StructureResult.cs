namespace Valar.Validation.Images.Structure;

/// <summary>The outcome of walking a whole container: the true facts, or the first problem found.</summary>
/// <param name="Info">The facts counted over the whole file (frames, animation) when the walk succeeded; otherwise null.</param>
/// <param name="Problem">A short lower-case phrase for <c>invalid image: …</c> when the walk failed; otherwise null.</param>
/// <param name="DecoderDisagrees">
/// True when the file uses a legal variation that Pillow and libvips decode but SkiaSharp refuses (a GIF LZW minimum
/// code size outside 2 to 8): the decode level then keeps the structure verdict, so such a file is never refused.
/// </param>
/// <param name="DecodeWidth">The width a decoder allocates: the canvas, or more when a GIF frame reaches past it (Pillow grows the image).</param>
/// <param name="DecodeHeight">The height a decoder allocates, likewise.</param>
internal readonly record struct StructureResult(ImageInfo? Info, string? Problem, bool DecoderDisagrees = false, int DecodeWidth = 0, int DecodeHeight = 0)
{
    public static StructureResult Valid(ImageInfo info, bool decoderDisagrees = false) => new(info, null, decoderDisagrees, info.Width, info.Height);

    public static StructureResult Invalid(string problem) => new(null, problem);
}
