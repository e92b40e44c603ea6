using Valar.Testing.Images;

namespace Valar.Validation.Tests.Images.Structure;

/// <summary>
/// The exact <c>invalid image: …</c> message for every broken corpus file the structure level refuses: one per rule
/// of each format's walker (JPEG segments and tables, PNG chunks and CRCs, GIF blocks, WebP RIFF and VP8X).
/// </summary>
public sealed class StructureWalkerTests
{
    [Theory]
    [InlineData("gif-descriptor-without-data.gif", "invalid image: GIF frame 1 has LZW minimum code size 59, outside 0 to 11")]
    [InlineData("gif-lzw-code-size-12.gif", "invalid image: GIF frame 1 has LZW minimum code size 12, outside 0 to 11")]
    [InlineData("gif-no-frames.gif", "invalid image: GIF has no image data")]
    [InlineData("gif-static-truncated-50.gif", "invalid image: GIF ends inside frame 1")]
    [InlineData("gif-truncated-30.gif", "invalid image: GIF ends inside frame 2")]
    [InlineData("gif-truncated-60.gif", "invalid image: GIF ends inside frame 3")]
    [InlineData("gif-truncated-90.gif", "invalid image: GIF ends inside frame 5")]
    [InlineData("jpeg-9-components.jpg", "invalid image: JPEG frame has 9 components; only 1, 3 or 4 are supported")]
    [InlineData("jpeg-corrupt-dht.jpg", "invalid image: JPEG DHT segment at offset 177 is malformed")]
    [InlineData("jpeg-flipped-bytes.jpg", "invalid image: JPEG segment 0x7E at offset 1159 runs past the end of the data")]
    [InlineData("jpeg-no-dqt.jpg", "invalid image: JPEG scan uses quantization table 0, which is not defined")]
    [InlineData("jpeg-no-sos.jpg", "invalid image: JPEG has no scan before its EOI marker")]
    [InlineData("jpeg-precision-12.jpg", "invalid image: JPEG sample precision is 12 bits; only 8 is supported")]
    [InlineData("jpeg-precision-7.jpg", "invalid image: JPEG sample precision is 7 bits; only 8 is supported")]
    [InlineData("jpeg-sof3.jpg", "invalid image: JPEG frame header SOF3 uses a coding process that decoders do not support")]
    [InlineData("jpeg-sos-missing-component.jpg", "invalid image: JPEG scan names component 9, which the frame does not have")]
    [InlineData("jpeg-truncated-25.jpg", "invalid image: JPEG segment 0xC4 at offset 426 runs past the end of the data")]
    [InlineData("jpeg-truncated-50.jpg", "invalid image: JPEG ends before its EOI marker")]
    [InlineData("jpeg-truncated-90.jpg", "invalid image: JPEG ends before its EOI marker")]
    [InlineData("jpeg-truncated-after-sos.jpg", "invalid image: JPEG ends before its EOI marker")]
    [InlineData("jpeg-truncated-in-header.jpg", "invalid image: truncated JPEG header")]
    [InlineData("jpeg-truncated-no-eoi.jpg", "invalid image: JPEG ends before its EOI marker")]
    [InlineData("jpeg-truncated-progressive-60.jpg", "invalid image: JPEG ends before its EOI marker")]
    [InlineData("jpeg-zero-width.jpg", "invalid image: JPEG frame header has zero width")]
    [InlineData("png-apng-actl-too-many.png", "invalid image: PNG acTL announces 9 frames but 4 are present")]
    [InlineData("png-apng-truncated-70.png", "invalid image: PNG chunk 'fdAT' at offset 1337 runs past the end of the data")]
    [InlineData("png-bad-bit-depth.png", "invalid image: PNG IHDR has an invalid bit depth")]
    [InlineData("png-chunk-past-end.png", "invalid image: PNG chunk 'IDAT' at offset 33 runs past the end of the data")]
    [InlineData("png-flipped-bytes.png", "invalid image: PNG chunk 'IDAT' at offset 33 has a wrong CRC")]
    [InlineData("png-idat-bad-crc.png", "invalid image: PNG chunk 'IDAT' at offset 33 has a wrong CRC")]
    [InlineData("png-idat-before-ihdr.png", "invalid image: PNG does not start with an IHDR chunk")]
    [InlineData("png-ihdr-bad-crc.png", "invalid image: PNG chunk 'IHDR' at offset 8 has a wrong CRC")]
    [InlineData("png-no-idat.png", "invalid image: PNG has no IDAT chunk")]
    [InlineData("png-truncated-30.png", "invalid image: PNG chunk 'IDAT' at offset 33 runs past the end of the data")]
    [InlineData("png-truncated-60.png", "invalid image: PNG chunk 'IDAT' at offset 33 runs past the end of the data")]
    [InlineData("png-truncated-90.png", "invalid image: PNG chunk 'IDAT' at offset 33 runs past the end of the data")]
    [InlineData("png-truncated-interlaced-361.png", "invalid image: PNG chunk 'IDAT' at offset 111 runs past the end of the data")]
    [InlineData("webp-animated-truncated-60.webp", "invalid image: WebP RIFF size 4814 runs past the end of the data (2885 bytes after the RIFF header)")]
    [InlineData("webp-chunk-size-past-riff.webp", "invalid image: WebP chunk 'VP8 ' at offset 12 runs past the end of the RIFF")]
    [InlineData("webp-lossless-truncated-70.webp", "invalid image: WebP RIFF size 442 runs past the end of the data (307 bytes after the RIFF header)")]
    [InlineData("webp-riff-size-too-big.webp", "invalid image: WebP RIFF size 1162 runs past the end of the data (1054 bytes after the RIFF header)")]
    [InlineData("webp-riff-size-too-small.webp", "invalid image: WebP chunk 'VP8 ' at offset 12 runs past the end of the RIFF")]
    [InlineData("webp-truncated-30.webp", "invalid image: WebP RIFF size 1054 runs past the end of the data (310 bytes after the RIFF header)")]
    [InlineData("webp-truncated-60.webp", "invalid image: WebP RIFF size 1054 runs past the end of the data (629 bytes after the RIFF header)")]
    [InlineData("webp-truncated-90.webp", "invalid image: WebP RIFF size 1054 runs past the end of the data (947 bytes after the RIFF header)")]
    [InlineData("webp-vp8-bad-start-code.webp", "invalid image: WebP VP8 start code is missing")]
    [InlineData("webp-vp8l-bad-signature.webp", "invalid image: WebP VP8L signature is missing")]
    [InlineData("webp-vp8x-animation-flag-no-frames.webp", "invalid image: WebP VP8X flags an animation but has no ANMF frames")]
    [InlineData("webp-vp8x-animation-flag-off.webp", "invalid image: WebP has ANMF frames but VP8X does not flag an animation")]
    [InlineData("webp-vp8x-canvas-too-small.webp", "invalid image: WebP frame 1 (96x64 at 0,0) does not fit the 10x10 canvas")]
    public void CheckBytes_BrokenCorpusFile_RefusedWithExactMessage(string file, string message)
    {
        var result = ImageContentChecker.CheckBytes(ImageCorpus.Load(file), null, ImageCheckOptions.Default, "messages[0].content[1]");

        Assert.False(result.Succeeded);
        Assert.Equal(ValidationErrorCode.InvalidImage, result.Error.Code);
        Assert.Equal(message, result.Error.Message);
        Assert.Equal("messages[0].content[1]", result.Error.Path);
    }

    [Theory]
    [InlineData("gif-animated-2.gif", 2)]
    [InlineData("gif-animated-5.gif", 5)]
    [InlineData("gif-no-trailer.gif", 5)]
    [InlineData("webp-animated-5.webp", 5)]
    [InlineData("webp-pillow-animated-3.webp", 3)]
    [InlineData("png-apng-4.png", 4)]
    [InlineData("png-apng-default-image.png", 3)]
    public void CheckBase64_AnimatedCorpusFile_CountsEveryFrame(string file, int frames)
    {
        var base64 = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(ImageCorpus.Load(file)));

        var result = ImageContentChecker.CheckBase64(base64, null, ImageCheckOptions.Default);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal((frames, true), (result.Info.FrameCount, result.Info.IsAnimated));
    }

    [Theory]
    [InlineData("png-apng-actl-zero.png")]
    [InlineData("gif-static.gif")]
    [InlineData("webp-lossy-alpha.webp")]
    public void CheckBytes_StillCorpusFile_HasOneFrame(string file)
    {
        var result = ImageContentChecker.CheckBytes(ImageCorpus.Load(file), null, ImageCheckOptions.Default);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal((1, false), (result.Info.FrameCount, result.Info.IsAnimated));
    }

    [Theory]
    [InlineData("jpeg-truncated-50.jpg")]
    [InlineData("png-truncated-60.png")]
    [InlineData("gif-truncated-60.gif")]
    [InlineData("webp-truncated-60.webp")]
    public void CheckBase64_TruncatedCorpusFile_RefusedLikeItsBytes(string file)
    {
        var bytes = ImageCorpus.Load(file);
        var base64 = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks));

        var fromBase64 = ImageContentChecker.CheckBase64(base64, null, ImageCheckOptions.Default);
        var fromBytes = ImageContentChecker.CheckBytes(bytes, null, ImageCheckOptions.Default);

        Assert.False(fromBase64.Succeeded);
        Assert.Equal(fromBytes.Error!.Message, fromBase64.Error.Message);
        Assert.Equal(bytes.Length, fromBase64.Bytes);
    }
}
