using System.Buffers.Binary;

namespace Valar.Validation.Images;

/// <summary>
/// Reads a WebP RIFF header and its first chunk: <c>VP8 </c> (lossy), <c>VP8L</c> (lossless) or <c>VP8X</c> (extended).
/// For an animated VP8X file the <c>ANMF</c> chunks in the bytes given are counted as frames.
/// </summary>
internal static class WebPHeaderReader
{
    /// <summary>RIFF header (12) + first chunk header (8) + the 10 payload bytes that VP8 and VP8X need (VP8L needs 5).</summary>
    public const int HeaderSize = 30;

    private const int RiffHeaderSize = 12; // "RIFF", size (4, little-endian), "WEBP"
    private const int FormTypeOffset = 8;
    private const int ChunkHeaderSize = 8; // fourCC (4) + size (4, little-endian)
    private const int FirstChunkOffset = RiffHeaderSize;
    private const int PayloadOffset = RiffHeaderSize + ChunkHeaderSize;

    private const int Vp8PayloadSize = 10; // frame tag (3), start code (3), width (2), height (2)
    private const byte Vp8InterFrameBit = 0x01; // frame tag bit 0: 0 = key frame
    private const ushort Vp8DimensionMask = 0x3FFF; // the top 2 bits are the scaling code

    private const int Vp8LPayloadSize = 5; // signature (1) + 32 bits of size/alpha/version
    private const byte Vp8LSignature = 0x2F;
    private const uint Vp8LDimensionMask = 0x3FFF;
    private const int Vp8LHeightShift = 14;
    private const int Vp8LVersionShift = 29;

    private const int Vp8XPayloadSize = 10; // flags (1), reserved (3), canvas width-1 (3), canvas height-1 (3)
    private const byte Vp8XAnimationFlag = 0x02;
    private const int Vp8XCanvasWidthOffset = PayloadOffset + 4;
    private const int Vp8XCanvasHeightOffset = PayloadOffset + 7;

    private static ReadOnlySpan<byte> Riff => "RIFF"u8;

    private static ReadOnlySpan<byte> WebP => "WEBP"u8;

    private static ReadOnlySpan<byte> Vp8 => "VP8 "u8;

    private static ReadOnlySpan<byte> Vp8L => "VP8L"u8;

    private static ReadOnlySpan<byte> Vp8X => "VP8X"u8;

    private static ReadOnlySpan<byte> Anmf => "ANMF"u8;

    private static ReadOnlySpan<byte> Vp8StartCode =>
    [
        0x9D, // start code byte 1
        0x01, // start code byte 2
        0x2A, // start code byte 3
    ];

    /// <summary>Returns false when the bytes are not (a prefix of) a WebP file; otherwise the inspection.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, bool isComplete, out ImageInspection result)
    {
        if (!Signature.MatchesPrefix(data, Riff) || !Signature.AgreesAt(data, FormTypeOffset, WebP))
        {
            result = default;
            return false;
        }

        result = Read(data, isComplete);
        return true;
    }

    private static ImageInspection Read(ReadOnlySpan<byte> data, bool isComplete)
    {
        if (data.Length < PayloadOffset)
        {
            return ImageInspection.Truncated(ImageFormat.WebP, data.Length, HeaderSize, isComplete, "truncated WebP header");
        }

        var fourCc = data.Slice(FirstChunkOffset, 4);
        var chunkSize = BinaryPrimitives.ReadUInt32LittleEndian(data[(FirstChunkOffset + 4)..]);
        if (fourCc.SequenceEqual(Vp8))
        {
            return ReadVp8(data, chunkSize, isComplete);
        }

        if (fourCc.SequenceEqual(Vp8L))
        {
            return ReadVp8L(data, chunkSize, isComplete);
        }

        if (fourCc.SequenceEqual(Vp8X))
        {
            return ReadVp8X(data, chunkSize, isComplete);
        }

        return ImageInspection.Invalid(ImageFormat.WebP, "WebP does not start with a VP8, VP8L or VP8X chunk");
    }

    private static ImageInspection ReadVp8(ReadOnlySpan<byte> data, uint chunkSize, bool isComplete)
    {
        if (chunkSize < Vp8PayloadSize)
        {
            return ImageInspection.Invalid(ImageFormat.WebP, "WebP VP8 chunk is too small");
        }

        if (data.Length < PayloadOffset + Vp8PayloadSize)
        {
            return ImageInspection.Truncated(ImageFormat.WebP, data.Length, PayloadOffset + Vp8PayloadSize, isComplete, "truncated WebP header");
        }

        var payload = data[PayloadOffset..];
        if ((payload[0] & Vp8InterFrameBit) != 0)
        {
            return ImageInspection.Invalid(ImageFormat.WebP, "WebP VP8 frame is not a key frame");
        }

        if (!payload.Slice(3, 3).SequenceEqual(Vp8StartCode))
        {
            return ImageInspection.Invalid(ImageFormat.WebP, "WebP VP8 start code is missing");
        }

        var width = BinaryPrimitives.ReadUInt16LittleEndian(payload[6..]) & Vp8DimensionMask;
        var height = BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]) & Vp8DimensionMask;
        if (width == 0)
        {
            return ImageInspection.Invalid(ImageFormat.WebP, "WebP VP8 frame has zero width");
        }

        if (height == 0)
        {
            return ImageInspection.Invalid(ImageFormat.WebP, "WebP VP8 frame has zero height");
        }

        return ImageInspection.Recognized(new ImageInfo(ImageFormat.WebP, width, height));
    }

    private static ImageInspection ReadVp8L(ReadOnlySpan<byte> data, uint chunkSize, bool isComplete)
    {
        if (chunkSize < Vp8LPayloadSize)
        {
            return ImageInspection.Invalid(ImageFormat.WebP, "WebP VP8L chunk is too small");
        }

        if (data.Length > PayloadOffset && data[PayloadOffset] != Vp8LSignature)
        {
            return ImageInspection.Invalid(ImageFormat.WebP, "WebP VP8L signature is missing");
        }

        if (data.Length < PayloadOffset + Vp8LPayloadSize)
        {
            return ImageInspection.Truncated(ImageFormat.WebP, data.Length, PayloadOffset + Vp8LPayloadSize, isComplete, "truncated WebP header");
        }

        var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[(PayloadOffset + 1)..]);
        if (bits >> Vp8LVersionShift != 0)
        {
            return ImageInspection.Invalid(ImageFormat.WebP, "WebP VP8L version is not 0");
        }

        // Both fields hold the size minus one, so they are never zero.
        var width = (int)(bits & Vp8LDimensionMask) + 1;
        var height = (int)((bits >> Vp8LHeightShift) & Vp8LDimensionMask) + 1;
        return ImageInspection.Recognized(new ImageInfo(ImageFormat.WebP, width, height));
    }

    private static ImageInspection ReadVp8X(ReadOnlySpan<byte> data, uint chunkSize, bool isComplete)
    {
        if (chunkSize < Vp8XPayloadSize)
        {
            return ImageInspection.Invalid(ImageFormat.WebP, "WebP VP8X chunk is too small");
        }

        if (data.Length < PayloadOffset + Vp8XPayloadSize)
        {
            return ImageInspection.Truncated(ImageFormat.WebP, data.Length, PayloadOffset + Vp8XPayloadSize, isComplete, "truncated WebP header");
        }

        var isAnimated = (data[PayloadOffset] & Vp8XAnimationFlag) != 0;
        var width = ReadUInt24LittleEndian(data[Vp8XCanvasWidthOffset..]) + 1;
        var height = ReadUInt24LittleEndian(data[Vp8XCanvasHeightOffset..]) + 1;

        // The container limits width * height to 2^32 - 1.
        if ((long)width * height > uint.MaxValue)
        {
            return ImageInspection.Invalid(ImageFormat.WebP, "WebP canvas is larger than 2^32-1 pixels");
        }

        var frames = isAnimated ? CountAnimationFrames(data, PayloadOffset + PaddedSize(chunkSize)) : 1;
        return ImageInspection.Recognized(new ImageInfo(ImageFormat.WebP, width, height)
        {
            IsAnimated = isAnimated,
            FrameCount = Math.Max(1, frames),
        });
    }

    private static int CountAnimationFrames(ReadOnlySpan<byte> data, long offset)
    {
        var frames = 0;
        while (offset + ChunkHeaderSize <= data.Length)
        {
            var chunk = data[(int)offset..];
            if (chunk[..4].SequenceEqual(Anmf))
            {
                frames++;
            }

            offset += ChunkHeaderSize + PaddedSize(BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]));
        }

        return frames;
    }

    /// <summary>RIFF chunks are padded to an even size.</summary>
    private static long PaddedSize(uint size) => size + (size & 1L);

    private static int ReadUInt24LittleEndian(ReadOnlySpan<byte> data) => data[0] | (data[1] << 8) | (data[2] << 16);
}
