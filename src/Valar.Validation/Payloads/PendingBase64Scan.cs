namespace Valar.Validation.Payloads;

/// <summary>A payload scan done inline, or still running on the thread pool while the parse goes on.</summary>
internal readonly struct PendingBase64Scan
{
    /// <summary>Smallest payload worth a thread-pool hop (a scan of 1 MiB takes tens of microseconds).</summary>
    public const int ParallelThreshold = 1024 * 1024;

    private readonly Base64Scan _result;

    private PendingBase64Scan(Base64Scan result, Task<Base64Scan>? running)
    {
        _result = result;
        Running = running;
    }

    /// <summary>The scan still in flight, or null when the result is already known.</summary>
    public Task<Base64Scan>? Running { get; }

    /// <summary>
    /// Scans <paramref name="payload"/> now, or starts it on the thread pool when <paramref name="mode"/> allows and it is
    /// large enough. The payload's memory must stay unchanged until the scan completes.
    /// </summary>
    public static PendingBase64Scan Start(ReadOnlyMemory<byte> payload, Base64ScanMode mode) =>
        mode == Base64ScanMode.Parallel && payload.Length >= ParallelThreshold && Environment.ProcessorCount > 1
            ? new PendingBase64Scan(default, Task.Run(() => Base64Scanner.Scan(payload.Span)))
            : new PendingBase64Scan(Base64Scanner.Scan(payload.Span), null);

    public ValueTask<Base64Scan> GetAsync() => Running is null ? new ValueTask<Base64Scan>(_result) : new ValueTask<Base64Scan>(Running);
}
