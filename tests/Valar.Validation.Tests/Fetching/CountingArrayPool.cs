using System.Buffers;

namespace Valar.Validation.Tests.Fetching;

/// <summary>The shared pool, counting what is rented and not yet returned, so a test can see what a fetch holds.</summary>
internal sealed class CountingArrayPool : ArrayPool<byte>
{
    private long _outstandingBytes;
    private int _rentals;

    /// <summary>Bytes in arrays rented and not returned.</summary>
    public long OutstandingBytes => Interlocked.Read(ref _outstandingBytes);

    /// <summary>Arrays rented so far.</summary>
    public int Rentals => Volatile.Read(ref _rentals);

    public override byte[] Rent(int minimumLength)
    {
        var array = Shared.Rent(minimumLength);
        Interlocked.Add(ref _outstandingBytes, array.Length);
        Interlocked.Increment(ref _rentals);
        return array;
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        Interlocked.Add(ref _outstandingBytes, -array.Length);
        Shared.Return(array, clearArray);
    }
}
