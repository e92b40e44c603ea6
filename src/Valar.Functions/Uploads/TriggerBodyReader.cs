using System.Buffers;

namespace Valar.Functions.Uploads;

/// <summary>
/// Buffers a trigger body up to a cap (the base64 of the largest legal image plus room for metadata). A larger body
/// is an image over the limit by its size alone: the rest is streamed through, keeping only the last
/// <see cref="TailBytes"/>, where the host writes <c>Metadata</c> (after <c>Data</c>), so it can still get a verdict.
/// </summary>
internal static class TriggerBodyReader
{
    internal const int TailBytes = 256 * 1024;
    private const int InitialBytes = 64 * 1024;

    /// <summary>The body size that certainly holds an image of <paramref name="maxImageBytes"/> + 1 bytes with its metadata.</summary>
    public static int CapFor(long maxImageBytes) =>
        (int)Math.Min(int.MaxValue - 64, Base64Length(maxImageBytes + 1) + (1024 * 1024));

    public static async Task<TriggerBody> ReadAsync(Stream body, int cap, CancellationToken cancellationToken = default)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(cap, InitialBytes));
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (filled >= cap)
                    {
                        return await ReadTailAsync(body, buffer, filled, cancellationToken).ConfigureAwait(false);
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(cap, (long)buffer.Length * 2));
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(filled, Math.Min(buffer.Length, cap) - filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    var result = new TriggerBody(buffer, filled, filled, overCap: false);
                    buffer = null!;
                    return result;
                }

                filled += read;
                if (filled == cap && buffer.Length > cap)
                {
                    return await ReadTailAsync(body, buffer, filled, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async Task<TriggerBody> ReadTailAsync(Stream body, byte[] head, int filled, CancellationToken cancellationToken)
    {
        // Keep reading into a window twice the tail; whenever it fills, slide the last TailBytes to the front.
        var window = ArrayPool<byte>.Shared.Rent(TailBytes * 2);
        var start = Math.Max(0, filled - TailBytes);
        head.AsSpan(start, filled - start).CopyTo(window);
        var inWindow = filled - start;
        long total = filled;
        try
        {
            while (true)
            {
                if (inWindow == TailBytes * 2)
                {
                    window.AsSpan(TailBytes, TailBytes).CopyTo(window);
                    inWindow = TailBytes;
                }

                var read = await body.ReadAsync(window.AsMemory(inWindow, (TailBytes * 2) - inWindow), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    var keep = Math.Min(inWindow, TailBytes);
                    window.AsSpan(inWindow - keep, keep).CopyTo(window);
                    var result = new TriggerBody(window, keep, total, overCap: true);
                    window = null!;
                    return result;
                }

                inWindow += read;
                total += read;
            }
        }
        finally
        {
            if (window is not null)
            {
                ArrayPool<byte>.Shared.Return(window);
            }
        }
    }

    /// <summary>
    /// From the tail of an over-cap body, the JSON object <c>{"Metadata":...}</c>: the base64 text holds no quote, so
    /// the first quote in the tail ends it, and the next <c>"Metadata"</c> is the root property that follows.
    /// </summary>
    public static byte[]? MetadataFromTail(ReadOnlySpan<byte> tail)
    {
        var quote = tail.IndexOf((byte)'"');
        if (quote < 0)
        {
            return null;
        }

        var metadata = tail[(quote + 1)..].IndexOf("\"Metadata\""u8);
        if (metadata < 0)
        {
            return null;
        }

        var rest = tail[(quote + 1 + metadata)..];
        var json = new byte[rest.Length + 1];
        json[0] = (byte)'{';
        rest.CopyTo(json.AsSpan(1));
        return json;
    }

    private static long Base64Length(long bytes) => ((bytes + 2) / 3) * 4;
}

/// <summary>A buffered trigger body (pooled; dispose to return it). When <see cref="OverCap"/>, <see cref="Content"/> is only its tail.</summary>
internal sealed class TriggerBody(byte[] buffer, int length, long totalLength, bool overCap) : IDisposable
{
    private byte[]? _buffer = buffer;

    public ReadOnlySpan<byte> Content => _buffer.AsSpan(0, length);

    public long TotalLength => totalLength;

    public bool IsOverCap => overCap;

    public void Dispose()
    {
        if (_buffer is { } rented)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
