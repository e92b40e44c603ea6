using System.Buffers.Binary;

namespace Valar.Validation.Images.Structure;

/// <summary>
/// Walks a GIF block by block to its trailer: every extension and image sub-block inside the data, every frame with
/// image data and an LZW minimum code size in range, and each frame's LZW code stream consistent (no code beyond the
/// table, as Pillow's and giflib's decoders refuse) up to the frame's last pixel. Like Pillow, a byte that starts no
/// block is skipped, and a file that ends after a complete frame without its trailer is accepted.
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
    private const int MinCheckedCodeSize = 2; // below this decoders disagree on the meaning; the stream is not checked
    private const int MaxCheckedCodeSize = 8;
    private const int MaxCodeBits = 12;
    private const int TableSize = 1 << MaxCodeBits;

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

                    unusualCodeSize |= codeSize is < MinCheckedCodeSize or > MaxCheckedCodeSize;
                    if (codeSize is >= MinCheckedCodeSize and <= MaxCheckedCodeSize
                        && !LzwStreamIsConsistent(data[(codeSizeOffset + 1)..end], codeSize, (long)width * height))
                    {
                        return StructureResult.Invalid(StructureProblems.GifCorruptImageData(frames));
                    }

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

    /// <summary>
    /// Reads the LZW codes of one frame (its sub-blocks, terminator included) without producing pixels: every code must
    /// name a table entry that exists, until the frame's pixels are all accounted for or the end code arrives.
    /// Serial by nature (each code's width depends on the table), so kept to a few operations per code.
    /// </summary>
    private static bool LzwStreamIsConsistent(ReadOnlySpan<byte> subBlocks, int minimumCodeSize, long pixels)
    {
        // A string is at most as long as the table, so lengths fit in 16 bits.
        Span<ushort> lengths = stackalloc ushort[TableSize];
        lengths[..(1 << minimumCodeSize)].Fill(1);
        var clear = 1 << minimumCodeSize;
        var end = clear + 1;
        var next = end + 1;
        var codeSize = minimumCodeSize + 1;
        var mask = (1u << codeSize) - 1;
        var previous = -1;
        var remaining = pixels;
        ulong bits = 0;
        var bitCount = 0;
        var offset = 0;
        while (offset < subBlocks.Length)
        {
            int size = subBlocks[offset++];
            if (size == 0 || offset + size > subBlocks.Length)
            {
                break;
            }

            var block = subBlocks.Slice(offset, size);
            offset += size;
            for (var i = 0; i < block.Length; i++)
            {
                bits |= (ulong)block[i] << bitCount;
                bitCount += 8;
                while (bitCount >= codeSize)
                {
                    var code = (int)(bits & mask);
                    bits >>= codeSize;
                    bitCount -= codeSize;
                    if (code < clear && previous < 0)
                    {
                        remaining--;
                    }
                    else if (code == clear)
                    {
                        next = end + 1;
                        codeSize = minimumCodeSize + 1;
                        mask = (1u << codeSize) - 1;
                        previous = -1;
                        continue;
                    }
                    else if (code == end)
                    {
                        return true;
                    }
                    else if (previous < 0 || code > next || (code == next && next >= TableSize))
                    {
                        return false;
                    }
                    else
                    {
                        if (next < TableSize)
                        {
                            lengths[next] = (ushort)(lengths[previous] + 1);
                            next++;
                            if (next == 1 << codeSize && codeSize < MaxCodeBits)
                            {
                                codeSize++;
                                mask = (1u << codeSize) - 1;
                            }
                        }

                        remaining -= lengths[code];
                    }

                    previous = code;
                    if (remaining <= 0)
                    {
                        return true;
                    }
                }
            }
        }

        return true;
    }
}
