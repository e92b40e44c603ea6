using System.Text.Json;

namespace Valar.Validation.Requests;

/// <summary>
/// OpenAI Responses: <c>input</c> is a string or an array of items. Message items (typed or the
/// <c>{role, content}</c> shorthand) carry <c>input_image</c> parts in <c>content</c>; function call outputs
/// may carry them in <c>output</c>. <c>image_url</c> is a string: a URL or a data URI.
/// </summary>
internal static class ResponsesParser
{
    public static bool ParseRoot(ref Utf8JsonReader reader, ParseContext context) =>
        JsonWalk.ParseRoot(ref reader, context, "input", conversationRequired: false, ParseInput);

    private static bool ParseInput(ref Utf8JsonReader reader, ParseContext context)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String or JsonTokenType.Null:
                return true;
            case JsonTokenType.StartArray:
                return JsonWalk.ParseItems(ref reader, context, "input", ParseItem);
            default:
                return context.Fail("input", "expected a string or an array of input items");
        }
    }

    private static bool ParseItem(ref Utf8JsonReader reader, ParseContext context, string path)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return context.Fail(path, "expected an object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Content arrays hold objects in every item type, so parts are read whatever the item's type
            // turns out to be (it may come after the content); only input_image parts become images.
            var field = reader.ValueTextEquals("content"u8) ? "content"
                : reader.ValueTextEquals("output"u8) ? "output"
                : null;
            reader.Read();
            if (field is null || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            if (!JsonWalk.ParseItems(ref reader, context, $"{path}.{field}", ParsePart))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ParsePart(ref Utf8JsonReader reader, ParseContext context, string path)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return context.Fail(path, "expected an object");
        }

        var isImage = false;
        var hasFileId = false;
        ReadOnlyMemory<byte>? imageUrl = null;
        var imageUrlRange = default(Range);
        string? imageUrlProblem = null;
        string? detail = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                isImage = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("input_image"u8);
            }
            else if (reader.ValueTextEquals("image_url"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    imageUrl = context.GetUtf8String(ref reader);
                    imageUrlRange = ParseContext.TokenRange(ref reader);
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    reader.Skip();
                    imageUrlProblem = "expected a string: a URL or a data URI";
                }
            }
            else if (reader.ValueTextEquals("file_id"u8))
            {
                reader.Read();
                hasFileId = reader.TokenType == JsonTokenType.String;
            }
            else if (reader.ValueTextEquals("detail"u8))
            {
                if (!context.TryReadDetail(ref reader, $"{path}.detail", out detail))
                {
                    return false;
                }
            }
            else
            {
                JsonWalk.SkipValue(ref reader);
            }
        }

        if (!isImage)
        {
            return true;
        }

        if (imageUrlProblem is not null)
        {
            return context.Fail($"{path}.image_url", imageUrlProblem);
        }

        if (imageUrl is { } url)
        {
            return context.AddImageFromUrlText(url, $"{path}.image_url", detail, imageUrlRange);
        }

        return hasFileId
            ? context.Fail($"{path}.file_id", "file ids cannot be validated here; send image_url as a URL or a data URI")
            : context.Fail($"{path}.image_url", "required for a part of type 'input_image'");
    }
}
