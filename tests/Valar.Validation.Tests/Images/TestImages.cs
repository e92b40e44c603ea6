using System.Buffers.Binary;
using System.Text;

namespace Valar.Validation.Tests.Images;

/// <summary>Committed sample images (made with ImageMagick, cwebp and gif2webp) and synthetic ones for edge cases.</summary>
internal static class TestImages
{
    private static readonly Lazy<string> AssetDirectory = new(FindAssetDirectory);

    public static byte[] Load(string name) => File.ReadAllBytes(Path.Combine(AssetDirectory.Value, name));

    /// <summary>
    /// The baseline sample with a 30,000-byte EXIF APP1 and a 4,000-byte ICC APP2 inserted after SOI, so its frame
    /// header starts past byte 34,000 (too big to commit under the asset size limit, so built here).
    /// </summary>
    public static byte[] JpegWithLargeExif()
    {
        var baseline = Load("jpeg-baseline.jpg");
        return Concat(
            baseline.AsSpan(0, 2).ToArray(),
            JpegSegment(0xE1, [.. "Exif\0\0"u8, .. Filler(30_000 - 6, 0x4D)]),
            JpegSegment(0xE2, [.. "ICC_PROFILE\0"u8, 1, 1, .. Filler(4_000 - 14, 0x00)]),
            baseline.AsSpan(2).ToArray());
    }

    /// <summary>SOI, then <paramref name="segments"/>, then EOI.</summary>
    public static byte[] Jpeg(params byte[][] segments) => Concat([[0xFF, 0xD8], .. segments, [0xFF, 0xD9]]);

    public static byte[] JpegSegment(byte marker, byte[] payload)
    {
        var length = payload.Length + 2;
        return [0xFF, marker, (byte)(length >> 8), (byte)length, .. payload];
    }

    /// <summary>A frame header with three components.</summary>
    public static byte[] JpegFrameHeader(byte marker, int width, int height) =>
        JpegSegment(marker, [8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);

    /// <summary>A PNG signature, IHDR and the given chunks. CRCs are zero: the inspector does not check them.</summary>
    public static byte[] Png(int width, int height, byte interlace = 0, params byte[][] chunks)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 6; // RGBA
        ihdr[12] = interlace;
        return Concat([[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], PngChunk("IHDR", ihdr), .. chunks, PngChunk("IEND", [])]);
    }

    public static byte[] PngChunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        return chunk;
    }

    public static byte[] PngAnimationControl(uint frames)
    {
        var data = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(data, frames);
        return PngChunk("acTL", data);
    }

    /// <summary>A GIF header and logical screen descriptor without a color table, then <paramref name="blocks"/>, then the trailer.</summary>
    public static byte[] Gif(int width, int height, params byte[][] blocks) =>
        Concat([[.. "GIF89a"u8, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0, 0, 0], .. blocks, [0x3B]]);

    /// <summary>An image descriptor, LZW code size and one data sub-block.</summary>
    public static byte[] GifFrame(int width, int height) =>
        [0x2C, 0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0, 2, 2, 0x4C, 0x01, 0];

    /// <summary>A RIFF/WEBP container around the given chunks (sizes as given, pads not added).</summary>
    public static byte[] WebP(params byte[][] chunks)
    {
        var body = Concat(chunks);
        var header = new byte[12];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)(body.Length + 4));
        "WEBP"u8.CopyTo(header.AsSpan(8));
        return Concat(header, body);
    }

    public static byte[] RiffChunk(string fourCc, byte[] data)
    {
        var chunk = new byte[8 + data.Length + (data.Length & 1)];
        Encoding.ASCII.GetBytes(fourCc, chunk);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), (uint)data.Length);
        data.CopyTo(chunk, 8);
        return chunk;
    }

    /// <summary>A VP8 key frame header: frame tag, start code 9D 01 2A, 14-bit width and height.</summary>
    public static byte[] Vp8Chunk(int width, int height, byte frameTag = 0x10, byte startCode0 = 0x9D) =>
        RiffChunk("VP8 ", [frameTag, 0, 0, startCode0, 0x01, 0x2A, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0, 0]);

    /// <summary>A VP8L header: signature 0x2F, then width-1 and height-1 in 14 bits each, alpha bit, 3-bit version.</summary>
    public static byte[] Vp8LChunk(int width, int height, uint version = 0, byte signature = 0x2F)
    {
        var bits = (uint)(width - 1) | ((uint)(height - 1) << 14) | (version << 29);
        var data = new byte[] { signature, 0, 0, 0, 0, 0 };
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(1), bits);
        return RiffChunk("VP8L", data);
    }

    /// <summary>A VP8X header: flags, 3 reserved bytes, 24-bit canvas width-1 and height-1.</summary>
    public static byte[] Vp8XChunk(int width, int height, byte flags = 0)
    {
        var w = width - 1;
        var h = height - 1;
        return RiffChunk("VP8X", [flags, 0, 0, 0, (byte)w, (byte)(w >> 8), (byte)(w >> 16), (byte)h, (byte)(h >> 8), (byte)(h >> 16)]);
    }

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }

        return result;
    }

    private static byte[] Filler(int count, byte value) => Enumerable.Repeat(value, count).ToArray();

    /// <summary>Assets stay in the source tree (the test project file copies nothing): look upwards from the test binaries.</summary>
    private static string FindAssetDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (var candidate in new[] { "Images/Assets", "tests/Valar.Validation.Tests/Images/Assets" })
            {
                var path = Path.Combine(directory.FullName, candidate);
                if (File.Exists(Path.Combine(path, "jpeg-baseline.jpg")))
                {
                    return path;
                }
            }
        }

        throw new DirectoryNotFoundException($"Images/Assets not found above '{AppContext.BaseDirectory}'.");
    }
}
