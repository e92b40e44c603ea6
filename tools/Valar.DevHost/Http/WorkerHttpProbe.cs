using System.Net;
using System.Net.Sockets;

namespace Valar.DevHost.Http;

/// <summary>
/// Waits until the worker's own Kestrel (its <c>HttpUri</c>) accepts connections: the worker can answer the handshake
/// before its web server listens, and a host that announced itself ready then would answer the first requests 502.
/// </summary>
public static class WorkerHttpProbe
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Tries to connect every 20 ms until it succeeds or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task WaitUntilListeningAsync(Uri httpUri, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(httpUri);
        var endpoint = new DnsEndPoint(httpUri.Host, httpUri.Port);
        while (true)
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(Interval, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
