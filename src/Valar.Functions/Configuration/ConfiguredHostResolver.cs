using System.Net;
using System.Net.Sockets;
using Valar.Validation.Fetching;

namespace Valar.Functions.Configuration;

/// <summary>
/// Resolves names from <see cref="FetchSettings.Hosts"/> first, then from DNS unless <see cref="FetchSettings.UseDns"/>
/// is off. The fetcher applies its address policy to whatever comes back, so a table entry can never open a blocked
/// network.
/// </summary>
public sealed class ConfiguredHostResolver : IHostResolver
{
    private readonly Dictionary<string, IPAddress[]> _hosts;
    private readonly IHostResolver? _dns;

    private ConfiguredHostResolver(Dictionary<string, IPAddress[]> hosts, IHostResolver? dns)
    {
        _hosts = hosts;
        _dns = dns;
    }

    /// <summary>The resolver the settings ask for, or null when they ask for plain DNS.</summary>
    public static ConfiguredHostResolver? From(FetchSettings settings)
    {
        if (settings.Hosts.Count == 0 && settings.UseDns)
        {
            return null;
        }

        var hosts = new Dictionary<string, IPAddress[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, addresses) in settings.Hosts)
        {
            hosts[name] = addresses.Select(address => IPAddress.TryParse(address.Trim(), out var parsed)
                    ? parsed
                    : throw new InvalidOperationException($"Configuration Valar:Fetch:Hosts:{name} has '{address}', which is not an IP address."))
                .ToArray();
        }

        return new ConfiguredHostResolver(hosts, settings.UseDns ? new SystemHostResolver() : null);
    }

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default)
    {
        if (_hosts.TryGetValue(host, out var addresses))
        {
            return Task.FromResult(addresses);
        }

        return _dns is null
            ? Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound))
            : _dns.ResolveAsync(host, cancellationToken);
    }
}
