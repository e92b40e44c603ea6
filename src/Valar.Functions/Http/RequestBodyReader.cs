using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Http.Features;
using Valar.Functions.Configuration;
using Valar.Validation;

namespace Valar.Functions.Http;

/// <summary>
/// Buffers a request body once, into a single array (reused from a small <see cref="BodyBufferPool"/> for bodies of a
/// megabyte and more), within the size limit and the shared memory budget. The validator then works on slices of that
/// array; nothing else copies the body. Give the body back with <see cref="Return"/> once nothing reads it any more.
/// </summary>
public sealed class RequestBodyReader
{
    /// <summary>How long a request waits for room in the memory budget before it is turned away with 503.</summary>
    public static readonly TimeSpan BudgetWait = TimeSpan.FromSeconds(30);

    private const int ChunkSize = 1024 * 1024;

    /// <summary>Most bytes of idle body arrays kept for reuse, beyond the budget's in-flight bytes.</summary>
    private const long MaxPooledBytes = 256L * 1024 * 1024;

    private readonly long _maxBytes;
    private readonly BodyBufferBudget _budget;
    private readonly BodyBufferPool _pool;

    public RequestBodyReader(ValarOptions options, BodyBufferBudget budget)
    {
        if (options.MaxRequestBodyBytes is <= 0 or > int.MaxValue - 64)
        {
            throw new InvalidOperationException($"Configuration Valar:MaxRequestBodyBytes must be between 1 and {int.MaxValue - 64}.");
        }

        _maxBytes = options.MaxRequestBodyBytes;
        _budget = budget;
        _pool = new BodyBufferPool(Math.Min(MaxPooledBytes, budget.CapacityBytes / 8));
    }

    public long MaxBytes => _maxBytes;

    /// <summary>
    /// Takes back the array of a body read here, after <paramref name="body"/> is disposed and nothing reads its content.
    /// Bodies not returned are simply collected.
    /// </summary>
    public void Return(RequestBody body)
    {
        if (MemoryMarshal.TryGetArray(body.Content, out var segment) && segment.Array is { } array && segment.Offset == 0)
        {
            _pool.Return(array);
        }
    }

    public async Task<BodyReadResult> ReadAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        var declaredLength = request.ContentLength;
        if (declaredLength > _maxBytes)
        {
            return BodyReadResult.TooLarge(_maxBytes);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = _maxBytes;
        }

        try
        {
            return declaredLength is { } length
                ? await ReadKnownLengthAsync(request.Body, (int)length, cancellationToken).ConfigureAwait(false)
                : await ReadChunkedAsync(request.Body, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return BodyReadResult.TooLarge(_maxBytes);
        }
    }

    private async Task<BodyReadResult> ReadKnownLengthAsync(Stream body, int length, CancellationToken cancellationToken)
    {
        if (!await _budget.TryReserveAsync(length, BudgetWait, cancellationToken).ConfigureAwait(false))
        {
            return BodyReadResult.Busy();
        }

        byte[]? buffer = null;
        try
        {
            // A reused array may hold an earlier body: only the bytes read below are ever exposed.
            buffer = _pool.Rent(length);
            var filled = await FillAsync(body, buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            return BodyReadResult.Success(new RequestBody(_budget, buffer.AsMemory(0, filled), length));
        }
        catch
        {
            _budget.Release(length);
            if (buffer is not null)
            {
                _pool.Return(buffer);
            }

            throw;
        }
    }

    private async Task<BodyReadResult> ReadChunkedAsync(Stream body, CancellationToken cancellationToken)
    {
        var chunks = new List<byte[]>();
        long total = 0;
        long reserved = 0;
        try
        {
            while (true)
            {
                if (!await _budget.TryReserveAsync(ChunkSize, BudgetWait, cancellationToken).ConfigureAwait(false))
                {
                    return BodyReadResult.Busy();
                }

                reserved += ChunkSize;
                var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
                chunks.Add(chunk);
                var filled = await FillAsync(body, chunk.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false);

                total += filled;
                if (total > _maxBytes)
                {
                    return BodyReadResult.TooLarge(_maxBytes);
                }

                if (filled < ChunkSize)
                {
                    break;
                }
            }

            var content = _pool.Rent((int)total);
            var offset = 0;
            foreach (var chunk in chunks)
            {
                var count = (int)Math.Min(ChunkSize, total - offset);
                chunk.AsSpan(0, count).CopyTo(content.AsSpan(offset));
                offset += count;
            }

            var result = BodyReadResult.Success(new RequestBody(_budget, content.AsMemory(0, (int)total), reserved));
            reserved = 0;
            return result;
        }
        finally
        {
            foreach (var chunk in chunks)
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            if (reserved > 0)
            {
                _budget.Release(reserved);
            }
        }
    }

    /// <summary>Reads until <paramref name="destination"/> is full or the body ends; returns the bytes read.</summary>
    private static async Task<int> FillAsync(Stream body, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < destination.Length)
        {
            var read = await body.ReadAsync(destination[filled..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }
}

/// <summary>A buffered body, or why there is none.</summary>
public readonly record struct BodyReadResult(RequestBody? Body, ValidationError? Error, bool IsBusy)
{
    public static BodyReadResult Success(RequestBody body) => new(body, null, false);

    public static BodyReadResult TooLarge(long maximum) => new(null, ValidationErrors.BodyTooLarge(maximum), false);

    public static BodyReadResult Busy() => new(null, null, true);
}
