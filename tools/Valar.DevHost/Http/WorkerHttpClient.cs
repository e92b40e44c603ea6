using System.Diagnostics;
using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace Valar.DevHost.Http;

/// <summary>The one long-lived client to the worker's Kestrel (YARP's recommended handler settings).</summary>
public sealed class WorkerHttpClient : IDisposable
{
    public WorkerHttpClient()
    {
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
            ConnectTimeout = TimeSpan.FromSeconds(15),
        });
    }

    public HttpMessageInvoker Invoker { get; }

    public void Dispose() => Invoker.Dispose();
}
