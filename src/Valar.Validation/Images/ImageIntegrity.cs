namespace Valar.Validation.Images;

/// <summary>How far an image is checked beyond its header. Either way an image is refused with <c>invalid image: …</c>.</summary>
public enum ImageIntegrity
{
    /// <summary>
    /// The default: the whole container is walked, from signature to end marker, by the rules of its format (segments,
    /// chunks, CRCs of critical PNG chunks, GIF blocks, RIFF sizes), and frames are counted. Near memory speed. Damage inside
    /// compressed data (JPEG entropy data apart from its markers, deflate, LZW, VP8/VP8L) needs <see cref="Decode"/>.
    /// </summary>
    Structure,

    /// <summary>
    /// <see cref="Structure"/>, then a pixel budget (width × height × frames from the header), then a full decode of
    /// every frame by a real decoder (SkiaSharp).
    /// </summary>
    Decode,
}
