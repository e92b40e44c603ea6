using Azure.Core;

namespace Valar.Storage;

/// <summary>Entra ID bearer tokens for storage, cached until shortly before they expire.</summary>
internal sealed class BearerTokenAuthorizer : IRequestAuthorizer
{
    internal const string Scope = "https://storage.azure.com/.default";

    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly TokenCredential _credential;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private AccessToken? _token;

    public BearerTokenAuthorizer(TokenCredential credential, TimeProvider timeProvider)
    {
        _credential = credential;
        _timeProvider = timeProvider;
    }

    public async ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        var token = await GetTokenAsync(cancellationToken).ConfigureAwait(false);
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
    }

    private async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_token is { } cached && IsFresh(cached))
        {
            return cached.Token;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is { } current && IsFresh(current))
            {
                return current.Token;
            }

            var fresh = await _credential
                .GetTokenAsync(new TokenRequestContext([Scope]), cancellationToken)
                .ConfigureAwait(false);
            _token = fresh;
            return fresh.Token;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private bool IsFresh(AccessToken token) => token.ExpiresOn - RefreshMargin > _timeProvider.GetUtcNow();
}
