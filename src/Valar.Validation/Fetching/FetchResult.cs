using System.Buffers;

namespace Valar.Validation.Fetching;

/// <summary>
/// The outcome of one fetch: either an error, or the body in a pooled buffer that goes back to the pool on
/// <see cref="Dispose"/>.
/// </summary>
public sealed class FetchResult : IDisposable
{
    private readonly int _length;
    private byte[]? _buffer;

    private FetchResult(ValidationError? error, byte[]? buffer, int length, string? contentType, Uri finalUrl)
    {
        Error = error;
        _buffer = buffer;
        _length = length;
        ContentType = contentType;
        FinalUrl = finalUrl;
    }

    /// <summary>Why the fetch failed, with a null path (the caller knows where the URL was); null on success.</summary>
    public ValidationError? Error { get; }

    /// <summary>True when the body was downloaded.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>The body (at most the requested maximum); empty when the fetch failed.</summary>
    public ReadOnlyMemory<byte> Content
    {
        get
        {
            if (Error is not null)
            {
                return ReadOnlyMemory<byte>.Empty;
            }

            var buffer = _buffer;
            ObjectDisposedException.ThrowIf(buffer is null, this);
            return buffer.AsMemory(0, _length);
        }
    }

    /// <summary>The Content-Type header as sent; informational only, the type is detected from the bytes.</summary>
    public string? ContentType { get; }

    /// <summary>The URL of the last hop (after redirects), or the URL that failed.</summary>
    public Uri FinalUrl { get; }

    internal static FetchResult Failure(ValidationError error, Uri url) => new(error, null, 0, null, url);

    /// <summary>Takes ownership of <paramref name="pooledBuffer"/>, rented from <see cref="ArrayPool{T}.Shared"/>.</summary>
    internal static FetchResult Success(byte[] pooledBuffer, int length, string? contentType, Uri url) =>
        new(null, pooledBuffer, length, contentType, url);

    /// <inheritdoc />
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
