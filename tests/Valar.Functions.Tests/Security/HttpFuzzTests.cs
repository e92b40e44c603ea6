using System.Net;
using System.Text;
using System.Text.Json;
using Valar.Testing.Images;

namespace Valar.Functions.Tests.Security;

/// <summary>
/// A small seeded fuzz through Kestrel: mutated bodies on every surface, some over the 256 KiB body limit (with a
/// Content-Length and chunked). Every answer is 200, 400 or 413 with a JSON envelope; never a 500. Seed bodies carry
/// no http URLs and a case whose mutation spelled one is skipped, so nothing can be fetched.
/// </summary>
[Collection(HostileServersCollection.Name)]
public sealed class HttpFuzzTests(HostileServersFixture fixture)
{
    private const int Cases = 1500;

    private static readonly string Png = TestImages.DataUri("image/png", TestImages.Png(5, 3));
    private static readonly string Gif = TestImages.DataUri("image/gif", TestImages.Gif(2, 2, frames: 2));

    private static readonly (Surface Surface, string Body)[] Seeds =
    [
        (Surface.Chat, $$$"""{"model":"moonshotai/Kimi-K2.6","messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"{{{Png}}}","detail":"low"}}]}]}"""),
        (Surface.Chat, """{"model":"deepseek-ai/DeepSeek-V3.1","stream":true,"messages":[{"role":"user","content":"hello"}]}"""),
        (Surface.Responses, $$$"""{"model":"moonshotai/Kimi-K2.6","input":[{"role":"user","content":[{"type":"input_image","image_url":"{{{Gif}}}"}]}]}"""),
        (Surface.Messages, $$$"""{"model":"moonshotai/Kimi-K2.6","max_tokens":8,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{Png["data:image/png;base64,".Length..]}}}"}}]}]}"""),
    ];

    [Fact]
    public async Task Post_MutatedBodies_AnswerOnly200Or400Or413WithAJsonEnvelope()
    {
        var random = new Random(20_260_101);
        var statuses = new Dictionary<int, int>();
        var failures = new List<string>();
        for (var i = 0; i < Cases && failures.Count < 10; i++)
        {
            var (surface, seed) = Seeds[random.Next(Seeds.Length)];
            var body = Mutate(Encoding.UTF8.GetBytes(seed), random);
            if (Encoding.Latin1.GetString(body).Contains("http", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var oversized = body.Length > HostileServersFixture.ClosedBodyLimit;
            // An oversized chunked upload makes Kestrel reset the connection after its 413, which can discard the answer
            // at the client: oversized bodies go with a Content-Length and 100-continue, as a well-behaved client sends them.
            var chunked = !oversized && random.Next(4) == 0;
            Observed observed;
            try
            {
                observed = await fixture.PostAsync(fixture.Closed, surface.Path, body, chunked, expectContinue: oversized);
            }
            catch (HttpRequestException exception)
            {
                failures.Add($"case {i} ({surface}, {body.Length} bytes, chunked {chunked}): {exception.Message} {exception.InnerException?.Message} body: {Encoding.UTF8.GetString(body[..Math.Min(body.Length, 300)])}");
                continue;
            }

            statuses[observed.Status] = statuses.GetValueOrDefault(observed.Status) + 1;
            if (Problem(observed) is { } problem)
            {
                failures.Add($"case {i} ({surface}, {body.Length} bytes): {problem}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(statuses.GetValueOrDefault(400) > 0 && statuses.GetValueOrDefault(413) > 0, string.Join(", ", statuses));
    }

    private static string? Problem(Observed observed)
    {
        if (observed.Status is not (200 or 400 or 413))
        {
            return $"status {observed.Status}: {observed.Body}";
        }

        if (observed.ContentType != "application/json")
        {
            return $"content type {observed.ContentType}";
        }

        try
        {
            var root = JsonDocument.Parse(observed.Body).RootElement;
            return observed.Status == 200
                ? root.GetProperty("object").GetString() == "validation_report" ? null : "200 without a report"
                : string.IsNullOrWhiteSpace(observed.ErrorMessage) ? "error without a message" : null;
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"not an envelope: {observed.Body}";
        }
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var data = new List<byte>(seed);
        if (random.Next(12) == 0)
        {
            // Over the limit: the app must answer 413 without buffering it all.
            data.AddRange(Enumerable.Repeat((byte)' ', (int)HostileServersFixture.ClosedBodyLimit + random.Next(1, 4096)));
            return [.. data];
        }

        for (var round = random.Next(1, 6); round > 0; round--)
        {
            var at = data.Count == 0 ? 0 : random.Next(data.Count);
            switch (random.Next(5))
            {
                case 0 when data.Count > 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data.RemoveRange(at, Math.Min(data.Count - at, random.Next(1, 32)));
                    break;
                case 2:
                    data.InsertRange(at, "{}[]\",:\\0-e9 \u00e9\ud83d\ude00"u8.ToArray().AsSpan(random.Next(10), random.Next(1, 4)).ToArray());
                    break;
                case 3 when data.Count > 0:
                    data.RemoveRange(at, data.Count - at);
                    break;
                default:
                    if (data.Count > 0)
                    {
                        data[at] = (byte)random.Next(256);
                    }

                    break;
            }
        }

        return [.. data];
    }
}
