using System.Text;
using System.Text.Json;
using Valar.Validation.Payloads;

namespace Valar.Validation.Requests;

/// <summary>
/// State shared by the surface parsers while they walk one body: the images found so far, the model,
/// and the first shape error. Parsers return <c>false</c> after <see cref="Fail"/> to unwind.
/// </summary>
internal sealed class ParseContext
{
    /// <summary>Longest URL we accept; signed URLs run to a few KB, nothing legitimate is near this.</summary>
    public const int MaxUrlLength = 32 * 1024;

    private readonly ReadOnlyMemory<byte> _body;
    private readonly int _imageCollectionLimit;
    private readonly List<ImageReference> _images = [];
    private readonly Base64ScanMode _scanMode;
    private List<PendingBase64Scan>? _base64Scans;

    /// <param name="body">The whole request body.</param>
    /// <param name="imageCollectionLimit">Images kept; more are only counted.</param>
    /// <param name="scanMode">
    /// Whether to scan each kept base64 payload as soon as it is found (inline, while the JSON reader's pass may have
    /// left it in cache, or beside the parse on the thread pool); the scans are <see cref="Base64Scans"/>, parallel to <see cref="Images"/>.
    /// </param>
    public ParseContext(ReadOnlyMemory<byte> body, int imageCollectionLimit, Base64ScanMode scanMode = Base64ScanMode.None)
    {
        _body = body;
        _imageCollectionLimit = imageCollectionLimit;
        _scanMode = scanMode;
    }

    /// <summary>The body being parsed.</summary>
    public ReadOnlyMemory<byte> Body => _body;

    public string? Model { get; private set; }

    public bool Stream { get; private set; }

    public int ImageCount { get; private set; }

    public IReadOnlyList<ImageReference> Images => _images;

    /// <summary>With scanning on: one entry per kept image, in order (default for URL images); null while no image was kept.</summary>
    public IReadOnlyList<PendingBase64Scan>? Base64Scans => _base64Scans;

    public ValidationError? Error { get; private set; }

    public bool Fail(string path, string reason)
    {
        Error = ValidationErrors.InvalidRequest(path, reason);
        return false;
    }

    /// <summary>Reads <c>model</c>; the reader is on its value.</summary>
    public bool ReadModel(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return Fail("model", "expected a string");
        }

        Model = reader.GetString();
        return true;
    }

    /// <summary>Reads <c>stream</c>; the reader is on its value. Non-boolean values are left for upstream to judge.</summary>
    public void ReadStream(ref Utf8JsonReader reader) => Stream = reader.TokenType == JsonTokenType.True;

    /// <summary>The current string token as UTF-8, sliced from the body when it needs no unescaping.</summary>
    public ReadOnlyMemory<byte> GetUtf8String(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            // TokenStartIndex is the opening quote of a string token.
            return _body.Slice(checked((int)reader.TokenStartIndex + 1), reader.ValueSpan.Length);
        }

        var unescaped = new byte[reader.ValueSpan.Length];
        var length = reader.CopyString(unescaped);
        return unescaped.AsMemory(0, length);
    }

    /// <summary>The byte range of the token the reader is on (a string token with its quotes).</summary>
    public static Range TokenRange(ref Utf8JsonReader reader) => checked((int)reader.TokenStartIndex)..checked((int)reader.BytesConsumed);

    /// <summary>
    /// Adds an image given as URL text (OpenAI <c>image_url</c>, Anthropic url source): a data URI becomes a
    /// base64 image, anything else a URL image whose scheme is checked later, in check order.
    /// <paramref name="bodyRange"/> is where the value that holds the URL sits in the body (see <see cref="ImageReference.BodyRange"/>).
    /// </summary>
    public bool AddImageFromUrlText(ReadOnlyMemory<byte> text, string path, string? detail, Range bodyRange)
    {
        var span = text.Span;
        if (DataUri.HasDataScheme(span))
        {
            if (!DataUri.TryParse(span, out var mediaType, out var payloadOffset, out var problem))
            {
                return Fail(path, problem!);
            }

            return AddImage(new ImageReference
            {
                Index = ImageCount,
                Path = path,
                Source = ImageSourceKind.Base64,
                Base64 = text[payloadOffset..],
                DeclaredMediaType = mediaType,
                Detail = detail,
            });
        }

        if (span.Length > MaxUrlLength)
        {
            return Fail(path, $"URL is longer than {MaxUrlLength} bytes");
        }

        if (span.IsEmpty)
        {
            return Fail(path, "expected a URL or a data URI, got an empty string");
        }

        return AddImage(new ImageReference
        {
            Index = ImageCount,
            Path = path,
            Source = ImageSourceKind.Url,
            Url = Encoding.UTF8.GetString(span),
            Detail = detail,
            BodyRange = bodyRange,
        });
    }

    /// <summary>Adds Anthropic's raw base64 image with its separate media type.</summary>
    public bool AddBase64Image(ReadOnlyMemory<byte> data, string path, string mediaType)
    {
        if (DataUri.HasDataScheme(data.Span))
        {
            return Fail(path, "expected raw base64 without a 'data:' prefix; put the type in media_type");
        }

        return AddImage(new ImageReference
        {
            Index = ImageCount,
            Path = path,
            Source = ImageSourceKind.Base64,
            Base64 = data,
            DeclaredMediaType = mediaType,
        });
    }

    /// <summary>Reads an OpenAI <c>detail</c>; the reader is on its property name. Null means absent.</summary>
    public bool TryReadDetail(ref Utf8JsonReader reader, string path, out string? detail)
    {
        reader.Read();
        detail = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            foreach (var known in ImageDetail.Values)
            {
                if (reader.ValueTextEquals(known))
                {
                    detail = known;
                    return true;
                }
            }
        }

        return Fail(path, "expected one of 'auto', 'low', 'high', 'original'");
    }

    private bool AddImage(ImageReference image)
    {
        ImageCount++;
        if (_images.Count < _imageCollectionLimit)
        {
            _images.Add(image);
            if (_scanMode != Base64ScanMode.None)
            {
                (_base64Scans ??= []).Add(image.Source == ImageSourceKind.Base64 ? PendingBase64Scan.Start(image.Base64, _scanMode) : default);
            }
        }

        return true;
    }
}
