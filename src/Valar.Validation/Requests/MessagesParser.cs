using System.Text.Json;

namespace Valar.Validation.Requests;

/// <summary>
/// Anthropic Messages: <c>messages[].content</c> is a string or blocks; an <c>image</c> block has a
/// <c>source</c> of type <c>url</c> or <c>base64</c> (raw base64 plus <c>media_type</c>). Images may also sit
/// inside a <c>tool_result</c> block's <c>content</c>.
/// </summary>
internal static class MessagesParser
{
    public static bool ParseRoot(ref Utf8JsonReader reader, ParseContext context) =>
        JsonWalk.ParseRoot(
            ref reader, context, "messages", conversationRequired: true, static (ref Utf8JsonReader reader, ParseContext context) => JsonWalk.ParseMessages(ref reader, context, ParseMessage));

    private static bool ParseMessage(ref Utf8JsonReader reader, ParseContext context, string path)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return context.Fail(path, "expected an object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isContent = reader.ValueTextEquals("content"u8);
            reader.Read();
            if (!isContent)
            {
                reader.Skip();
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                if (!ParseBlocks(ref reader, context, $"{path}.content", nested: false))
                {
                    return false;
                }
            }
            else if (reader.TokenType != JsonTokenType.String)
            {
                return context.Fail($"{path}.content", "expected a string or an array of content blocks");
            }
        }

        return true;
    }

    /// <summary>
    /// Reads content blocks. Top-level blocks must be objects; nested ones (a tool result's content) are only
    /// searched for images, since their other shapes are the upstream API's to judge.
    /// </summary>
    private static bool ParseBlocks(ref Utf8JsonReader reader, ParseContext context, string path, bool nested)
    {
        for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
        {
            var blockPath = $"{path}[{index}]";
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                if (!nested)
                {
                    return context.Fail(blockPath, "expected an object");
                }

                reader.Skip();
                continue;
            }

            if (!ParseBlock(ref reader, context, blockPath, nested))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ParseBlock(ref Utf8JsonReader reader, ParseContext context, string path, bool nested)
    {
        var isImage = false;
        var source = default(ImageSource);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                isImage = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("image"u8);
            }
            else if (reader.ValueTextEquals("source"u8))
            {
                reader.Read();
                source = ImageSource.Read(ref reader, context);
            }
            else if (!nested && reader.ValueTextEquals("content"u8))
            {
                // A tool_result's content: read before the type is known, since key order is free.
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
                else if (!ParseBlocks(ref reader, context, $"{path}.content", nested: true))
                {
                    return false;
                }
            }
            else
            {
                JsonWalk.SkipValue(ref reader);
            }
        }

        return !isImage || source.AddTo(context, $"{path}.source");
    }

    private enum SourceType
    {
        Absent,
        Missing,
        NotAnObject,
        Url,
        Base64,
        Other,
    }

    /// <summary>What an image block's <c>source</c> held; judged once the block's type is known.</summary>
    private readonly record struct ImageSource(
        SourceType Type,
        string? TypeName,
        ReadOnlyMemory<byte>? Url,
        ReadOnlyMemory<byte>? Data,
        string? MediaType,
        string? WrongTypeField,
        Range ObjectRange = default)
    {
        public static ImageSource Read(ref Utf8JsonReader reader, ParseContext context)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return new ImageSource(SourceType.NotAnObject, null, null, null, null, null);
            }

            var start = checked((int)reader.TokenStartIndex);
            var type = SourceType.Missing;
            string? typeName = null;
            ReadOnlyMemory<byte>? url = null;
            ReadOnlyMemory<byte>? data = null;
            string? mediaType = null;
            string? wrongTypeField = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("type"u8) ? "type"
                    : reader.ValueTextEquals("url"u8) ? "url"
                    : reader.ValueTextEquals("data"u8) ? "data"
                    : reader.ValueTextEquals("media_type"u8) ? "media_type"
                    : null;
                reader.Read();
                if (field is null)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    wrongTypeField ??= field;
                    continue;
                }

                switch (field)
                {
                    case "type":
                        type = reader.ValueTextEquals("url"u8) ? SourceType.Url
                            : reader.ValueTextEquals("base64"u8) ? SourceType.Base64
                            : SourceType.Other;
                        typeName = type == SourceType.Other ? reader.GetString() : null;
                        break;
                    case "url":
                        url = context.GetUtf8String(ref reader);
                        break;
                    case "data":
                        data = context.GetUtf8String(ref reader);
                        break;
                    default:
                        mediaType = reader.GetString();
                        break;
                }
            }

            // The reader is on the source object's end: the range is the whole object, braces included.
            return new ImageSource(type, typeName, url, data, mediaType, wrongTypeField, start..checked((int)reader.BytesConsumed));
        }

        public bool AddTo(ParseContext context, string path)
        {
            if (Type == SourceType.Absent)
            {
                return context.Fail(path, "required for a block of type 'image'");
            }

            if (Type == SourceType.NotAnObject)
            {
                return context.Fail(path, "expected an object with a 'type' of 'base64' or 'url'");
            }

            if (WrongTypeField is not null)
            {
                return context.Fail($"{path}.{WrongTypeField}", "expected a string");
            }

            return Type switch
            {
                SourceType.Missing => context.Fail($"{path}.type", "required"),
                SourceType.Url when Url is { } url => context.AddImageFromUrlText(url, $"{path}.url", detail: null, ObjectRange),
                SourceType.Url => context.Fail($"{path}.url", "required for a source of type 'url'"),
                SourceType.Base64 when MediaType is null => context.Fail($"{path}.media_type", "required for a source of type 'base64'"),
                SourceType.Base64 when Data is { } data => context.AddBase64Image(data, $"{path}.data", MediaType),
                SourceType.Base64 => context.Fail($"{path}.data", "required for a source of type 'base64'"),
                _ => context.Fail($"{path}.type", $"unsupported source type '{TypeName}'; expected 'base64' or 'url'"),
            };
        }
    }
}
