using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using Valar.Testing.Images;

namespace Valar.Benchmarks;

/// <summary>A request body and what it carries.</summary>
internal sealed record Workload(string Name, byte[] Body, int ImageCount, long DecodedImageBytes)
{
    /// <summary>Where each base64 payload lies in <see cref="Body"/>, for the limit measurements over the same bytes.</summary>
    public IReadOnlyList<Range> Payloads { get; init; } = [];
}

/// <summary>
/// Chat Completions bodies like real clients send: images as data URIs of random (incompressible) content behind a real
/// header, alternating PNG and JPEG; every other JPEG carries a 24 KB Exif segment before its frame header, as phone
/// photos do, so the JPEG path has to look past the first 4 KB.
/// </summary>
internal static class Workloads
{
    public const string VisionModel = "moonshotai/Kimi-K2.6";

    public static Workload Images(string name, int count, int imageBytes, int seed = 5)
    {
        var random = new Random(seed);
        using var output = new MemoryStream((int)Math.Min(int.MaxValue, ((long)count * imageBytes * 4 / 3) + 4096));
        Write(output, $$"""{"model":"{{VisionModel}}","max_tokens":512,"messages":[{"role":"system","content":"You are a careful assistant."},{"role":"user","content":[{"type":"text","text":"Describe each image in one sentence."}""");
        var payloads = new List<Range>(count);
        long decoded = 0;
        for (var i = 0; i < count; i++)
        {
            var isPng = i % 2 == 0;
            var image = isPng ? Png(1920 + i, 1080, imageBytes, random) : Jpeg(4032, 3024 - i, imageBytes, withExif: i % 4 == 1, random);
            decoded += image.Length;
            Write(output, $$""",{"type":"image_url","image_url":{"url":"data:{{(isPng ? "image/png" : "image/jpeg")}};base64,""");
            var start = (int)output.Position;
            var encoded = new byte[Base64.GetMaxEncodedToUtf8Length(image.Length)];
            Base64.EncodeToUtf8(image, encoded, out _, out var written);
            output.Write(encoded, 0, written);
            payloads.Add(start..(int)output.Position);
            Write(output, "\",\"detail\":\"auto\"}}");
        }

        Write(output, "]}]}");
        return new Workload(name, output.ToArray(), count, decoded) { Payloads = payloads };
    }

    /// <summary>About 2 KB of text-only Chat Completions: system prompt, a short conversation, sampling fields.</summary>
    public static Workload TextOnly()
    {
        var sentence = "The quick brown fox jumps over the lazy dog while the validator counts bytes. ";
        var builder = new StringBuilder();
        builder.Append($$"""{"model":"{{VisionModel}}","temperature":0.7,"top_p":0.95,"max_tokens":1024,"stream":false,"messages":[""");
        builder.Append("""{"role":"system","content":"You are a concise assistant. Answer in plain English and cite the request's facts only."},""");
        builder.Append("""{"role":"user","content":" """).Append(Repeat(sentence, 8)).Append("\"},");
        builder.Append("""{"role":"assistant","content":" """).Append(Repeat(sentence, 6)).Append("\"},");
        builder.Append("""{"role":"user","content":[{"type":"text","text":" """).Append(Repeat(sentence, 6)).Append("\"}]}");
        builder.Append("],\"user\":\"bench-user-42\"}");
        var body = Encoding.UTF8.GetBytes(builder.ToString());
        return new Workload("(c) text-only", body, 0, 0);
    }

    /// <summary>Twenty image URLs on <paramref name="baseUri"/>'s delayed routes.</summary>
    public static byte[] UrlImages(Uri baseUri, int count)
    {
        var builder = new StringBuilder($$"""{"model":"{{VisionModel}}","messages":[{"role":"user","content":[""");
        for (var i = 0; i < count; i++)
        {
            builder.Append(i == 0 ? "" : ",").Append("{\"type\":\"image_url\",\"image_url\":{\"url\":\"").Append(new Uri(baseUri, $"/slow/{i}.png")).Append("\"}}");
        }

        builder.Append("]}]}");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static string Repeat(string text, int times) => string.Concat(Enumerable.Repeat(text, times));

    private static void Write(Stream output, string text) => output.Write(Encoding.UTF8.GetBytes(text));

    /// <summary>A PNG of exactly <paramref name="size"/> bytes: the real signature and IHDR, then one IDAT of random bytes.</summary>
    private static byte[] Png(int width, int height, int size, Random random)
    {
        var header = TestImages.Png(width, height).AsSpan(0, 8 + 25); // signature + IHDR chunk
        var image = new byte[size];
        header.CopyTo(image);
        var idatLength = size - header.Length - 12 - 12; // IDAT and IEND overhead
        var at = header.Length;
        BinaryPrimitives.WriteInt32BigEndian(image.AsSpan(at), idatLength);
        "IDAT"u8.CopyTo(image.AsSpan(at + 4));
        random.NextBytes(image.AsSpan(at + 8, idatLength));
        BinaryPrimitives.WriteUInt32BigEndian(image.AsSpan(at + 8 + idatLength), Crc32(image.AsSpan(at + 4, 4 + idatLength)));
        at += 12 + idatLength;
        BinaryPrimitives.WriteInt32BigEndian(image.AsSpan(at), 0);
        "IEND"u8.CopyTo(image.AsSpan(at + 4));
        BinaryPrimitives.WriteUInt32BigEndian(image.AsSpan(at + 8), Crc32("IEND"u8));
        return image;
    }

    /// <summary>
    /// A JPEG of exactly <paramref name="size"/> bytes: SOI, APP0, optionally a 24 KB APP1, DQT, SOF0, SOS, random scan
    /// data without 0xFF (so no marker appears inside it), EOI: structurally complete, as the structure level requires.
    /// </summary>
    private static byte[] Jpeg(int width, int height, int size, bool withExif, Random random)
    {
        var header = TestImages.JpegHeader(width, height); // SOI APP0 DQT SOF0 SOS (4 scan bytes) EOI
        var image = new byte[size];
        var at = 0;
        header.AsSpan(0, 20).CopyTo(image); // SOI + APP0
        at += 20;
        if (withExif)
        {
            const int exifLength = 24 * 1024;
            image[at] = 0xFF;
            image[at + 1] = 0xE1;
            BinaryPrimitives.WriteUInt16BigEndian(image.AsSpan(at + 2), exifLength);
            "Exif\0\0"u8.CopyTo(image.AsSpan(at + 4));
            random.NextBytes(image.AsSpan(at + 10, exifLength - 8));
            at += 2 + exifLength;
        }

        header.AsSpan(20, header.Length - 22).CopyTo(image.AsSpan(at)); // DQT, SOF0, SOS and its first scan bytes
        at += header.Length - 22;
        random.NextBytes(image.AsSpan(at, size - at - 2));

        // No marker inside the scan: the structure walk reads entropy data up to EOI, as a decoder does.
        image.AsSpan(at, size - at - 2).Replace((byte)0xFF, (byte)0xFE);
        image[^2] = 0xFF;
        image[^1] = 0xD9;
        return image;
    }

    private static readonly uint[] CrcTable = [.. Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++)
        {
            c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }

        return c;
    })];

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var value in data)
        {
            crc = CrcTable[(crc ^ value) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }
}
