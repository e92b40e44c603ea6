using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Valar.Functions.Tests.Hosting;

namespace Valar.Functions.Tests.Http;

/// <summary>The worker behind the local host with a 4 KiB body limit: the 413s, in each surface's envelope, whatever the framing.</summary>
public sealed class SmallLimitsAppTests : IAsyncLifetime
{
    private FunctionsHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await FunctionsHost.StartAsync(new Dictionary<string, string> { ["Valar__MaxRequestBodyBytes"] = "4096" });
        _client = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Theory]
    [InlineData("/v1/chat/completions", false, """{"error":{"message":"request body too large: exceeds maximum of 4096 bytes","type":"invalid_request_error","param":null,"code":"body_too_large"}}""")]
    [InlineData("/v1/responses", true, """{"error":{"message":"request body too large: exceeds maximum of 4096 bytes","type":"invalid_request_error","param":null,"code":"body_too_large"}}""")]
    [InlineData("/v1/messages", false, """{"type":"error","error":{"type":"request_too_large","message":"request body too large: exceeds maximum of 4096 bytes"}}""")]
    [InlineData("/v1/messages", true, """{"type":"error","error":{"type":"request_too_large","message":"request body too large: exceeds maximum of 4096 bytes"}}""")]
    public async Task Post_BodyOverLimit_Answers413InTheSurfaceEnvelope(string path, bool chunked, string expected)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"model":"m","messages":[],"pad":"{{new string('x', 5000)}}"}""");
        HttpContent content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (chunked)
        {
            content.Headers.ContentLength = null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TransferEncodingChunked = chunked;
        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_ChunkedBodyUnderLimit_IsValidated()
    {
        using var content = new StreamContent(new MemoryStream("""{"model":"m","messages":[{"role":"user","content":"hi"}]}"""u8.ToArray()));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
