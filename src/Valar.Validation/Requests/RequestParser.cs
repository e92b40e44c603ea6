using System.Text.Json;
using Valar.Validation.Payloads;

namespace Valar.Validation.Requests;

/// <summary>Reads a request body of any surface into the images it carries, in one pass over the UTF-8 bytes.</summary>
public static class RequestParser
{
    /// <summary>Images kept per request; more are counted but not kept, so a hostile body cannot grow the list without bound.</summary>
    public const int DefaultImageCollectionLimit = 1024;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 64,
    };

    /// <summary>
    /// Parses <paramref name="body"/>. The returned images slice <paramref name="body"/>, which must outlive them.
    /// </summary>
    public static ParseResult Parse(ApiSurface surface, ReadOnlyMemory<byte> body, int imageCollectionLimit = DefaultImageCollectionLimit) =>
        Parse(surface, body, imageCollectionLimit, Base64ScanMode.None, out _);

    /// <summary>
    /// Parses <paramref name="body"/> and scans every kept base64 payload as <paramref name="scanMode"/> says, as soon as the
    /// reader has passed over it. <paramref name="base64Scans"/> is parallel to the images (null when none was kept) and is
    /// set on failure too: scans may still be running on the body, which must stay unchanged until they end.
    /// </summary>
    internal static ParseResult Parse(ApiSurface surface, ReadOnlyMemory<byte> body, int imageCollectionLimit, Base64ScanMode scanMode, out IReadOnlyList<PendingBase64Scan>? base64Scans)
    {
        base64Scans = null;
        if (body.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return Malformed("the body is empty");
        }

        var context = new ParseContext(body, imageCollectionLimit, scanMode);
        try
        {
            return Parse(surface, context);
        }
        finally
        {
            base64Scans = context.Base64Scans;
        }
    }

    private static ParseResult Parse(ApiSurface surface, ParseContext context)
    {
        var reader = new Utf8JsonReader(context.Body.Span, ReaderOptions);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return ParseResult.Failure(ValidationErrors.InvalidRequest("body", "expected a JSON object"));
            }

            var parsed = surface switch
            {
                ApiSurface.ChatCompletions => ChatCompletionsParser.ParseRoot(ref reader, context),
                ApiSurface.Responses => ResponsesParser.ParseRoot(ref reader, context),
                ApiSurface.Messages => MessagesParser.ParseRoot(ref reader, context),
                _ => throw new ArgumentOutOfRangeException(nameof(surface), surface, null),
            };
            if (!parsed)
            {
                return ParseResult.Failure(context.Error!);
            }

            // Reading past the root object surfaces trailing garbage as a JsonException.
            reader.Read();
        }
        catch (JsonException exception)
        {
            return Malformed(exception.Message);
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader.GetString refuses strings that are not valid UTF-8.
            return Malformed("a string is not valid UTF-8");
        }

        if (context.Model is null)
        {
            context.Fail("model", "required");
            return ParseResult.Failure(context.Error!);
        }

        return ParseResult.Success(new ParsedRequest(surface, context.Model, context.Images, context.ImageCount, context.Stream));
    }

    private static ParseResult Malformed(string reason) =>
        ParseResult.Failure(ValidationErrors.MalformedJson(reason));
}
