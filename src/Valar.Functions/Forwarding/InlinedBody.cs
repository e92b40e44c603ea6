using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Text;
using Valar.Validation;
using Valar.Validation.Requests;

namespace Valar.Functions.Forwarding;

/// <summary>
/// The request body as the client sent it, with each URL image's value replaced by the bytes that were checked:
/// a data URI string on the OpenAI surfaces, a <c>{"type":"base64","media_type",...,"data"}</c> source on Anthropic's.
/// Every other byte is copied from the original body in order; nothing is re-serialized. The base64 text is encoded
/// while writing, a pooled chunk at a time, so no second copy of the body or the images is ever built.
/// </summary>
public sealed class InlinedBody : HttpContent
{
    /// <summary>Input bytes encoded per chunk: a multiple of 3, so every chunk but the last encodes without padding.</summary>
    private const int EncodeChunkBytes = 48 * 1024;

    private readonly ReadOnlyMemory<byte> _body;
    private readonly ApiSurface _surface;
    private readonly IReadOnlyList<DownloadedImage> _images;
    private readonly long _length;
    private bool _sent;

    /// <param name="body">The original body; it must stay unchanged while the content is sent.</param>
    /// <param name="images">The replacements, each with its range in <paramref name="body"/>; none sends the body as it is.</param>
    public InlinedBody(ReadOnlyMemory<byte> body, ApiSurface surface, IReadOnlyList<DownloadedImage> images)
    {
        _body = body;
        _surface = surface;
        _images = [.. images.OrderBy(image => image.BodyRange.Start.GetOffset(body.Length))];
        long length = body.Length;
        var previousEnd = 0;
        foreach (var image in _images)
        {
            var (start, count) = image.BodyRange.GetOffsetAndLength(body.Length);
            if (start < previousEnd || count == 0)
            {
                throw new ArgumentException("Image ranges must be non-empty and must not overlap.", nameof(images));
            }

            previousEnd = start + count;
            length += ReplacementLength(image) - count;
        }

        _length = length;
    }

    /// <summary>
    /// Whether the whole body has been written to the upstream connection: from then on nothing reads the original body
    /// or the images, and their memory can be given back while the answer still streams.
    /// </summary>
    public bool IsSent => Volatile.Read(ref _sent);

    /// <summary>The exact length of the body sent upstream.</summary>
    public long Length => _length;

    /// <summary>The replacement text of <paramref name="image"/> up to the base64 payload.</summary>
    private byte[] Prefix(DownloadedImage image) => _surface == ApiSurface.Messages
        ? Encoding.UTF8.GetBytes($"{{\"type\":\"base64\",\"media_type\":\"{image.MediaType}\",\"data\":\"")
        : Encoding.UTF8.GetBytes($"\"data:{image.MediaType};base64,");

    private static readonly byte[] MessagesSuffix = "\"}"u8.ToArray();

    private static readonly byte[] OpenAiSuffix = "\""u8.ToArray();

    private byte[] Suffix => _surface == ApiSurface.Messages ? MessagesSuffix : OpenAiSuffix;

    private long ReplacementLength(DownloadedImage image) =>
        Prefix(image).Length + Base64.GetMaxEncodedToUtf8Length(image.Content.Length) + Suffix.Length;

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var position = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(Base64.GetMaxEncodedToUtf8Length(EncodeChunkBytes));
        try
        {
            foreach (var image in _images)
            {
                var (start, count) = image.BodyRange.GetOffsetAndLength(_body.Length);
                await stream.WriteAsync(_body[position..start], cancellationToken).ConfigureAwait(false);
                await stream.WriteAsync(Prefix(image), cancellationToken).ConfigureAwait(false);
                for (var offset = 0; offset < image.Content.Length; offset += EncodeChunkBytes)
                {
                    var chunk = image.Content.Slice(offset, Math.Min(EncodeChunkBytes, image.Content.Length - offset));
                    Base64.EncodeToUtf8(chunk.Span, buffer, out _, out var written, isFinalBlock: true);
                    await stream.WriteAsync(buffer.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
                }

                await stream.WriteAsync(Suffix, cancellationToken).ConfigureAwait(false);
                position = start + count;
            }

            await stream.WriteAsync(_body[position..], cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _sent, true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
