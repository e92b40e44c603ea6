using System.Text.Json;

namespace Valar.Validation.Requests;

/// <summary>
/// OpenAI Chat Completions: <c>messages[].content</c> is a string, null, or parts; a part of type
/// <c>image_url</c> carries <c>image_url: {url, detail}</c>. Every other field is skipped untouched.
/// </summary>
internal static class ChatCompletionsParser
{
    public static bool ParseRoot(ref Utf8JsonReader reader, ParseContext context) =>
        JsonWalk.ParseRoot(
            ref reader, context, "messages", conversationRequired: true, static (ref Utf8JsonReader reader, ParseContext context) => JsonWalk.ParseMessages(ref reader, context, ParseMessage));

    private static bool ParseMessage(ref Utf8JsonReader reader, ParseContext context, string path)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return context.Fail(path, "expected an object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("content"u8))
            {
                JsonWalk.SkipValue(ref reader);
                continue;
            }

            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.String or JsonTokenType.Null:
                    break;
                case JsonTokenType.StartArray:
                    if (!JsonWalk.ParseItems(ref reader, context, $"{path}.content", ParsePart))
                    {
                        return false;
                    }

                    break;
                default:
                    return context.Fail($"{path}.content", "expected a string, an array of content parts, or null");
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

        var type = PartType.Missing;
        var imageUrl = default(ImageUrlObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return context.Fail($"{path}.type", "expected a string");
                }

                type = reader.ValueTextEquals("image_url"u8) ? PartType.ImageUrl : PartType.Other;
            }
            else if (reader.ValueTextEquals("image_url"u8))
            {
                reader.Read();
                if (!ImageUrlObject.TryRead(ref reader, context, $"{path}.image_url", out imageUrl))
                {
                    return false;
                }
            }
            else
            {
                JsonWalk.SkipValue(ref reader);
            }
        }

        return type switch
        {
            PartType.Missing => context.Fail($"{path}.type", "required"),
            PartType.ImageUrl => imageUrl.AddTo(context, $"{path}.image_url"),
            _ => true,
        };
    }

    private enum PartType
    {
        Missing,
        ImageUrl,
        Other,
    }

    /// <summary>What an <c>image_url</c> field held; judged only once the part's type is known.</summary>
    private readonly struct ImageUrlObject
    {
        private readonly ReadOnlyMemory<byte> _url;
        private readonly Range _urlRange;
        private readonly string? _detail;
        private readonly string? _problemPath;
        private readonly string? _problem;

        private ImageUrlObject(ReadOnlyMemory<byte> url, Range urlRange, string? detail, string? problemPath, string? problem)
        {
            _url = url;
            _urlRange = urlRange;
            _detail = detail;
            _problemPath = problemPath;
            _problem = problem;
            IsPresent = true;
        }

        public bool IsPresent { get; }

        public static bool TryRead(ref Utf8JsonReader reader, ParseContext context, string path, out ImageUrlObject value)
        {
            value = default;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                value = new ImageUrlObject(default, default, null, path, "expected an object with a 'url' string");
                return true;
            }

            ReadOnlyMemory<byte>? url = null;
            var urlRange = default(Range);
            string? detail = null;
            string? problemPath = null;
            string? problem = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("url"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        url = context.GetUtf8String(ref reader);
                        urlRange = ParseContext.TokenRange(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                        (problemPath, problem, url) = ($"{path}.url", "expected a string", null);
                    }
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

            if (problem is null && url is null)
            {
                (problemPath, problem) = ($"{path}.url", "required");
            }

            value = new ImageUrlObject(url ?? default, urlRange, detail, problemPath, problem);
            return true;
        }

        public bool AddTo(ParseContext context, string path)
        {
            if (!IsPresent)
            {
                return context.Fail(path, "required for a part of type 'image_url'");
            }

            return _problem is not null
                ? context.Fail(_problemPath!, _problem)
                : context.AddImageFromUrlText(_url, $"{path}.url", _detail, _urlRange);
        }
    }
}
