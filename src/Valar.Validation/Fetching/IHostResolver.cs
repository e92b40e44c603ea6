using System.Net;

namespace Valar.Validation.Fetching;

/// <summary>Resolves a host name to addresses; injected so tests can map names to any address without DNS.</summary>
public interface IHostResolver
{
    /// <summary>Resolves <paramref name="host"/>; throws <see cref="System.Net.Sockets.SocketException"/> when it does not exist.</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default);
}
