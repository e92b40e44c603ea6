using System.Net;
using System.Text;
using System.Text.Json;
using Valar.Testing.Images;
using Valar.Testing.Servers;

namespace Valar.Functions.Tests.Forwarding;

/// <summary>
/// Forwarding through the local host and the real worker, with raw HTTP so every byte is known: what the fake model
/// server receives, what the client gets back, and the failures in between.
/// </summary>
[Collection(ForwardingCollection.Name)]
public sealed class ForwardingHttpTests : IDisposable
{
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(30);
    private static readonly string InlineB64 = Convert.ToBase64String(TestImages.Png(8, 8));
    private static readonly string CatB64 = Convert.ToBase64String(ForwardingFixture.CatPng);

    private readonly ForwardingFixture _server;

    public ForwardingHttpTests(ForwardingFixture server)
    {
        _server = server;
        server.Upstream.Reset();
    }

    public static TheoryData<string> Paths => ["/v1/chat/completions", "/v1/responses", "/v1/messages"];

    public void Dispose() => _server.Upstream.OpenGate();

    /// <summary>A body with a URL image, a base64 image, unknown fields, odd key order, escapes and UTF-8, as a client could send it.</summary>
    private static string Body(string path, string model, string url, bool stream = false) => path switch
    {
        "/v1/chat/completions" => $$$"""
            {"model":"{{{model}}}", "temperature": 0.25,"stream":{{{(stream ? "true" : "false")}}},
              "messages":[{"role":"user","content":[{"type":"text","text":"Caf\u00e9 ☕ what is this?"},
                {"image_url":{"detail":"low","url":"{{{url}}}"},"type":"image_url","x_extra":[1,2]},
                {"type":"image_url","image_url":{"url":"data:image/png;base64,{{{InlineB64}}}"}}]}],"x_vendor":{"keep":true}}
            """,
        "/v1/responses" => $$$"""
            {"input":[{"role":"user","content":[{"type":"input_text","text":"Caf\u00e9 ☕"},
              {"type":"input_image","detail":"high","image_url":"{{{url}}}"},{"type":"input_image","image_url":"data:image/png;base64,{{{InlineB64}}}"}]}],
             "model":"{{{model}}}","store":false,"stream":{{{(stream ? "true" : "false")}}}}
            """,
        _ => $$$"""
            {"model":"{{{model}}}","max_tokens":16,"stream":{{{(stream ? "true" : "false")}}},"messages":[{"role":"user","content":[
              {"type":"image","source":{"type":"url","url":"{{{url}}}"},"cache_control":{"type":"ephemeral"}},
              {"type":"image","source":{"media_type":"image/png","type":"base64","data":"{{{InlineB64}}}"}},{"type":"text","text":"Caf\u00e9 ☕"}]}],"metadata":{"user_id":"u1"}}
            """,
    };

    /// <summary>What the upstream must receive for <see cref="Body"/>: the same bytes with the URL's value replaced by the checked image.</summary>
    private static string Inlined(string path, string body, string url) => path == "/v1/messages"
        ? body.Replace($$"""{"type":"url","url":"{{url}}"}""", $$"""{"type":"base64","media_type":"image/png","data":"{{CatB64}}"}""", StringComparison.Ordinal)
        : body.Replace($"\"{url}\"", $"\"data:image/png;base64,{CatB64}\"", StringComparison.Ordinal);

    private static string OpenAiError(string message, string code, string? param = null) =>
        $$$"""{"error":{"message":"{{{message}}}","type":"{{{(code.StartsWith("upstream", StringComparison.Ordinal) ? "server_error" : "invalid_request_error")}}}","param":{{{(param is null ? "null" : $"\"{param}\"")}}},"code":"{{{code}}}"}}""";

    private static string AnthropicError(string type, string message) =>
        $$$"""{"type":"error","error":{"type":"{{{type}}}","message":"{{{message}}}"}}""";

    private HttpRequestMessage Post(string path, string body, string? scenario = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.BaseUri, path))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer client-key");
        if (scenario is not null)
        {
            request.Headers.TryAddWithoutValidation("x-fake-scenario", scenario);
        }

        return request;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Forward_ValidRequestWithUrlImage_UpstreamGetsCheckedBytesInlinedAndEveryOtherByteUnchanged(string path)
    {
        var url = _server.ImageUrl("/cat.png").ToString();
        var body = Body(path, ForwardingFixture.Model, url);

        using var response = await _server.Http.SendAsync(Post(path, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FakeModelServer.Json(path, ForwardingFixture.Model), await response.Content.ReadAsStringAsync());
        Assert.Equal("fake", response.Headers.GetValues("x-upstream").Single());
        var received = Assert.Single(_server.Upstream.Requests);
        Assert.Equal(path, received.Path);
        Assert.Equal(Inlined(path, body, url), FakeModelServer.Text(received));
        Assert.DoesNotContain(url, FakeModelServer.Text(received), StringComparison.Ordinal);
        Assert.Equal("Bearer client-key", received.Header("authorization"));
        Assert.Equal(received.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), received.Header("content-length"));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Forward_InliningOff_UpstreamGetsTheClientsExactBytes(string path)
    {
        var body = Body(path, ForwardingFixture.PlainModel, _server.ImageUrl("/cat.png").ToString());

        using var response = await _server.Http.SendAsync(Post(path, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, FakeModelServer.Text(Assert.Single(_server.Upstream.Requests)));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Forward_StreamedAnswer_RelaysEveryEventInOrder(string path)
    {
        var body = Body(path, ForwardingFixture.Model, _server.ImageUrl("/cat.png").ToString(), stream: true);

        using var response = await _server.Http.SendAsync(Post(path, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(string.Concat(FakeModelServer.Events(path, ForwardingFixture.Model)), await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Forward_SlowStream_FirstEventReachesClientBeforeUpstreamFinishes(string path)
    {
        var body = Body(path, ForwardingFixture.Model, _server.ImageUrl("/cat.png").ToString(), stream: true);
        var events = FakeModelServer.Events(path, ForwardingFixture.Model);
        using var cancel = new CancellationTokenSource(Liveness);

        using var response = await _server.Http.SendAsync(Post(path, body, "gated"), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        await using var stream = await response.Content.ReadAsStreamAsync(cancel.Token);
        var first = await ReadExactlyAsync(stream, Encoding.UTF8.GetByteCount(events[0]), cancel.Token);

        // The upstream is still held at its gate: the first event came through on its own, not with the rest.
        Assert.Equal(events[0], first);
        Assert.False(_server.Upstream.Finished.Task.IsCompleted);
        _server.Upstream.OpenGate();
        using var rest = new StreamReader(stream);
        Assert.Equal(string.Concat(events.Skip(1)), await rest.ReadToEndAsync(cancel.Token));
        await _server.Upstream.Finished.Task.WaitAsync(Liveness);
    }

    [Fact]
    public async Task Forward_ClientAbortsMidStream_UpstreamRequestIsCancelled()
    {
        const string path = "/v1/chat/completions";
        var events = FakeModelServer.Events(path, ForwardingFixture.Model);
        using var cancel = new CancellationTokenSource(Liveness);
        using (var client = _server.Host.CreateClient(Liveness))
        {
            using var response = await client.SendAsync(Post(path, Body(path, ForwardingFixture.Model, _server.ImageUrl("/cat.png").ToString(), stream: true), "hold"), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            await using var stream = await response.Content.ReadAsStreamAsync(cancel.Token);
            Assert.Equal(events[0], await ReadExactlyAsync(stream, Encoding.UTF8.GetByteCount(events[0]), cancel.Token));
            Assert.False(_server.Upstream.UpstreamAborted.Task.IsCompleted);
        }

        // The client's connection is gone (its HttpClient disposed): the host, the worker and then the upstream request follow.
        await _server.Upstream.UpstreamAborted.Task.WaitAsync(Liveness);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Forward_InvalidImage_Returns400AndNeverCallsUpstream(string path)
    {
        var body = Body(path, ForwardingFixture.Model, _server.ImageUrl("/bitmap.bmp").ToString());
        const string message = "unsupported image type image/bmp: only image/jpeg, image/png, image/webp, image/gif are accepted";
        var expected = path switch
        {
            "/v1/chat/completions" => OpenAiError(message, "unsupported_image_type", "messages[0].content[1].image_url.url"),
            "/v1/responses" => OpenAiError(message, "unsupported_image_type", "input[0].content[1].image_url"),
            _ => AnthropicError("invalid_request_error", message),
        };

        using var response = await _server.Http.SendAsync(Post(path, body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _server.Upstream.RequestCount);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Forward_UpstreamUnreachable_Returns502InSurfaceEnvelope(string path)
    {
        using var response = await _server.Http.SendAsync(Post(path, Body(path, ForwardingFixture.UnreachableModel, _server.ImageUrl("/cat.png").ToString())));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(
            path == "/v1/messages" ? AnthropicError("api_error", "upstream model server unreachable") : OpenAiError("upstream model server unreachable", "upstream_unreachable"),
            await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Forward_UpstreamResetsConnection_Returns502InSurfaceEnvelope(string path)
    {
        using var response = await _server.Http.SendAsync(Post(path, Body(path, ForwardingFixture.Model, _server.ImageUrl("/cat.png").ToString()), "reset"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(
            path == "/v1/messages" ? AnthropicError("api_error", "upstream model server unreachable") : OpenAiError("upstream model server unreachable", "upstream_unreachable"),
            await response.Content.ReadAsStringAsync());
        Assert.Equal(1, _server.Upstream.RequestCount);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Forward_UpstreamSilentPastDeadline_Returns504InSurfaceEnvelopeAndCancelsUpstream(string path)
    {
        using var response = await _server.Http.SendAsync(Post(path, Body(path, ForwardingFixture.ImpatientModel, _server.ImageUrl("/cat.png").ToString()), "never"));

        const string message = "upstream model server did not answer within 1 s";
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(
            path == "/v1/messages" ? AnthropicError("api_error", message) : OpenAiError(message, "upstream_timeout"),
            await response.Content.ReadAsStringAsync());
        await _server.Upstream.UpstreamAborted.Task.WaitAsync(Liveness);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Forward_Upstream429_RelayedAsIs(string path)
    {
        using var response = await _server.Http.SendAsync(Post(path, Body(path, ForwardingFixture.Model, _server.ImageUrl("/cat.png").ToString()), "status"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(FakeModelServer.StatusBody, await response.Content.ReadAsStringAsync());
        Assert.Equal("7", response.Headers.GetValues("retry-after").Single());
        Assert.Equal("fake", response.Headers.GetValues("x-upstream").Single());
    }

    [Fact]
    public async Task Forward_UpstreamWithOwnKey_ReplacesClientCredentialAndDropsFunctionsKey()
    {
        const string path = "/v1/messages";
        var request = Post(path + "?beta=true&code=function-key&x=1", Body(path, ForwardingFixture.KeyedModel, _server.ImageUrl("/cat.png").ToString()));
        request.Headers.TryAddWithoutValidation("x-api-key", "client-anthropic-key");
        request.Headers.TryAddWithoutValidation("x-functions-key", "function-key");
        request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");

        using var response = await _server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_server.Upstream.Requests);
        Assert.Equal("?beta=true&x=1", received.Query);
        Assert.Equal(ForwardingFixture.UpstreamKey, received.Header("x-api-key"));
        Assert.Null(received.Header("authorization"));
        Assert.Null(received.Header("x-functions-key"));
        Assert.Equal("2023-06-01", received.Header("anthropic-version"));
        Assert.Equal("application/json; charset=utf-8", received.Header("content-type"));
    }

    [Fact]
    public async Task Forward_KeyedUpstream_LogsNeitherKeyNorImageNorUrl()
    {
        const string path = "/v1/chat/completions";
        var url = _server.ImageUrl("/cat.png").ToString();

        using var response = await _server.Http.SendAsync(Post(path, Body(path, ForwardingFixture.KeyedModel, url)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        const string logged = "Forwarded chat.completions request for model fwd/keyed: upstream answered 200";
        for (var i = 0; i < 100 && !_server.Host.Output.Any(line => line.Contains(logged, StringComparison.Ordinal)); i++)
        {
            // The worker's logs reach the host over gRPC a moment after the response: wait for the line, boundedly.
            await Task.Delay(100);
        }

        var output = string.Join('\n', _server.Host.Output);
        Assert.Contains("Forwarded chat.completions request for model fwd/keyed: upstream answered 200", output, StringComparison.Ordinal);
        Assert.DoesNotContain(ForwardingFixture.UpstreamKey, output, StringComparison.Ordinal);
        Assert.DoesNotContain(CatB64[..64], output, StringComparison.Ordinal);
        Assert.DoesNotContain(url, output, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Upstream.BaseUri.Authority, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_ForwardingModels_AreMarked()
    {
        using var document = JsonDocument.Parse(await _server.Http.GetStringAsync(new Uri(_server.BaseUri, "/v1/models")));

        var models = document.RootElement.GetProperty("data").EnumerateArray().ToDictionary(model => model.GetProperty("id").GetString()!);
        Assert.False(models["moonshotai/Kimi-K2.6"].GetProperty("forwards").GetBoolean());
        Assert.True(models[ForwardingFixture.Model].GetProperty("forwards").GetBoolean());
        Assert.True(models[ForwardingFixture.Model].GetProperty("inlines_images").GetBoolean());
        Assert.False(models[ForwardingFixture.PlainModel].GetProperty("inlines_images").GetBoolean());
        Assert.DoesNotContain(ForwardingFixture.UpstreamKey, document.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", document.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes (bounded by the count and the token) as UTF-8.</summary>
    private static async Task<string> ReadExactlyAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        return Encoding.UTF8.GetString(buffer);
    }
}
