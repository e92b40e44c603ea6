using System.Text;

namespace Valar.Validation.Tests.Fuzzing;

/// <summary>
/// A deterministic byte-level mutator: the same seed input and <see cref="Random"/> seed always give the same output,
/// so a failing case is reproduced from its seed alone. Mutations are the classic ones (bit flips, interesting bytes,
/// deletions, duplications, splices, truncation) plus a dictionary of tokens that matter to JSON, data URIs, base64
/// and the image formats.
/// </summary>
internal static class Mutator
{
    private static readonly byte[][] Dictionary =
    [
        .. new[]
        {
            "{", "}", "[", "]", "\"", ",", ":", "\\", "\\u0000", "\\ud800", "\\udc00", "\\\"", "null", "true", "false", "-0", "1e999",
            "-1", "2147483648", "9999999999999999999999", "\"\"", "[]", "{}", "\"type\"", "\"url\"", "\"image_url\"", "\"input_image\"",
            "\"image\"", "\"source\"", "\"base64\"", "\"data\"", "\"media_type\"", "\"model\"", "\"messages\"", "\"input\"", "\"content\"",
            "\"detail\"", "\"tools\"", "\"max_tokens\"", "data:", "data:image/png;base64,", "data:image/gif;base64,", ";base64,", ";base64",
            "image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp", "text/html", "==", "=", "A", "/", "+", "-", "_", " ", "\r\n", "\t",
            "http://", "https://", "ftp://", "file:///etc/passwd", "http://10.0.0.1/", "http://[::1]/", "http://169.254.169.254/",
            "http://a.invalid/x.png", "@", "%", "%2e", "#", "?", "..", "127.0.0.1", "0x7f000001",
            "\u00e9", "\u20ac", "\ud83d\ude00", "GIF89a", "RIFF", "WEBP", "VP8X", "VP8L", "VP8 ", "IHDR", "IDAT", "IEND", "acTL",
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF, 0xD8, 0xFF], [0xFF, 0xC0], [0xFF, 0xC2], [0xFF, 0xDA], [0xFF, 0xD9], [0xFF, 0xE1, 0xFF, 0xFF], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
        [0x00, 0x00, 0x00, 0x00], [0xFF, 0xFF, 0xFF, 0xFF], [0x7F, 0xFF, 0xFF, 0xFF], [0x80, 0x00, 0x00, 0x00], [0xC0], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
    ];

    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0xC0, 0xC3, (byte)'"', (byte)'\\', (byte)'{', (byte)'[', (byte)',', (byte)':', (byte)'=', (byte)'0', (byte)'9', (byte)' ', (byte)'\n'];

    /// <summary>Applies 1 to 8 mutations (occasionally many more) to a copy of <paramref name="input"/>.</summary>
    public static byte[] Mutate(ReadOnlySpan<byte> input, Random random, IReadOnlyList<byte[]> splicePool, int maxLength)
    {
        var data = new List<byte>(input.Length + 64);
        data.AddRange(input);
        var rounds = random.Next(20) == 0 ? random.Next(8, 64) : random.Next(1, 9);
        for (var round = 0; round < rounds; round++)
        {
            ApplyOne(data, random, splicePool);
            if (data.Count > maxLength)
            {
                data.RemoveRange(maxLength, data.Count - maxLength);
            }
        }

        return [.. data];
    }

    private static void ApplyOne(List<byte> data, Random random, IReadOnlyList<byte[]> splicePool)
    {
        var position = data.Count == 0 ? 0 : random.Next(data.Count);
        switch (random.Next(11))
        {
            case 0 when data.Count > 0:
                data[position] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when data.Count > 0:
                data[position] = InterestingBytes[random.Next(InterestingBytes.Length)];
                break;
            case 2 when data.Count > 0:
                data.RemoveRange(position, Math.Min(data.Count - position, 1 + random.Next(Math.Min(64, data.Count))));
                break;
            case 3 when data.Count > 0:
                var length = Math.Min(data.Count - position, 1 + random.Next(64));
                data.InsertRange(random.Next(data.Count + 1), data.GetRange(position, length));
                break;
            case 4:
            case 5:
                data.InsertRange(position, Dictionary[random.Next(Dictionary.Length)]);
                break;
            case 6 when data.Count > 0:
                var token = Dictionary[random.Next(Dictionary.Length)];
                var overwrite = Math.Min(token.Length, data.Count - position);
                for (var i = 0; i < overwrite; i++)
                {
                    data[position + i] = token[i];
                }

                break;
            case 7 when data.Count > 0:
                data.RemoveRange(position, data.Count - position);
                break;
            case 8 when splicePool.Count > 0:
                var other = splicePool[random.Next(splicePool.Count)];
                var start = random.Next(other.Length);
                data.InsertRange(position, other.AsSpan(start, Math.Min(other.Length - start, 1 + random.Next(256))).ToArray());
                break;
            case 9:
                // Repetition: deep nesting, long runs of one character.
                var repeated = Dictionary[random.Next(Dictionary.Length)];
                var times = random.Next(2, random.Next(4) == 0 ? 200 : 16);
                for (var i = 0; i < times; i++)
                {
                    data.InsertRange(position, repeated);
                }

                break;
            default:
                if (data.Count > 0)
                {
                    data[position] = (byte)random.Next(256);
                }

                break;
        }
    }
}
