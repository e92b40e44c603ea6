using System.Net;

namespace Valar.DevHost.Tests.Hosting;

/// <summary>A request body of any length made on the fly from one small buffer: never held in memory whole.</summary>
public sealed class GeneratedContent : HttpContent
{
    private const int ChunkSize = 64 * 1024;
    private readonly long _length;

    public GeneratedContent(long length)
    {
        _length = length;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
    }

    /// <summary>The byte at <paramref name="position"/>: a repeating 251-byte pattern (a prime, so chunks do not align).</summary>
    public static byte At(long position) => (byte)(position % 251);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var buffer = new byte[ChunkSize + 251];
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = At(i);
        }

        long written = 0;
        while (written < _length)
        {
            var count = (int)Math.Min(ChunkSize, _length - written);
            var offset = (int)(written % 251);
            await stream.WriteAsync(buffer.AsMemory(offset, count));
            written += count;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
