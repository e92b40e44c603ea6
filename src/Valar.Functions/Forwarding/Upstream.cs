namespace Valar.Functions.Forwarding;

/// <summary>
/// A model server that valid requests for one model are forwarded to. <see cref="Credential"/> is a secret: it goes in
/// <see cref="CredentialHeader"/> and nowhere else (never into logs, reports or <see cref="ToString"/>).
/// </summary>
public sealed class Upstream
{
    public required string Model { get; init; }

    /// <summary>Absolute http(s) base URL, without a trailing slash in its path.</summary>
    public required Uri BaseUri { get; init; }

    /// <summary>The header the credential goes in (<c>Authorization</c> or <c>x-api-key</c>), when there is one.</summary>
    public string? CredentialHeader { get; init; }

    /// <summary>The header value: <c>Bearer &lt;key&gt;</c> for Authorization, the key itself for x-api-key.</summary>
    public string? Credential { get; init; }

    public bool HasCredential => Credential is not null;

    public bool InlineImages { get; init; } = true;

    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The upstream URL for a request path and query, e.g. <c>/v1/chat/completions</c>.</summary>
    public Uri Target(string path, string query)
    {
        var basePath = BaseUri.AbsolutePath.TrimEnd('/');
        var builder = new UriBuilder(BaseUri) { Path = basePath + path, Query = query.TrimStart('?') };
        return builder.Uri;
    }

    public override string ToString() => $"upstream of {Model}";
}
