using System.Buffers;

namespace Valar.Validation.Fetching;

/// <summary>
/// The outcome of one fetch: either an error, or the body in a pooled buffer that goes back to its pool on
/// <see cref="Dispose"/>.
/// </summary>
public sealed class FetchResult : IDisposable
{
    private readonly int _length;
    private readonly ArrayPool<byte>? _pool;
    private byte[]? _buffer;

    private FetchResult(ValidationError? error, byte[]? buffer, int length, ArrayPool<byte>? pool)
    {
        Error = error;
        _buffer = buffer;
        _length = length;
        _pool = pool;
    }

    /// <summary>Why the fetch failed, with a null path (the caller knows where the URL was); null on success.</summary>
    public ValidationError? Error { get; }

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

    internal static FetchResult Failure(ValidationError error) => new(error, null, 0, null);

    /// <summary>Takes ownership of <paramref name="pooledBuffer"/>, rented from <paramref name="pool"/>.</summary>
    internal static FetchResult Success(byte[] pooledBuffer, int length, ArrayPool<byte> pool) => new(null, pooledBuffer, length, pool);

    /// <inheritdoc />
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            _pool!.Return(buffer);
        }
    }
}
