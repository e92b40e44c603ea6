namespace Valar.Functions.Http;

/// <summary>A buffered request body and its share of the <see cref="BodyBufferBudget"/>, given back on dispose.</summary>
public sealed class RequestBody : IDisposable
{
    private readonly BodyBufferBudget _budget;
    private long _reservedBytes;

    internal RequestBody(BodyBufferBudget budget, ReadOnlyMemory<byte> content, long reservedBytes)
    {
        _budget = budget;
        Content = content;
        _reservedBytes = reservedBytes;
    }

    public ReadOnlyMemory<byte> Content { get; }

    public void Dispose()
    {
        var reserved = Interlocked.Exchange(ref _reservedBytes, 0);
        if (reserved > 0)
        {
            _budget.Release(reserved);
        }
    }
}
