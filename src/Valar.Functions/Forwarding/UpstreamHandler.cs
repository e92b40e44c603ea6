using System.Net;
using Valar.Functions.Configuration;

namespace Valar.Functions.Forwarding;

/// <summary>The one connection pool to the upstreams: no proxy, no redirects, no cookies, no decompression (bytes relayed as sent).</summary>
public static class UpstreamHandler
{
    public static SocketsHttpHandler Create(ValarOptions options)
    {
        var connectSeconds = options.Models.Select(model => model.Upstream?.ConnectTimeoutSeconds ?? 10).DefaultIfEmpty(10).Max();
        return new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(Math.Max(1, connectSeconds)),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
    }
}
