using System.Buffers.Binary;

namespace Valar.Validation.Images;

/// <summary>
/// Reads a GIF header and logical screen descriptor, then walks the blocks to count image descriptors (frames).
/// Frames are counted in the bytes given: for a prefix the count is a lower bound.
/// </summary>
internal static class GifHeaderReader
{
    /// <summary>Signature and version (6) + logical screen descriptor (7).</summary>
    public const int HeaderSize = 13;

    private const int ScreenWidthOffset = 6;
    private const int ScreenHeightOffset = 8;
    private const int ScreenFlagsOffset = 10;
    private const byte ColorTableFlag = 0x80;
    private const byte ColorTableSizeMask = 0x07;
    private const int ImageDescriptorSize = 10; // separator, left, top, width, height (2 each), flags
    private const int ImageDescriptorFlagsOffset = 9;

    private const byte ImageSeparator = 0x2C; // ','
    private const byte ExtensionIntroducer = 0x21; // '!'
    private const byte Trailer = 0x3B; // ';'

    private static ReadOnlySpan<byte> Gif87a => "GIF87a"u8;

    private static ReadOnlySpan<byte> Gif89a => "GIF89a"u8;

    /// <summary>Returns false when the bytes are not (a prefix of) a GIF; otherwise the inspection.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, bool isComplete, out ImageInspection result)
    {
        if (!Signature.MatchesPrefix(data, Gif87a) && !Signature.MatchesPrefix(data, Gif89a))
        {
            result = default;
            return false;
        }

        result = Read(data, isComplete);
        return true;
    }

    private static ImageInspection Read(ReadOnlySpan<byte> data, bool isComplete)
    {
        if (data.Length < HeaderSize)
        {
            return ImageInspection.Truncated(ImageFormat.Gif, data.Length, HeaderSize, isComplete, "truncated GIF header");
        }

        var width = BinaryPrimitives.ReadUInt16LittleEndian(data[ScreenWidthOffset..]);
        var height = BinaryPrimitives.ReadUInt16LittleEndian(data[ScreenHeightOffset..]);
        if (width == 0)
        {
            return ImageInspection.Invalid(ImageFormat.Gif, "GIF logical screen has zero width");
        }

        if (height == 0)
        {
            return ImageInspection.Invalid(ImageFormat.Gif, "GIF logical screen has zero height");
        }

        var frames = CountFrames(data);
        if (frames == 0 && isComplete)
        {
            return ImageInspection.Invalid(ImageFormat.Gif, "GIF has no image data");
        }

        return ImageInspection.Recognized(new ImageInfo(ImageFormat.Gif, width, height)
        {
            FrameCount = Math.Max(1, frames),
            IsAnimated = frames > 1,
        });
    }

    private static int CountFrames(ReadOnlySpan<byte> data)
    {
        var frames = 0;
        long offset = HeaderSize + ColorTableSize(data[ScreenFlagsOffset]);
        while (offset < data.Length)
        {
            switch (data[(int)offset])
            {
                case ImageSeparator:
                    if (offset + ImageDescriptorSize > data.Length)
                    {
                        return frames;
                    }

                    var flags = data[(int)offset + ImageDescriptorFlagsOffset];
                    frames++;

                    // Local color table, then the LZW minimum code size byte, then the data sub-blocks.
                    offset = SkipSubBlocks(data, offset + ImageDescriptorSize + ColorTableSize(flags) + 1);
                    break;

                case ExtensionIntroducer:
                    // Introducer and label, then the sub-blocks.
                    offset = SkipSubBlocks(data, offset + 2);
                    break;

                case Trailer:
                    return frames;

                default:
                    // Not a block: decoders stop here too.
                    return frames;
            }
        }

        return frames;
    }

    private static int ColorTableSize(byte flags) =>
        (flags & ColorTableFlag) == 0 ? 0 : 3 << ((flags & ColorTableSizeMask) + 1);

    /// <summary>Returns the offset after the zero-length terminator, or past the end when the data stops first.</summary>
    private static long SkipSubBlocks(ReadOnlySpan<byte> data, long offset)
    {
        while (offset < data.Length)
        {
            var size = data[(int)offset];
            offset += 1 + size;
            if (size == 0)
            {
                return offset;
            }
        }

        return long.MaxValue;
    }
}
