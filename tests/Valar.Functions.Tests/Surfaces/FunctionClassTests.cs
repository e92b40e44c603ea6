using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Valar.Functions.Catalog;
using Valar.Functions.Configuration;
using Valar.Functions.Surfaces;
using Valar.Functions.Uploads;
using Valar.Testing.Images;

namespace Valar.Functions.Tests.Surfaces;

/// <summary>
/// The function classes called directly, as the worker calls them, on a plain <see cref="DefaultHttpContext"/>: what
/// they write, what they return to the worker, and which token stops them (the invocation's or the request's abort).
/// </summary>
public sealed class FunctionClassTests : IDisposable
{
    public FunctionClassTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Valar:MaxRequestBodyBytes"] = "4096",
            ["Valar:Models:0:Id"] = "moonshotai/Kimi-K2.6",
            ["Valar:Models:0:SupportsImages"] = "true",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddValar(configuration);
        Services = services.BuildServiceProvider();
    }

    private ServiceProvider Services { get; }

    [Fact]
    public async Task ChatCompletions_ValidImage_WritesTheReportAndReturnsTheEmptyResult()
    {
        var context = Context($$$"""{"model":"moonshotai/Kimi-K2.6","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{TestImages.DataUri("image/png", TestImages.Png(3, 2))}}}"}}]}]}""");

        var result = await new ChatCompletionsFunction(Services.GetRequiredService<SurfaceValidator>()).RunAsync(context.Request, CancellationToken.None);

        // The response is written by then; the empty result only keeps the http $return binding the host proxies.
        Assert.IsType<EmptyHttpResult>(result);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal("application/json", context.Response.ContentType);
        Assert.Contains("\"width\":3", ResponseText(context), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("chat", """{"error":{"message":"request body too large: exceeds maximum of 4096 bytes","type":"invalid_request_error","param":null,"code":"body_too_large"}}""")]
    [InlineData("responses", """{"error":{"message":"request body too large: exceeds maximum of 4096 bytes","type":"invalid_request_error","param":null,"code":"body_too_large"}}""")]
    [InlineData("messages", """{"type":"error","error":{"type":"request_too_large","message":"request body too large: exceeds maximum of 4096 bytes"}}""")]
    public async Task Surface_DeclaredLengthOverTheLimit_Answers413WithoutReadingTheBody(string surface, string expected)
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        context.Request.Method = "POST";
        context.Request.ContentLength = 4097;
        context.Request.Body = new UnreadableStream();
        context.Response.Body = new MemoryStream();
        var validator = Services.GetRequiredService<SurfaceValidator>();

        await (surface switch
        {
            "chat" => new ChatCompletionsFunction(validator).RunAsync(context.Request, CancellationToken.None),
            "responses" => new ResponsesFunction(validator).RunAsync(context.Request, CancellationToken.None),
            _ => new MessagesFunction(validator).RunAsync(context.Request, CancellationToken.None),
        });

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, context.Response.StatusCode);
        Assert.Equal(expected, ResponseText(context));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Messages_InvocationCancelledOrClientGone_StopsReadingTheBody(bool invocationCancelled)
    {
        using var invocation = new CancellationTokenSource();
        using var client = new CancellationTokenSource();
        var context = new DefaultHttpContext { RequestServices = Services, RequestAborted = client.Token };
        context.Request.Method = "POST";
        context.Request.Body = new HangingStream();
        context.Response.Body = new MemoryStream();

        var run = new MessagesFunction(Services.GetRequiredService<SurfaceValidator>()).RunAsync(context.Request, invocation.Token);
        await (invocationCancelled ? invocation : client).CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Health_AnswersOkAsPlainText()
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        context.Response.Body = new MemoryStream();

        await new HealthFunction().Run(context.Request, CancellationToken.None).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", context.Response.ContentType);
        Assert.Equal("ok", ResponseText(context));
    }

    [Fact]
    public async Task Models_ListsTheConfiguredModel()
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        context.Response.Body = new MemoryStream();

        await new ModelsFunction(Services.GetRequiredService<ModelList>()).RunAsync(context.Request, CancellationToken.None);

        Assert.StartsWith("""{"object":"list","data":[{"id":"moonshotai/Kimi-K2.6","object":"model","created":0,"owned_by":"valar","supports_images":true,""", ResponseText(context), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetUpload_WithoutStorage_Answers503NotConfigured()
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        context.Response.Body = new MemoryStream();

        await new GetUploadFunction(Services.GetRequiredService<UploadRequests>()).RunAsync(context.Request, "AAAAAAAAAAAAAAAAAAAAAAAA", CancellationToken.None);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("""{"error":{"message":"uploads are not configured: set AzureWebJobsStorage","type":"server_error","param":null,"code":"uploads_not_configured"}}""", ResponseText(context));
    }

    public void Dispose() => Services.Dispose();

    private DefaultHttpContext Context(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var context = new DefaultHttpContext { RequestServices = Services };
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = bytes.Length;
        context.Request.Body = new MemoryStream(bytes);
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string ResponseText(HttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    /// <summary>A body that must not be read.</summary>
    private sealed class UnreadableStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("The body was read.");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new InvalidOperationException("The body was read.");
    }

    /// <summary>A body whose next bytes never come: a read ends only when its token is cancelled.</summary>
    private sealed class HangingStream : MemoryStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }
}
