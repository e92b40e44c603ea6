namespace Valar.Validation.Images;

/// <summary>What an image's header says about it: format, pixel size and frame facts.</summary>
/// <param name="Format">The format detected from the bytes.</param>
/// <param name="Width">Width in pixels (the canvas or logical screen for animated formats).</param>
/// <param name="Height">Height in pixels.</param>
public sealed record ImageInfo(ImageFormat Format, int Width, int Height)
{
    /// <summary>The IANA media type of <see cref="Format"/>, e.g. <c>image/jpeg</c>.</summary>
    public string MediaType => ImageMediaTypes.Of(Format);

    /// <summary>
    /// Frames seen: GIF image descriptors, animated WebP <c>ANMF</c> chunks, APNG <c>num_frames</c>; 1 otherwise.
    /// Counted from the bytes given, so a prefix of a GIF or animated WebP gives a lower bound.
    /// </summary>
    public int FrameCount { get; init; } = 1;

    /// <summary>GIF with more than one frame, WebP with the VP8X animation flag, or PNG with an <c>acTL</c> chunk before <c>IDAT</c>.</summary>
    public bool IsAnimated { get; init; }
}
