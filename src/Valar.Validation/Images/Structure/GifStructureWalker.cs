using System.Buffers.Binary;

namespace Valar.Validation.Images.Structure;

/// <summary>
/// Walks a GIF block by block to its trailer: every extension and image sub-block inside the data, and every frame with
/// image data and an LZW minimum code size in range. Like Pillow, a byte that starts no block is skipped, and a file
/// that ends after a complete frame without its trailer is accepted. The LZW codes themselves are not read: that is
/// serial, code by code, at a few hundred MB/s, so damage inside the compressed data is the decode level's to find,
/// as it is for PNG's deflate and WebP's VP8L data.
/// </summary>
internal static class GifStructureWalker
{
    private const int HeaderSize = 13; // signature, version, logical screen descriptor
    private const int ImageDescriptorSize = 10;
    private const byte ColorTableFlag = 0x80;
    private const byte ColorTableSizeMask = 0x07;
    private const byte ImageSeparator = 0x2C;
    private const byte ExtensionIntroducer = 0x21;
    private const byte Trailer = 0x3B;
    private const int MaxLzwCodeSize = 11; // Pillow and giflib refuse 12 and above
    private const int MinUsualCodeSize = 2; // outside 2..8 decoders disagree on the meaning (Skia refuses 0, Pillow decodes it)
    private const int MaxUsualCodeSize = 8;

    public static StructureResult Walk(ReadOnlySpan<byte> data, ImageInfo header)
    {
        var offset = HeaderSize + ColorTableSize(data[10]);
        var frames = 0;
        var unusualCodeSize = false;
        int right = header.Width, bottom = header.Height;
        while (offset < data.Length)
        {
            switch (data[offset])
            {
                case Trailer:
                    return Result(header, frames, unusualCodeSize, right, bottom);

                case ExtensionIntroducer:
                    offset = SkipSubBlocks(data, offset + 2);
                    if (offset < 0)
                    {
                        return StructureResult.Invalid(StructureProblems.GifEndsInsideExtension);
                    }

                    break;

                case ImageSeparator:
                    frames++;
                    if (offset + ImageDescriptorSize + 1 > data.Length)
                    {
                        return StructureResult.Invalid(StructureProblems.GifEndsInsideFrame(frames));
                    }

                    var width = BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 5)..]);
                    var height = BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 7)..]);

                    // A frame may reach past the logical screen: Pillow grows the image to hold it, so the decode budget counts it.
                    right = Math.Max(right, BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 1)..]) + width);
                    bottom = Math.Max(bottom, BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 3)..]) + height);
                    var codeSizeOffset = offset + ImageDescriptorSize + ColorTableSize(data[offset + 9]);
                    if (codeSizeOffset >= data.Length)
                    {
                        return StructureResult.Invalid(StructureProblems.GifEndsInsideFrame(frames));
                    }

                    var codeSize = data[codeSizeOffset];
                    if (codeSize > MaxLzwCodeSize)
                    {
                        return StructureResult.Invalid(StructureProblems.GifLzwCodeSize(frames, codeSize));
                    }

                    var end = SkipSubBlocks(data, codeSizeOffset + 1);
                    if (end < 0)
                    {
                        return StructureResult.Invalid(StructureProblems.GifEndsInsideFrame(frames));
                    }

                    if (end == codeSizeOffset + 2)
                    {
                        return StructureResult.Invalid(StructureProblems.GifNoImageData(frames));
                    }

                    unusualCodeSize |= codeSize is < MinUsualCodeSize or > MaxUsualCodeSize;

                    offset = end;
                    break;

                default:
                    offset++; // Pillow skips a byte that starts no block
                    break;
            }
        }

        return Result(header, frames, unusualCodeSize, right, bottom);
    }

    private static StructureResult Result(ImageInfo header, int frames, bool unusualCodeSize, int right, int bottom) =>
        frames == 0
            ? StructureResult.Invalid(StructureProblems.GifNoFrames)
            : StructureResult.Valid(header with { FrameCount = frames, IsAnimated = frames > 1 }, decoderDisagrees: unusualCodeSize) with
            {
                DecodeWidth = right,
                DecodeHeight = bottom,
            };

    private static int ColorTableSize(byte flags) =>
        (flags & ColorTableFlag) == 0 ? 0 : 3 << ((flags & ColorTableSizeMask) + 1);

    /// <summary>Returns the offset after the zero-length terminator, or -1 when the data ends first.</summary>
    private static int SkipSubBlocks(ReadOnlySpan<byte> data, int offset)
    {
        while (offset < data.Length)
        {
            var size = data[offset];
            offset += 1 + size;
            if (size == 0)
            {
                return offset;
            }
        }

        return -1;
    }
}
