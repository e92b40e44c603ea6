namespace Valar.Functions.Http;

/// <summary>
/// Keeps a few large body arrays for reuse. A fresh multi-megabyte array costs the kernel a page fault and a page of
/// zeroing per 4 KB the first time it is written, about three times the copy itself; a reused one is already resident.
/// Retention is capped, idle arrays are dropped, and a rented array may hold an earlier request's bytes, so callers
/// expose only what they wrote.
/// </summary>
public sealed class BodyBufferPool
{
    /// <summary>Bodies smaller than this get an exact array, as before; pooling pays from about here.</summary>
    public const int MinPooledLength = 1024 * 1024;

    /// <summary>Arrays unused this long are dropped at the next rent or return.</summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromSeconds(30);

    private readonly long _maxRetainedBytes;
    private readonly List<(byte[] Array, long ReturnedAt)> _retained = [];
    private long _retainedBytes;

    public BodyBufferPool(long maxRetainedBytes)
    {
        _maxRetainedBytes = Math.Max(0, maxRetainedBytes);
    }

    public long RetainedBytes
    {
        get
        {
            lock (_retained)
            {
                return _retainedBytes;
            }
        }
    }

    /// <summary>
    /// An array of at least <paramref name="length"/> bytes: a retained one no more than a sixteenth larger, else a new
    /// one rounded up to a sixteenth of a power of two, so bodies of similar size share arrays.
    /// </summary>
    public byte[] Rent(int length)
    {
        if (length < MinPooledLength)
        {
            return GC.AllocateUninitializedArray<byte>(length);
        }

        var size = RoundUp(length);
        lock (_retained)
        {
            DropIdle();
            var best = -1;
            for (var i = 0; i < _retained.Count; i++)
            {
                var candidate = _retained[i].Array.Length;
                if (candidate >= length && candidate <= size && (best < 0 || candidate < _retained[best].Array.Length))
                {
                    best = i;
                }
            }

            if (best >= 0)
            {
                var array = _retained[best].Array;
                _retained.RemoveAt(best);
                _retainedBytes -= array.Length;
                return array;
            }
        }

        return GC.AllocateUninitializedArray<byte>(size);
    }

    /// <summary>
    /// Takes <paramref name="array"/> back, dropping the longest-idle arrays to make room; the caller must not touch it
    /// afterwards.
    /// </summary>
    public void Return(byte[] array)
    {
        if (array.Length < MinPooledLength || array.Length > _maxRetainedBytes)
        {
            return;
        }

        lock (_retained)
        {
            DropIdle();
            if (_retained.Exists(entry => ReferenceEquals(entry.Array, array)))
            {
                return;
            }

            while (_retainedBytes + array.Length > _maxRetainedBytes)
            {
                _retainedBytes -= _retained[0].Array.Length;
                _retained.RemoveAt(0);
            }

            _retained.Add((array, Environment.TickCount64));
            _retainedBytes += array.Length;
        }
    }

    /// <summary>Rounds up to a multiple of a sixteenth of the next lower power of two (at most 6.25% more).</summary>
    internal static int RoundUp(int length)
    {
        var step = (long)1 << Math.Max(0, System.Numerics.BitOperations.Log2((uint)length) - 4);
        return (int)Math.Min(Array.MaxLength, (length + step - 1) / step * step);
    }

    private void DropIdle()
    {
        var oldest = Environment.TickCount64 - (long)IdleLifetime.TotalMilliseconds;
        for (var i = _retained.Count - 1; i >= 0; i--)
        {
            if (_retained[i].ReturnedAt < oldest)
            {
                _retainedBytes -= _retained[i].Array.Length;
                _retained.RemoveAt(i);
            }
        }
    }
}
