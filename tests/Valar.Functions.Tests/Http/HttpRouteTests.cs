using System.Net;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Valar.Functions.Tests.Http;

[Collection(ValarServerCollection.Name)]
public sealed class HttpRouteTests(ValarServerFixture server, ITestOutputHelper output)
{
    [Fact]
    public void LocalHost_SharedFixture_ReportsItsStartCost()
    {
        // Measured once, when the collection's fixture started the local host with the app's build output.
        output.WriteLine($"local host + worker start: {server.Host.StartToReady.TotalMilliseconds:F0} ms to the ready line, {server.Host.StartToFirstOk.TotalMilliseconds:F0} ms to the first /healthz 200");
        Assert.InRange(server.Host.StartToReady, TimeSpan.FromMilliseconds(1), server.Host.StartToFirstOk);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_BodyOverKestrelsDefault30MB_PassesThroughTheWorkersKestrel(bool chunked)
    {
        // Two 15 MiB images as base64: a 42 MB body, over Kestrel's default MaxRequestBodySize (30,000,000 bytes) and
        // under Valar:MaxRequestBodyBytes (576 MiB), which the app sets on the worker's Kestrel.
        var image = Valar.Testing.Images.TestImages.DataUri("image/png", Valar.Testing.Images.TestImages.Png(16, 16, padToBytes: 15 * 1024 * 1024));
        var body = Encoding.UTF8.GetBytes($$$"""{"model":"moonshotai/Kimi-K2.6","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{image}}}"}},{"type":"image_url","image_url":{"url":"{{{image}}}"}}]}]}""");
        Assert.True(body.Length > 40_000_000);
        HttpContent content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUri, "/v1/chat/completions")) { Content = content };
        request.Headers.TransferEncodingChunked = chunked;

        using var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2 * 15 * 1024 * 1024, report.RootElement.GetProperty("totals").GetProperty("bytes").GetInt64());
    }

    [Theory]
    [InlineData("GET", "/v1/chat/completions")]
    [InlineData("POST", "/v1/models")]
    [InlineData("POST", "/v1/unknown")]
    [InlineData("GET", "/api/healthz")]
    public async Task Request_NoFunctionForMethodAndPath_Answers404(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(server.BaseUri, path));

        using var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Post_StreamAndToolsWithImage_PassThroughAndReportStream()
    {
        var body = """
            {"model":"moonshotai/Kimi-K2.6","stream":true,"stream_options":{"include_usage":true},"temperature":0.3,"top_p":0.9,
             "tools":[{"type":"function","function":{"name":"describe","parameters":{"type":"object","properties":{}}}}],"tool_choice":"auto",
             "messages":[{"role":"system","content":"be brief"},
               {"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"IMAGE_URL","detail":"low"}}]}],
             "x-vendor-extension":{"anything":[1,2,3]}}
            """.Replace("IMAGE_URL", server.ImageUrl("/cat.png").ToString(), StringComparison.Ordinal);

        using var response = await server.Http.PostAsync(new Uri(server.BaseUri, "/v1/chat/completions"), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(report.RootElement.GetProperty("stream").GetBoolean());
        Assert.Equal("low", report.RootElement.GetProperty("images")[0].GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/v1/chat/completions", "{\"model\":", """{"error":{"message":"request body is not valid JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed. LineNumber: 0 | BytePositionInLine: 9.","type":"invalid_request_error","param":null,"code":"malformed_json"}}""")]
    [InlineData("/v1/messages", "", """{"type":"error","error":{"type":"invalid_request_error","message":"request body is not valid JSON: the body is empty"}}""")]
    [InlineData("/v1/responses", "[]", """{"error":{"message":"body: expected a JSON object","type":"invalid_request_error","param":"body","code":"invalid_request"}}""")]
    public async Task Post_MalformedBody_Answers400Envelope(string path, string body, string expected)
    {
        using var response = await server.Http.PostAsync(new Uri(server.BaseUri, path), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetModels_ListsConfiguredModelsWithLimits()
    {
        using var response = await server.Http.GetAsync(new Uri(server.BaseUri, "/v1/models"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var models = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var data = models.RootElement.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(["moonshotai/Kimi-K2.5", "moonshotai/Kimi-K2.6", "deepseek-ai/DeepSeek-V3.1"], data.Select(model => model.GetProperty("id").GetString()));
        Assert.Equal([true, true, false], data.Select(model => model.GetProperty("supports_images").GetBoolean()));
        var limits = data[0].GetProperty("image_limits");
        Assert.Equal(20, limits.GetProperty("max_images").GetInt32());
        Assert.Equal(20_971_520, limits.GetProperty("max_image_bytes").GetInt64());
        Assert.Equal(["image/jpeg", "image/png", "image/webp", "image/gif"], limits.GetProperty("media_types").EnumerateArray().Select(type => type.GetString()));
        Assert.False(data[2].TryGetProperty("image_limits", out _));
    }

    [Fact]
    public async Task GetModels_ThroughOpenAiSdk_ParsesIds()
    {
        var client = new OpenAI.Models.OpenAIModelClient(new System.ClientModel.ApiKeyCredential("k"), new OpenAI.OpenAIClientOptions { Endpoint = new Uri(server.BaseUri, "/v1") });

        var models = await client.GetModelsAsync();

        Assert.Equal(["moonshotai/Kimi-K2.5", "moonshotai/Kimi-K2.6", "deepseek-ai/DeepSeek-V3.1"], models.Value.Select(model => model.Id));
    }

    [Fact]
    public async Task GetHealthz_AnswersOk()
    {
        using var response = await server.Http.GetAsync(new Uri(server.BaseUri, "/healthz"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }
}
