using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using Valar.Functions.Diagnostics;

namespace Valar.Functions.Tests.Diagnostics;

/// <summary>
/// The worker middleware that turns a bug in a function into a 500 in the surface's envelope, on a function context
/// carrying the HTTP context the way the ASP.NET Core integration hands it over (<c>Items["HttpRequestContext"]</c>).
/// </summary>
public sealed class UnhandledErrorMiddlewareTests
{
    [Theory]
    [InlineData("/v1/chat/completions", """{"error":{"message":"internal error","type":"server_error","param":null,"code":"internal_error"}}""")]
    [InlineData("/v1/messages", """{"type":"error","error":{"type":"api_error","message":"internal error"}}""")]
    public async Task Invoke_FunctionThrows_Answers500InTheSurfaceEnvelope(string path, string expected)
    {
        var http = new DefaultHttpContext();
        http.Request.Path = path;
        http.Response.Body = new MemoryStream();
        var middleware = new UnhandledErrorMiddleware(NullLogger<UnhandledErrorMiddleware>.Instance);

        await middleware.Invoke(new HttpFunctionContext(http), _ => throw new InvalidOperationException("a bug"));

        Assert.Equal(StatusCodes.Status500InternalServerError, http.Response.StatusCode);
        Assert.Equal(expected, Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
    }

    [Fact]
    public async Task Invoke_ClientAlreadyGone_LetsTheExceptionThrough()
    {
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();
        var http = new DefaultHttpContext { RequestAborted = aborted.Token };
        var middleware = new UnhandledErrorMiddleware(NullLogger<UnhandledErrorMiddleware>.Instance);

        await Assert.ThrowsAsync<OperationCanceledException>(() => middleware.Invoke(new HttpFunctionContext(http), _ => throw new OperationCanceledException()));
    }

    [Fact]
    public async Task Invoke_FunctionSucceeds_LeavesTheResponseAlone()
    {
        var http = new DefaultHttpContext();
        var middleware = new UnhandledErrorMiddleware(NullLogger<UnhandledErrorMiddleware>.Instance);

        await middleware.Invoke(new HttpFunctionContext(http), _ =>
        {
            http.Response.StatusCode = StatusCodes.Status201Created;
            return Task.CompletedTask;
        });

        Assert.Equal(StatusCodes.Status201Created, http.Response.StatusCode);
    }

    private sealed class HttpFunctionContext(HttpContext http) : FunctionContext
    {
        public override string InvocationId => "invocation";

        public override string FunctionId => "function";

        public override TraceContext TraceContext => null!;

        public override BindingContext BindingContext => null!;

        public override RetryContext RetryContext => null!;

        public override IServiceProvider InstanceServices { get; set; } = null!;

        public override FunctionDefinition FunctionDefinition => null!;

        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object> { ["HttpRequestContext"] = http };

        public override IInvocationFeatures Features => null!;
    }
}
