using Yarp.ReverseProxy.Forwarder;

namespace Valar.DevHost.Http;

/// <summary>
/// The default request copy (path, query, headers, streamed body) plus the header that pairs the request with its
/// <c>InvocationRequest</c> in the worker, and the usual forwarded headers (the worker runs <c>UseForwardedHeaders</c>).
/// </summary>
public sealed class InvocationRequestTransformer : HttpTransformer
{
    /// <summary>The worker's ASP.NET Core integration matches the HTTP request to its invocation by this header.</summary>
    public const string InvocationIdHeader = "x-ms-invocation-id";

    private readonly string _invocationId;

    public InvocationRequestTransformer(string invocationId) => _invocationId = invocationId;

    public override async ValueTask TransformRequestAsync(
        HttpContext httpContext,
        HttpRequestMessage proxyRequest,
        string destinationPrefix,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(proxyRequest);
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);

        // A client cannot choose (or spoof) the invocation its request runs as.
        proxyRequest.Headers.Remove(InvocationIdHeader);
        proxyRequest.Headers.TryAddWithoutValidation(InvocationIdHeader, _invocationId);

        proxyRequest.Headers.Remove("X-Forwarded-Proto");
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Proto", httpContext.Request.Scheme);
        proxyRequest.Headers.Remove("X-Forwarded-Host");
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Host", httpContext.Request.Host.Value);
        if (httpContext.Connection.RemoteIpAddress is { } remote)
        {
            proxyRequest.Headers.Remove("X-Forwarded-For");
            proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-For", remote.ToString());
        }
    }
}
