namespace Valar.Storage;

/// <summary>Retry and timeout settings for <see cref="BlobStore"/>.</summary>
public sealed record BlobStoreOptions
{
    /// <summary>Tries per operation, the first included.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Backoff before the second try; doubles per try, jittered.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of one backoff (also caps Retry-After).</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Deadline of one try: send, headers and body.</summary>
    public TimeSpan TryTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
