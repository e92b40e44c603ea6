using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Valar.Testing.Images;

/// <summary>
/// Real, decodable images made in code, so tests need no binary fixtures: a PNG any viewer opens, a GIF, and
/// minimal JPEG/WebP/BMP files whose headers are exactly what the format specs say.
/// </summary>
public static class TestImages
{
    /// <summary>An RGB PNG of the given size. <paramref name="padToBytes"/> grows it to exactly that many bytes with an ancillary chunk.</summary>
    public static byte[] Png(int width, int height, int? padToBytes = null)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: truecolour
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "IDAT", CompressedScanlines(width, height));
        if (padToBytes is { } target)
        {
            // tEXt chunk overhead: 12 bytes of length/type/CRC plus the keyword and its NUL.
            var padding = target - (int)output.Length - 12 - 12;
            if (padding < 8)
            {
                throw new ArgumentOutOfRangeException(nameof(padToBytes), "Too small to pad to.");
            }

            var text = new byte[padding];
            Encoding.ASCII.GetBytes("Comment\0").CopyTo(text, 0);
            text.AsSpan(8).Fill((byte)'x');
            WriteChunk(output, "tEXt", text);
        }

        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>A one-colour GIF89a with the given logical screen, optionally <paramref name="frames"/> frames.</summary>
    public static byte[] Gif(int width, int height, int frames = 1)
    {
        using var output = new MemoryStream();
        output.Write("GIF89a"u8);
        Span<byte> screen = stackalloc byte[7];
        BinaryPrimitives.WriteUInt16LittleEndian(screen, (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(screen[2..], (ushort)height);
        screen[4] = 0x80; // global colour table of 2 entries
        output.Write(screen);
        output.Write([0, 0, 0, 0xFF, 0xFF, 0xFF]);
        Span<byte> descriptor = stackalloc byte[9];
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor[4..], (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor[6..], (ushort)height);
        for (var frame = 0; frame < frames; frame++)
        {
            output.Write([0x21, 0xF9, 0x04, 0x00, 0x0A, 0x00, 0x00, 0x00]); // graphic control extension, 100 ms
            output.WriteByte(0x2C);
            output.Write(descriptor);
            output.WriteByte(2); // LZW minimum code size
            WriteSubBlocks(output, BlackPixelsLzw(width * height));
        }

        output.WriteByte(0x3B);
        return output.ToArray();
    }

    /// <summary>
    /// An LZW code stream (minimum code size 2, so 3-bit codes) of <paramref name="pixels"/> black pixels that every decoder
    /// reads in full: a clear code before every two literals keeps the table from ever growing a bit wider.
    /// </summary>
    private static byte[] BlackPixelsLzw(int pixels)
    {
        const int clear = 4, end = 5, codeBits = 3;
        var codes = new List<int>();
        for (var pixel = 0; pixel < pixels; pixel++)
        {
            if (pixel % 2 == 0)
            {
                codes.Add(clear);
            }

            codes.Add(0);
        }

        codes.Add(end);
        var packed = new byte[((codes.Count * codeBits) + 7) / 8];
        for (var i = 0; i < codes.Count; i++)
        {
            for (var bit = 0; bit < codeBits; bit++)
            {
                var position = (i * codeBits) + bit;
                packed[position / 8] |= (byte)(((codes[i] >> bit) & 1) << (position % 8));
            }
        }

        return packed;
    }

    private static void WriteSubBlocks(MemoryStream output, ReadOnlySpan<byte> data)
    {
        for (var offset = 0; offset < data.Length; offset += 255)
        {
            var block = data[offset..Math.Min(offset + 255, data.Length)];
            output.WriteByte((byte)block.Length);
            output.Write(block);
        }

        output.WriteByte(0);
    }

    /// <summary>
    /// A baseline JPEG of any size that is structurally complete — SOI, APP0 JFIF, DQT, SOF0, a scan (standard Huffman
    /// tables, as Motion-JPEG uses), EOI — so it passes the structure level. Its scan holds four zero bytes, which
    /// libjpeg-turbo (in Pillow, libvips and Skia alike) pads to a grey picture with a warning. Use the corpus for real JPEGs.
    /// </summary>
    public static byte[] JpegHeader(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0xFF, 0xD8]);
        output.Write([0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
        output.Write([0xFF, 0xDB, 0x00, 0x84, 0x00]); // DQT: two 8-bit tables, 0 and 1
        output.Write(Filler(64, 0x01));
        output.WriteByte(0x01);
        output.Write(Filler(64, 0x01));
        output.Write([0xFF, 0xC0, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x03,
            0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
        output.Write([0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00]); // SOS: 3 components
        output.Write([0x00, 0x00, 0x00, 0x00]); // entropy-coded data
        output.Write([0xFF, 0xD9]);
        return output.ToArray();
    }

    /// <summary>A lossless WebP (VP8L) header of the given size.</summary>
    public static byte[] WebPLossless(int width, int height)
    {
        var bits = (uint)(width - 1) | ((uint)(height - 1) << 14);
        byte[] vp8l = [0x2F, (byte)bits, (byte)(bits >> 8), (byte)(bits >> 16), (byte)(bits >> 24), 0, 0, 0];
        using var output = new MemoryStream();
        output.Write("RIFF"u8);
        output.Write(BitConverter.GetBytes(4 + 8 + vp8l.Length));
        output.Write("WEBPVP8L"u8);
        output.Write(BitConverter.GetBytes(vp8l.Length));
        output.Write(vp8l);
        return output.ToArray();
    }

    /// <summary>A 24-bit BMP: a real image, but not a format the product accepts.</summary>
    public static byte[] Bmp(int width, int height)
    {
        var rowBytes = ((width * 3) + 3) & ~3;
        var bytes = new byte[54 + (rowBytes * height)];
        "BM"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        return bytes;
    }

    public static string DataUri(string mediaType, byte[] bytes) => $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";

    private static byte[] CompressedScanlines(int width, int height)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            var row = new byte[1 + (width * 3)];
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    row[1 + (x * 3)] = (byte)x;
                    row[2 + (x * 3)] = (byte)y;
                    row[3 + (x * 3)] = (byte)(x ^ y);
                }

                zlib.Write(row);
            }
        }

        return compressed.ToArray();
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        var crc = Crc32.Append(Crc32.Append(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        output.Write(crcBytes);
    }

    /// <summary>PNG's CRC-32 (ISO 3309); System.IO.Hashing does not restore here.</summary>
    private static class Crc32
    {
        private static readonly uint[] Table = BuildTable();

        public static uint Append(uint crc, ReadOnlySpan<byte> data)
        {
            foreach (var value in data)
            {
                crc = Table[(crc ^ value) & 0xFF] ^ (crc >> 8);
            }

            return crc;
        }

        private static uint[] BuildTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                var c = n;
                for (var k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }

    // Committed samples (made with ImageMagick, cwebp and gif2webp) and byte-level builders for header edge cases.

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
    public static byte[] PngWithChunks(int width, int height, byte interlace = 0, params byte[][] chunks)
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
    public static byte[] GifWithBlocks(int width, int height, params byte[][] blocks) =>
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

    /// <summary>Assets stay in the source tree (no project copies them): look upwards from the test binaries.</summary>
    private static string FindAssetDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (var candidate in new[] { "Images/Assets", "tests/Valar.Testing/Images/Assets" })
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
