using System.Buffers.Binary;
using SkiaSharp;

namespace Valar.Benchmarks;

/// <summary>
/// Real images of about a given size for the integrity benchmarks, made in process: JPEG, PNG and WebP by SkiaSharp's
/// encoders from a noisy picture (noise keeps them from compressing to nothing), GIF as a valid LZW stream of literal
/// codes with a clear code every 254 (9-bit codes, so the walker and decoders read every code).
/// </summary>
internal static class ImageWorkloads
{
    public static readonly string[] Formats = ["jpeg", "png", "gif", "webp"];

    public static byte[] Make(string format, int targetBytes) => format switch
    {
        "gif" => Gif(targetBytes),
        _ => Encoded(format, targetBytes),
    };

    private static byte[] Encoded(string format, int targetBytes)
    {
        var (encoding, quality) = format switch
        {
            "jpeg" => (SKEncodedImageFormat.Jpeg, 90),
            "png" => (SKEncodedImageFormat.Png, 100),
            _ => (SKEncodedImageFormat.Webp, 80),
        };

        // Guess a size, then rescale once or twice by the area ratio until within 15% of the target.
        var side = 512;
        byte[] encoded = [];
        for (var attempt = 0; attempt < 4; attempt++)
        {
            encoded = Encode(side, side * 3 / 4, encoding, quality);
            var ratio = targetBytes / (double)encoded.Length;
            if (Math.Abs(ratio - 1) < 0.15)
            {
                break;
            }

            side = Math.Clamp((int)(side * Math.Sqrt(ratio)), 16, 16000);
        }

        return encoded;
    }

    private static byte[] Encode(int width, int height, SKEncodedImageFormat format, int quality)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var pixels = bitmap.GetPixelSpan();
        var random = new Random(width);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 4;
                var noise = random.Next(48);
                pixels[i] = (byte)((x * 255 / width) + noise);
                pixels[i + 1] = (byte)((y * 255 / height) + noise);
                pixels[i + 2] = (byte)(((x + y) & 0x7F) + noise);
                pixels[i + 3] = 0xFF;
            }
        }

        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    private static byte[] Gif(int targetBytes)
    {
        // 9 bits per pixel: pixels = bytes * 8 / 9, as a 4:3 frame.
        var pixels = (long)targetBytes * 8 / 9;
        var width = (int)Math.Min(65535, Math.Sqrt(pixels * 4 / 3.0));
        var height = (int)Math.Min(65535, pixels / width);
        using var output = new MemoryStream(targetBytes + 4096);
        output.Write("GIF89a"u8);
        Span<byte> header = stackalloc byte[7];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)height);
        header[4] = 0xF7; // global colour table of 256 entries, 8 bits
        output.Write(header);
        for (var i = 0; i < 256; i++)
        {
            output.Write([(byte)i, (byte)(255 - i), (byte)(i * 7)]);
        }

        Span<byte> descriptor = stackalloc byte[10];
        descriptor[0] = 0x2C;
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor[5..], (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor[7..], (ushort)height);
        output.Write(descriptor);
        output.WriteByte(8); // LZW minimum code size

        const int Clear = 256, End = 257;
        var block = new byte[255];
        var blockLength = 0;
        uint bits = 0;
        var bitCount = 0;
        var random = new Random(7);
        void Emit(int code)
        {
            bits |= (uint)code << bitCount;
            bitCount += 9;
            while (bitCount >= 8)
            {
                block[blockLength++] = (byte)bits;
                bits >>= 8;
                bitCount -= 8;
                if (blockLength == block.Length)
                {
                    output.WriteByte((byte)blockLength);
                    output.Write(block, 0, blockLength);
                    blockLength = 0;
                }
            }
        }

        // Literals only; a clear code before the table would grow past 511 keeps every code 9 bits wide.
        var total = (long)width * height;
        for (long i = 0; i < total; i++)
        {
            if (i % 254 == 0)
            {
                Emit(Clear);
            }

            Emit(random.Next(256));
        }

        Emit(End);
        if (bitCount > 0)
        {
            block[blockLength++] = (byte)bits;
        }

        if (blockLength > 0)
        {
            output.WriteByte((byte)blockLength);
            output.Write(block, 0, blockLength);
        }

        output.WriteByte(0); // block terminator
        output.WriteByte(0x3B);
        return output.ToArray();
    }
}
