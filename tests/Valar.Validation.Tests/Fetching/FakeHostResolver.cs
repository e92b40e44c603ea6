using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Valar.Validation.Fetching;

namespace Valar.Validation.Tests.Fetching;

/// <summary>
/// Answers from a table instead of DNS; a name can have a sequence of answers (one per lookup, the last repeating)
/// to simulate DNS rebinding. Unknown names fail like NXDOMAIN.
/// </summary>
internal sealed class FakeHostResolver : IHostResolver
{
    private readonly ConcurrentDictionary<string, IPAddress[][]> _answers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _lookups = new(StringComparer.OrdinalIgnoreCase);

    public FakeHostResolver Map(string host, params string[] addresses)
    {
        _answers[host] = [[.. addresses.Select(IPAddress.Parse)]];
        return this;
    }

    public FakeHostResolver MapSequence(string host, params string[][] answers)
    {
        _answers[host] = [.. answers.Select(answer => answer.Select(IPAddress.Parse).ToArray())];
        return this;
    }

    public int Lookups(string host) => _lookups.TryGetValue(host, out var count) ? count : 0;

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default)
    {
        var index = _lookups.AddOrUpdate(host, 1, (_, count) => count + 1) - 1;
        if (!_answers.TryGetValue(host, out var answers))
        {
            return Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
        }

        return Task.FromResult(answers[Math.Min(index, answers.Length - 1)]);
    }
}
