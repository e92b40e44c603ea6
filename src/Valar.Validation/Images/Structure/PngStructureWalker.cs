using System.Buffers.Binary;

namespace Valar.Validation.Images.Structure;

/// <summary>
/// Walks a PNG chunk by chunk: IHDR valid, every chunk inside the data, the CRC of every critical chunk
/// (<see cref="WideCrc32"/>), IDAT present, nothing but ignored bytes after IEND, and an APNG's acTL
/// consistent with its fcTL chunks. As libpng and Pillow do, a file that ends cleanly after its image data without IEND
/// is accepted, and ancillary chunks' CRCs are not checked.
/// </summary>
internal static class PngStructureWalker
{
    private const int SignatureSize = 8;
    private const int ChunkHeaderSize = 8; // length (4) + type (4)
    private const int CrcSize = 4;
    private const uint MaxChunkLength = int.MaxValue; // PNG: 2^31 - 1
    private const int IhdrDataLength = 13;
    private const int ActlDataLength = 8; // num_frames, num_plays
    private const int FctlDataLength = 26; // sequence, width, height, x, y, delay num/den, dispose, blend
    private const byte AncillaryBit = 0x20; // bit 5 of the first type byte: lower case = ancillary

    private static ReadOnlySpan<byte> Ihdr => "IHDR"u8;

    private static ReadOnlySpan<byte> Idat => "IDAT"u8;

    private static ReadOnlySpan<byte> Iend => "IEND"u8;

    private static ReadOnlySpan<byte> Actl => "acTL"u8;

    private static ReadOnlySpan<byte> Fctl => "fcTL"u8;

    public static StructureResult Walk(ReadOnlySpan<byte> data, ImageInfo header)
    {
        var offset = SignatureSize;
        var sawIdat = false;
        var announcedFrames = 0u;
        var sawActl = false;
        var frameControls = 0;
        var defaultImageInAnimation = false;
        while (true)
        {
            if (offset == data.Length && sawIdat)
            {
                break; // no IEND: libpng and Pillow both read such a file
            }

            if (offset + ChunkHeaderSize > data.Length)
            {
                return StructureResult.Invalid(offset == data.Length
                    ? StructureProblems.PngNoIdat
                    : StructureProblems.PngTrailingPartialChunk(offset));
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
            var type = data.Slice(offset + 4, 4);
            if (length > MaxChunkLength || offset + ChunkHeaderSize + (long)length + CrcSize > data.Length)
            {
                return StructureResult.Invalid(StructureProblems.PngChunkPastEnd(TypeName(type), offset));
            }

            var chunkData = data.Slice(offset + ChunkHeaderSize, (int)length);
            if ((type[0] & AncillaryBit) == 0)
            {
                var stored = BinaryPrimitives.ReadUInt32BigEndian(data[(offset + ChunkHeaderSize + (int)length)..]);
                if (WideCrc32.HashToUInt32(data.Slice(offset + 4, 4 + (int)length)) != stored)
                {
                    return StructureResult.Invalid(StructureProblems.PngChunkCrc(TypeName(type), offset));
                }
            }

            if (type.SequenceEqual(Ihdr))
            {
                if (offset != SignatureSize)
                {
                    return StructureResult.Invalid(StructureProblems.PngSecondIhdr);
                }

                if (CheckHeader(chunkData) is { } problem)
                {
                    return StructureResult.Invalid(problem);
                }
            }
            else if (type.SequenceEqual(Idat))
            {
                sawIdat = true;
            }
            else if (type.SequenceEqual(Actl) && !sawIdat && length >= ActlDataLength)
            {
                sawActl = true;
                announcedFrames = BinaryPrimitives.ReadUInt32BigEndian(chunkData);
            }
            else if (type.SequenceEqual(Fctl))
            {
                frameControls++;
                defaultImageInAnimation |= !sawIdat;
                if (sawActl && !FrameFits(chunkData, header))
                {
                    return StructureResult.Invalid(StructureProblems.PngFrameControl(frameControls));
                }
            }

            offset += ChunkHeaderSize + (int)length + CrcSize;
            if (type.SequenceEqual(Iend))
            {
                break; // bytes after IEND are ignored by decoders
            }
        }

        if (!sawIdat)
        {
            return StructureResult.Invalid(StructureProblems.PngNoIdat);
        }

        // An acTL with zero frames is ignored by Pillow and libpng: the file is a still PNG.
        if (!sawActl || announcedFrames == 0)
        {
            return StructureResult.Valid(header with { FrameCount = 1, IsAnimated = false });
        }

        if (announcedFrames != frameControls)
        {
            return StructureResult.Invalid(StructureProblems.PngAnimationFrames(announcedFrames, frameControls));
        }

        // Like Pillow, a default image that is not part of the animation (no fcTL before IDAT) counts as a frame too.
        return StructureResult.Valid(header with { FrameCount = frameControls + (defaultImageInAnimation ? 0 : 1), IsAnimated = true });
    }

    /// <summary>Bit depth, colour type and methods as the PNG specification (Table 11.1) allows them.</summary>
    private static string? CheckHeader(ReadOnlySpan<byte> ihdr)
    {
        if (ihdr.Length != IhdrDataLength)
        {
            return StructureProblems.PngIhdrField("length");
        }

        var bitDepth = ihdr[8];
        var colourType = ihdr[9];
        var depthAllowed = colourType switch
        {
            0 => bitDepth is 1 or 2 or 4 or 8 or 16, // greyscale
            2 or 4 or 6 => bitDepth is 8 or 16, // truecolour, greyscale + alpha, truecolour + alpha
            3 => bitDepth is 1 or 2 or 4 or 8, // indexed
            _ => false,
        };
        if (colourType is not (0 or 2 or 3 or 4 or 6))
        {
            return StructureProblems.PngIhdrField("colour type");
        }

        if (!depthAllowed)
        {
            return StructureProblems.PngIhdrField("bit depth");
        }

        if (ihdr[10] != 0)
        {
            return StructureProblems.PngIhdrField("compression method");
        }

        return ihdr[11] != 0 ? StructureProblems.PngIhdrField("filter method") : null;
    }

    private static bool FrameFits(ReadOnlySpan<byte> fctl, ImageInfo header)
    {
        if (fctl.Length < FctlDataLength)
        {
            return false;
        }

        var width = (long)BinaryPrimitives.ReadUInt32BigEndian(fctl[4..]);
        var height = (long)BinaryPrimitives.ReadUInt32BigEndian(fctl[8..]);
        var x = (long)BinaryPrimitives.ReadUInt32BigEndian(fctl[12..]);
        var y = (long)BinaryPrimitives.ReadUInt32BigEndian(fctl[16..]);
        return width > 0 && height > 0 && x + width <= header.Width && y + height <= header.Height;
    }

    private static string TypeName(ReadOnlySpan<byte> type)
    {
        Span<char> name = stackalloc char[4];
        for (var i = 0; i < 4; i++)
        {
            name[i] = char.IsAsciiLetter((char)type[i]) ? (char)type[i] : '?';
        }

        return new string(name);
    }
}
