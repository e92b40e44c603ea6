using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Valar.Functions.Tests.Hosting;
using Valar.Testing.Images;
using Valar.Testing.Servers;

namespace Valar.Benchmarks;

/// <summary>
/// Issue 12's figures (<c>--forwarding</c>): the fake model server called directly, then through Valar in-process and
/// through the local host + worker, in the same run. Sequential requests (c=1), medians, so the added cost per request
/// shows rather than the machine's parallelism.
/// </summary>
internal static class ForwardingBenchmark
{
    private const string InlineModel = Workloads.VisionModel;
    private const string PlainModel = "bench/plain";

    public static async Task<int> RunAsync(bool quick)
    {
        var latencyRounds = quick ? 30 : 200;
        var bodyRounds = quick ? 5 : 25;
        await using var upstream = await FakeModelServer.StartAsync().ConfigureAwait(false);
        await using var images = await LoopbackImageServer.StartAsync().ConfigureAwait(false);
        var random = new Random(12);
        for (var i = 0; i < 20; i++)
        {
            var png = TestImages.Png(640 + i, 480, padToBytes: 1 << 20);
            random.NextBytes(png.AsSpan(png.Length - 4096, 1024));
            images.MapBytes($"/img{i}.png", png, "image/png");
        }

        var streamBody = Encoding.UTF8.GetBytes($$$"""{"model":"{{{InlineModel}}}","stream":true,"max_tokens":64,"messages":[{"role":"user","content":"Say hello."}]}""");
        var base64 = Workloads.Images("20 x 1 MiB base64", 20, 1 << 20);
        byte[] UrlBody(string model) => Encoding.UTF8.GetBytes($$$"""{"model":"{{{model}}}","max_tokens":64,"messages":[{"role":"user","content":[{"type":"text","text":"Describe them."}{{{string.Concat(Enumerable.Range(0, 20).Select(i => $$$""",{"type":"image_url","image_url":{"url":"{{{images.Url($"/img{i}.png")}}}","detail":"auto"}}"""))}}}]}]}""");
        var urlInline = UrlBody(InlineModel);
        var urlPlain = UrlBody(PlainModel);
        Console.WriteLine($"forwarding: stream body {streamBody.Length:N0} B, base64 body {base64.Body.Length:N0} B, URL body {urlInline.Length:N0} B ({latencyRounds} latency rounds, {bodyRounds} body rounds)");

        var upstreamBase = upstream.BaseUri.ToString().TrimEnd('/');
        var rows = new List<(string Target, double FirstEventMs, double FirstEventP90Ms, double Base64Ms, double UrlInlineMs, double UrlPlainMs)>();

        using (var direct = Client(upstream.BaseUri))
        {
            var (median, p90) = await FirstEventAsync(direct, streamBody, latencyRounds).ConfigureAwait(false);
            rows.Add(("fake model server, direct", median, p90, await MedianMsAsync(direct, base64.Body, bodyRounds).ConfigureAwait(false), double.NaN, double.NaN));
        }

        var app = InProcessApp.Build(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Valar:Fetch:AllowedNetworks:0"] = "127.0.0.1/32",
            ["Valar:Models:0:Id"] = InlineModel,
            ["Valar:Models:0:SupportsImages"] = "true",
            ["Valar:Models:0:Upstream:BaseUrl"] = upstreamBase,
            ["Valar:Models:1:Id"] = PlainModel,
            ["Valar:Models:1:SupportsImages"] = "true",
            ["Valar:Models:1:Upstream:BaseUrl"] = upstreamBase,
            ["Valar:Models:1:Upstream:InlineImages"] = "false",
        });
        await app.StartAsync().ConfigureAwait(false);
        await using (app.ConfigureAwait(false))
        {
            using var client = Client(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()));
            rows.Add(await MeasureValarAsync("Valar in-process (function classes on Kestrel)", client).ConfigureAwait(false));
            await app.StopAsync().ConfigureAwait(false);
        }

        var host = await FunctionsHost.StartAsync(new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Warning",
            ["Valar__Fetch__AllowedNetworks__0"] = "127.0.0.1/32",
            ["Valar__Models__1__Upstream__BaseUrl"] = upstreamBase,
            ["Valar__Models__3__Id"] = PlainModel,
            ["Valar__Models__3__SupportsImages"] = "true",
            ["Valar__Models__3__Upstream__BaseUrl"] = upstreamBase,
            ["Valar__Models__3__Upstream__InlineImages"] = "false",
        }).ConfigureAwait(false);
        await using (host.ConfigureAwait(false))
        {
            using var client = Client(host.BaseUri);
            rows.Add(await MeasureValarAsync("Valar through the local host + worker", client).ConfigureAwait(false));
        }

        Console.WriteLine();
        Console.WriteLine("| target | first SSE event, median (p90) | 20 x 1 MiB base64 request: median ms, GB/s of body | 20 URL images of 1 MiB, inlined: median ms | the same, not inlined | inlining cost |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            var gbps = base64.Body.Length / (row.Base64Ms / 1000) / 1e9;
            var urls = double.IsNaN(row.UrlInlineMs)
                ? "– | – | –"
                : $"{row.UrlInlineMs:F1} | {row.UrlPlainMs:F1} | {row.UrlInlineMs - row.UrlPlainMs:F1} ms";
            Console.WriteLine($"| {row.Target} | {row.FirstEventMs:F2} ms ({row.FirstEventP90Ms:F2}) | {row.Base64Ms:F1} ms, {gbps:F2} | {urls} |");
        }

        Console.WriteLine($"the splice alone (InlinedBody of 20 x 1 MiB to Stream.Null): median {await SpliceMsAsync(urlInline, bodyRounds * 4).ConfigureAwait(false):F1} ms");
        var directRow = rows[0];
        foreach (var row in rows.Skip(1))
        {
            Console.WriteLine($"{row.Target}: adds {row.FirstEventMs - directRow.FirstEventMs:F2} ms to the first event (median) and {row.Base64Ms - directRow.Base64Ms:F1} ms to the 20 x 1 MiB request");
        }

        if (upstream.RequestCount == 0)
        {
            throw new InvalidOperationException("the fake upstream saw no request");
        }

        return 0;

        async Task<(string, double, double, double, double, double)> MeasureValarAsync(string name, HttpClient client)
        {
            var (median, p90) = await FirstEventAsync(client, streamBody, latencyRounds).ConfigureAwait(false);
            var base64Ms = await MedianMsAsync(client, base64.Body, bodyRounds).ConfigureAwait(false);
            var inline = await MedianMsAsync(client, urlInline, bodyRounds).ConfigureAwait(false);
            var plain = await MedianMsAsync(client, urlPlain, bodyRounds).ConfigureAwait(false);
            return (name, median, p90, base64Ms, inline, plain);
        }
    }

    /// <summary>The splice on its own: the URL body with 20 downloads of 1 MiB encoded into it, written to nowhere.</summary>
    private static async Task<double> SpliceMsAsync(byte[] body, int rounds)
    {
        var parsed = Valar.Validation.Requests.RequestParser.Parse(Valar.Validation.Requests.ApiSurface.ChatCompletions, body);
        var downloads = parsed.Request!.Images
            .Select(image => new Valar.Validation.DownloadedImage(image.Index, image.BodyRange, "image/png", new byte[1 << 20]))
            .ToList();
        var times = new List<double>(rounds);
        for (var round = -2; round < rounds; round++)
        {
            var started = Stopwatch.GetTimestamp();
            using var content = new Valar.Functions.Forwarding.InlinedBody(body, Valar.Validation.Requests.ApiSurface.ChatCompletions, downloads);
            await content.CopyToAsync(Stream.Null).ConfigureAwait(false);
            if (round >= 0)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        return Measure.Median(times);
    }

    private static HttpClient Client(Uri baseUri) =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>Send → first SSE event fully received, per request; median and 90th percentile in ms.</summary>
    private static async Task<(double Median, double P90)> FirstEventAsync(HttpClient client, byte[] body, int rounds)
    {
        var times = new List<double>(rounds);
        var buffer = new byte[64 * 1024];
        for (var round = -5; round < rounds; round++)
        {
            var started = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json(body) };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            EnsureOk(response);
            var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var filled = 0;
                while (buffer.AsSpan(0, filled).IndexOf("\n\n"u8) < 0)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(filled)).ConfigureAwait(false);
                    if (read == 0)
                    {
                        throw new InvalidOperationException("stream ended before its first event");
                    }

                    filled += read;
                }

                if (round >= 0)
                {
                    times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                await stream.CopyToAsync(Stream.Null).ConfigureAwait(false);
            }
        }

        times.Sort();
        return (Measure.Median(times), times[(int)Math.Min(times.Count - 1, Math.Ceiling(times.Count * 0.9) - 1)]);
    }

    /// <summary>Median ms for a whole non-streamed request (body sent, answer read to its end).</summary>
    private static async Task<double> MedianMsAsync(HttpClient client, byte[] body, int rounds)
    {
        var times = new List<double>(rounds);
        for (var round = -2; round < rounds; round++)
        {
            var started = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json(body) };
            using var response = await client.SendAsync(request).ConfigureAwait(false);
            EnsureOk(response);
            if (round >= 0)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        return Measure.Median(times);
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    private static void EnsureOk(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
        }
    }
}
