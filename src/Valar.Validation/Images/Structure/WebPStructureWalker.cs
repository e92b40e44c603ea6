using System.Buffers.Binary;

namespace Valar.Validation.Images.Structure;

/// <summary>
/// Walks a WebP RIFF as libwebp's demuxer does: the RIFF size covers every chunk and does not exceed the data (bytes
/// after it are ignored), chunk sizes stay inside it, the VP8X animation flag matches the ANMF chunks, the canvas
/// holds every frame (and equals a still image's size), and each VP8/VP8L bitstream header is valid and fits its chunk.
/// </summary>
internal static class WebPStructureWalker
{
    private const int RiffHeaderSize = 12; // "RIFF", size, "WEBP"
    private const int ChunkHeaderSize = 8;
    private const int Vp8XPayloadSize = 10;
    private const byte AnimationFlag = 0x02;
    private const int AnmfHeaderSize = 16; // x/2 (3), y/2 (3), width-1 (3), height-1 (3), duration (3), flags (1)
    private const int Vp8HeaderSize = 10; // frame tag (3), start code (3), width (2), height (2)
    private const int Vp8LHeaderSize = 5;
    private const byte Vp8LSignature = 0x2F;

    private static ReadOnlySpan<byte> Vp8 => "VP8 "u8;

    private static ReadOnlySpan<byte> Vp8L => "VP8L"u8;

    private static ReadOnlySpan<byte> Vp8X => "VP8X"u8;

    private static ReadOnlySpan<byte> Anmf => "ANMF"u8;

    private static ReadOnlySpan<byte> Vp8StartCode => [0x9D, 0x01, 0x2A];

    public static StructureResult Walk(ReadOnlySpan<byte> data, ImageInfo header)
    {
        var riffSize = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (riffSize > data.Length - 8)
        {
            return StructureResult.Invalid(StructureProblems.WebPRiffPastEnd(riffSize, data.Length - 8));
        }

        // libwebp reads the RIFF only: whatever follows it is not part of the image.
        var riff = data[..(8 + (int)riffSize)];
        var offset = RiffHeaderSize;
        var isExtended = false;
        var animationFlag = false;
        int canvasWidth = 0, canvasHeight = 0;
        var frames = 0;
        var stillImages = 0;
        while (offset < riff.Length)
        {
            if (offset + ChunkHeaderSize > riff.Length)
            {
                return StructureResult.Invalid(StructureProblems.WebPRiffTooSmall);
            }

            var fourCc = riff.Slice(offset, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(riff[(offset + 4)..]);
            var padded = (long)size + (size & 1);
            if (offset + ChunkHeaderSize + (long)size > riff.Length)
            {
                return StructureResult.Invalid(StructureProblems.WebPChunkPastRiff(Name(fourCc), offset));
            }

            var payload = riff.Slice(offset + ChunkHeaderSize, (int)size);
            if (offset == RiffHeaderSize && fourCc.SequenceEqual(Vp8X) && size >= Vp8XPayloadSize)
            {
                isExtended = true;
                animationFlag = (payload[0] & AnimationFlag) != 0;
                canvasWidth = ReadUInt24(payload[4..]) + 1;
                canvasHeight = ReadUInt24(payload[7..]) + 1;
            }
            else if (fourCc.SequenceEqual(Anmf))
            {
                frames++;
                if (FrameProblem(payload, frames, canvasWidth, canvasHeight, isExtended) is { } problem)
                {
                    return StructureResult.Invalid(problem);
                }
            }
            else if (fourCc.SequenceEqual(Vp8) || fourCc.SequenceEqual(Vp8L))
            {
                stillImages++;
                if (BitstreamProblem(fourCc, payload, out var width, out var height) is { } problem)
                {
                    return StructureResult.Invalid(StructureProblems.WebPBitstream(problem));
                }

                if (isExtended && !animationFlag && (width != canvasWidth || height != canvasHeight))
                {
                    return StructureResult.Invalid(StructureProblems.WebPCanvasMismatch(canvasWidth, canvasHeight, width, height));
                }

                if (!isExtended)
                {
                    // A simple file is one bitstream; libwebp ignores what follows it inside the RIFF.
                    return StructureResult.Valid(header);
                }
            }

            // The last chunk may omit its pad byte when the RIFF ends there.
            offset = (int)Math.Min(riff.Length, offset + ChunkHeaderSize + padded);
        }

        if (animationFlag && frames == 0)
        {
            return StructureResult.Invalid(StructureProblems.WebPAnimationFlagWithoutFrames);
        }

        if (!animationFlag && frames > 0)
        {
            return StructureResult.Invalid(StructureProblems.WebPFramesWithoutAnimationFlag);
        }

        if (!animationFlag && stillImages == 0)
        {
            return StructureResult.Invalid(StructureProblems.WebPNoImageData);
        }

        return StructureResult.Valid(animationFlag ? header with { FrameCount = frames, IsAnimated = true } : header with { FrameCount = 1, IsAnimated = false });
    }

    private static string? FrameProblem(ReadOnlySpan<byte> anmf, int frame, int canvasWidth, int canvasHeight, bool isExtended)
    {
        if (!isExtended || anmf.Length < AnmfHeaderSize)
        {
            return StructureProblems.WebPFrame(frame, "has a malformed ANMF header");
        }

        var x = ReadUInt24(anmf) * 2;
        var y = ReadUInt24(anmf[3..]) * 2;
        var width = ReadUInt24(anmf[6..]) + 1;
        var height = ReadUInt24(anmf[9..]) + 1;
        if ((long)x + width > canvasWidth || (long)y + height > canvasHeight)
        {
            return StructureProblems.WebPFrameOutsideCanvas(frame, width, height, x, y, canvasWidth, canvasHeight);
        }

        // The frame's own chunks: optional ALPH, then VP8 or VP8L (unknown chunks are skipped).
        var chunks = anmf[AnmfHeaderSize..];
        while (chunks.Length >= ChunkHeaderSize)
        {
            var fourCc = chunks[..4];
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunks[4..]);
            if (ChunkHeaderSize + (long)size > chunks.Length)
            {
                return StructureProblems.WebPFrame(frame, $"chunk '{Name(fourCc)}' runs past the end of its ANMF chunk");
            }

            var payload = chunks.Slice(ChunkHeaderSize, (int)size);
            if (fourCc.SequenceEqual(Vp8) || fourCc.SequenceEqual(Vp8L))
            {
                if (BitstreamProblem(fourCc, payload, out var bitstreamWidth, out var bitstreamHeight) is { } problem)
                {
                    return StructureProblems.WebPFrame(frame, problem);
                }

                return bitstreamWidth != width || bitstreamHeight != height
                    ? StructureProblems.WebPFrame(frame, $"is {width}x{height} in ANMF but {bitstreamWidth}x{bitstreamHeight} in its bitstream")
                    : null;
            }

            chunks = chunks[(int)Math.Min(chunks.Length, ChunkHeaderSize + (long)size + (size & 1))..];
        }

        return StructureProblems.WebPFrame(frame, "has no VP8 or VP8L image data");
    }

    /// <summary>Checks a VP8 or VP8L bitstream header and that its first partition fits the chunk.</summary>
    private static string? BitstreamProblem(ReadOnlySpan<byte> fourCc, ReadOnlySpan<byte> payload, out int width, out int height)
    {
        width = height = 0;
        if (fourCc.SequenceEqual(Vp8L))
        {
            if (payload.Length < Vp8LHeaderSize)
            {
                return "VP8L chunk is too small";
            }

            if (payload[0] != Vp8LSignature)
            {
                return "VP8L signature is missing";
            }

            var bits = BinaryPrimitives.ReadUInt32LittleEndian(payload[1..]);
            if (bits >> 29 != 0)
            {
                return "VP8L version is not 0";
            }

            width = (int)(bits & 0x3FFF) + 1;
            height = (int)((bits >> 14) & 0x3FFF) + 1;
            return null;
        }

        if (payload.Length < Vp8HeaderSize)
        {
            return "VP8 chunk is too small";
        }

        var frameTag = payload[0] | (payload[1] << 8) | (payload[2] << 16);
        if ((frameTag & 1) != 0)
        {
            return "VP8 frame is not a key frame";
        }

        if (!payload.Slice(3, 3).SequenceEqual(Vp8StartCode))
        {
            return "VP8 start code is missing";
        }

        // The first partition (modes and probabilities) follows the 10-byte header and must fit the chunk.
        var firstPartition = frameTag >> 5;
        if (Vp8HeaderSize + (long)firstPartition > payload.Length)
        {
            return "VP8 first partition runs past the end of its chunk";
        }

        width = BinaryPrimitives.ReadUInt16LittleEndian(payload[6..]) & 0x3FFF;
        height = BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]) & 0x3FFF;
        return width == 0 || height == 0 ? "VP8 frame has a zero dimension" : null;
    }

    private static int ReadUInt24(ReadOnlySpan<byte> data) => data[0] | (data[1] << 8) | (data[2] << 16);

    private static string Name(ReadOnlySpan<byte> fourCc)
    {
        Span<char> name = stackalloc char[4];
        for (var i = 0; i < 4; i++)
        {
            name[i] = fourCc[i] is >= 0x20 and < 0x7F ? (char)fourCc[i] : '?';
        }

        return new string(name);
    }
}
