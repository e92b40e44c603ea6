using System.Globalization;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace Valar.Validation.Images.Decoding;

/// <summary>
/// Integrity level <c>decode</c>: decodes every frame of an image with SkiaSharp (libjpeg-turbo, libpng, libwebp and
/// Skia's GIF decoder) into a buffer of one frame's RGBA pixels. The caller has already bounded width × height × frames
/// by the decode budget. <see cref="SKCodecResult.IncompleteInput"/> and <see cref="SKCodecResult.ErrorInInput"/> are
/// refusals, as is a codec that cannot be created. Never throws for bad input.
/// </summary>
internal static class SkiaImageDecoder
{
    private const int BytesPerPixel = 4;

    /// <summary>Returns null when every frame decodes, otherwise the problem for <c>invalid image: …</c>.</summary>
    public static unsafe string? Decode(ReadOnlySpan<byte> content, ImageInfo info)
    {
        fixed (byte* pointer = content)
        {
            // Skia reads the pinned bytes in place; the SKData does not outlive this block.
            using var data = SKData.Create((IntPtr)pointer, content.Length);
            using var codec = SKCodec.Create(data);
            if (codec is null)
            {
                return Problem(info, "the decoder does not recognize the data");
            }

            var imageInfo = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
            var rowBytes = (long)imageInfo.Width * BytesPerPixel;
            var size = rowBytes * imageInfo.Height;
            if (size <= 0 || size > int.MaxValue)
            {
                return Problem(info, "the decoder reports a size it cannot decode");
            }

            // Native memory, freed as soon as the decode ends: a frame can be hundreds of megabytes, which a pool would keep.
            var pixels = NativeMemory.Alloc((nuint)size);
            try
            {
                var frames = Math.Max(1, codec.FrameCount);
                var frameInfos = codec.FrameCount > 0 ? codec.FrameInfo : [];
                for (var frame = 0; frame < frames; frame++)
                {
                    var result = DecodeFrame(codec, imageInfo, (IntPtr)pixels, (int)rowBytes, frame, frameInfos);
                    if (result is SKCodecResult.Success)
                    {
                        continue;
                    }

                    var where = frames == 1 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"frame {frame + 1}: ");
                    return Problem(info, where + result switch
                    {
                        SKCodecResult.IncompleteInput => "decoding stopped before the image was complete",
                        SKCodecResult.ErrorInInput => "the image data is corrupt",
                        _ => $"the decoder refused it ({result})",
                    });
                }

                return null;
            }
            finally
            {
                NativeMemory.Free(pixels);
            }
        }
    }

    private static SKCodecResult DecodeFrame(SKCodec codec, SKImageInfo imageInfo, IntPtr pixels, int rowBytes, int frame, SKCodecFrameInfo[] frameInfos)
    {
        if (frame == 0 || frame >= frameInfos.Length)
        {
            return codec.GetPixels(imageInfo, pixels, rowBytes, new SKCodecOptions(frame));
        }

        // Frames are decoded in order into one buffer, so frame n-1 is there for a frame that builds on it.
        var required = frameInfos[frame].RequiredFrame;
        var previousRestores = frameInfos[frame - 1].DisposalMethod == SKCodecAnimationDisposalMethod.RestorePrevious;
        var options = required >= 0 && !previousRestores ? new SKCodecOptions(frame, frame - 1) : new SKCodecOptions(frame);
        var result = codec.GetPixels(imageInfo, pixels, rowBytes, options);
        return result == SKCodecResult.InvalidParameters && options.PriorFrame >= 0
            ? codec.GetPixels(imageInfo, pixels, rowBytes, new SKCodecOptions(frame))
            : result;
    }

    private static string Problem(ImageInfo info, string detail) => $"{FormatName(info.Format)} could not be decoded: {detail}";

    private static string FormatName(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "JPEG",
        ImageFormat.Png => "PNG",
        ImageFormat.Gif => "GIF",
        _ => "WebP",
    };
}
