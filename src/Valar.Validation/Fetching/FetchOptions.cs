using System.Net;

namespace Valar.Validation.Fetching;

/// <summary>Limits and identity for downloading image URLs.</summary>
public sealed record FetchOptions
{
    /// <summary>Deadline for the whole fetch: DNS, connect, headers and body, across all redirect hops.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many redirects are followed before the fetch fails.</summary>
    public int MaxRedirects { get; init; } = 5;

    /// <summary>Networks an operator allows in addition to the public internet (tests allow 127.0.0.1/32).</summary>
    public IReadOnlyList<IPNetwork> AllowedNetworks { get; init; } = [];

    /// <summary>Sent as the User-Agent header on every request.</summary>
    public string UserAgent { get; init; } = "Valar.Functions/1.0 (image validation)";
}
