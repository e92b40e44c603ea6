using System.Buffers.Binary;

namespace Valar.Validation.Images;

/// <summary>Reads a PNG signature and IHDR chunk, then looks for an APNG <c>acTL</c> chunk before the first <c>IDAT</c>.</summary>
internal static class PngHeaderReader
{
    /// <summary>Signature (8) + IHDR length (4) + type (4) + IHDR data up to the interlace byte (13).</summary>
    public const int HeaderSize = 29;

    private const int IhdrOffset = 8;
    private const int IhdrDataOffset = IhdrOffset + ChunkHeaderSize;
    private const int IhdrDataLength = 13;
    private const int ChunkHeaderSize = 8; // length (4, big-endian) + type (4)
    private const int ChunkCrcSize = 4;
    private const int ActlDataLength = 8; // num_frames (4) + num_plays (4)
    private const byte InterlaceNone = 0;
    private const byte InterlaceAdam7 = 1;

    private static ReadOnlySpan<byte> PngSignature =>
    [
        0x89, // high bit set: detects transmission over 7-bit channels
        0x50, // 'P'
        0x4E, // 'N'
        0x47, // 'G'
        0x0D, // CR
        0x0A, // LF: CRLF detects line-ending conversion
        0x1A, // Ctrl-Z: stops `type` on DOS
        0x0A, // LF: detects LF-to-CRLF conversion
    ];

    private static ReadOnlySpan<byte> IhdrType => "IHDR"u8;

    private static ReadOnlySpan<byte> IdatType => "IDAT"u8;

    private static ReadOnlySpan<byte> ActlType => "acTL"u8;

    /// <summary>Returns false when the bytes are not (a prefix of) a PNG; otherwise the inspection.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, bool isComplete, out ImageInspection result)
    {
        if (!Signature.MatchesPrefix(data, PngSignature))
        {
            result = default;
            return false;
        }

        result = Read(data, isComplete);
        return true;
    }

    private static ImageInspection Read(ReadOnlySpan<byte> data, bool isComplete)
    {
        if (data.Length >= IhdrDataOffset)
        {
            var ihdrLength = BinaryPrimitives.ReadUInt32BigEndian(data[IhdrOffset..]);
            if (!data.Slice(IhdrOffset + 4, 4).SequenceEqual(IhdrType))
            {
                return ImageInspection.Invalid(ImageFormat.Png, "PNG does not start with an IHDR chunk");
            }

            if (ihdrLength != IhdrDataLength)
            {
                return ImageInspection.Invalid(ImageFormat.Png, "PNG IHDR chunk has the wrong length");
            }
        }

        if (data.Length < HeaderSize)
        {
            return ImageInspection.Truncated(ImageFormat.Png, data.Length, HeaderSize, isComplete, "truncated PNG header");
        }

        var ihdr = data.Slice(IhdrDataOffset, IhdrDataLength);
        var width = BinaryPrimitives.ReadUInt32BigEndian(ihdr);
        var height = BinaryPrimitives.ReadUInt32BigEndian(ihdr[4..]);
        var interlace = ihdr[12];

        // PNG limits both dimensions to 2^31-1.
        if (width == 0)
        {
            return ImageInspection.Invalid(ImageFormat.Png, "PNG IHDR has zero width");
        }

        if (height == 0)
        {
            return ImageInspection.Invalid(ImageFormat.Png, "PNG IHDR has zero height");
        }

        if (width > int.MaxValue || height > int.MaxValue)
        {
            return ImageInspection.Invalid(ImageFormat.Png, "PNG IHDR dimensions exceed 2^31-1");
        }

        if (interlace is not (InterlaceNone or InterlaceAdam7))
        {
            return ImageInspection.Invalid(ImageFormat.Png, "PNG IHDR has an unknown interlace method");
        }

        var (isAnimated, frameCount) = FindAnimationControl(data);
        return ImageInspection.Recognized(new ImageInfo(ImageFormat.Png, (int)width, (int)height)
        {
            IsAnimated = isAnimated,
            FrameCount = frameCount,
        });
    }

    /// <summary>
    /// APNG puts <c>acTL</c> before the first <c>IDAT</c>; a decoder that meets <c>IDAT</c> first shows a still image.
    /// Only the chunks inside <paramref name="data"/> are looked at.
    /// </summary>
    private static (bool IsAnimated, int FrameCount) FindAnimationControl(ReadOnlySpan<byte> data)
    {
        long offset = IhdrDataOffset + IhdrDataLength + ChunkCrcSize;
        while (offset + ChunkHeaderSize <= data.Length)
        {
            var chunk = data[(int)offset..];
            var length = BinaryPrimitives.ReadUInt32BigEndian(chunk);
            var type = chunk.Slice(4, 4);
            if (type.SequenceEqual(IdatType))
            {
                break;
            }

            if (type.SequenceEqual(ActlType))
            {
                if (length < ActlDataLength || chunk.Length < ChunkHeaderSize + ActlDataLength)
                {
                    return (true, 1);
                }

                var frames = BinaryPrimitives.ReadUInt32BigEndian(chunk[ChunkHeaderSize..]);
                return (true, (int)Math.Clamp(frames, 1u, int.MaxValue));
            }

            offset += ChunkHeaderSize + (long)length + ChunkCrcSize;
        }

        return (false, 1);
    }
}
