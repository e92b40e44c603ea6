namespace Valar.Storage;

/// <summary>
/// Signs blob URLs with whatever the connection allows: a service SAS when it has an account key (Azurite,
/// connection strings), otherwise a user delegation SAS from a key fetched with the token credential and
/// reused until it gets close to its expiry. Thread-safe; keep one per <see cref="BlobStore"/>.
/// </summary>
public sealed class BlobSasSigner
{
    /// <summary>How long a fetched user delegation key is asked to live (the service allows up to 7 days).</summary>
    internal static readonly TimeSpan KeyLifetime = TimeSpan.FromHours(6);

    private readonly BlobStore _store;
    private readonly SasOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ServiceSasBuilder? _serviceSas;
    private readonly SemaphoreSlim _keyRefresh = new(1, 1);
    private UserDelegationSasBuilder? _userDelegationSas;

    public BlobSasSigner(BlobStore store, SasOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? new SasOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        if (store.Connection.SharedKey is { } key)
        {
            _serviceSas = new ServiceSasBuilder(store.Connection.BlobEndpoint, key, _options, _timeProvider);
        }
    }

    /// <summary>A URL for exactly one blob with exactly <paramref name="permissions"/>, expiring after <see cref="SasOptions.Lifetime"/>.</summary>
    public async ValueTask<SignedBlobUri> SignAsync(
        string container,
        string blob,
        BlobSasPermissions permissions,
        CancellationToken cancellationToken = default)
    {
        if (_serviceSas is not null)
        {
            return _serviceSas.Build(container, blob, permissions);
        }

        var builder = await GetUserDelegationBuilderAsync(cancellationToken).ConfigureAwait(false);
        return builder.Build(container, blob, permissions);
    }

    private async ValueTask<UserDelegationSasBuilder> GetUserDelegationBuilderAsync(CancellationToken cancellationToken)
    {
        if (_userDelegationSas is { } current && IsFresh(current.Key))
        {
            return current;
        }

        await _keyRefresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_userDelegationSas is { } refreshed && IsFresh(refreshed.Key))
            {
                return refreshed;
            }

            var now = _timeProvider.GetUtcNow();
            var key = await _store
                .GetUserDelegationKeyAsync(now - _options.ClockSkew, now + KeyLifetime, cancellationToken)
                .ConfigureAwait(false);
            var builder = new UserDelegationSasBuilder(_store.Connection.BlobEndpoint, _store.Connection.AccountName, key, _options, _timeProvider);
            _userDelegationSas = builder;
            return builder;
        }
        finally
        {
            _keyRefresh.Release();
        }
    }

    // A URL signed now must be able to live its full lifetime before the key expires.
    private bool IsFresh(UserDelegationKey key) =>
        key.SignedExpiresOn - _timeProvider.GetUtcNow() > _options.Lifetime + TimeSpan.FromMinutes(1);
}
