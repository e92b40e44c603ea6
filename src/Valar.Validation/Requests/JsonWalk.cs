using System.Text.Json;

namespace Valar.Validation.Requests;

/// <summary>The walks every surface shares: the root object and arrays of items.</summary>
internal static class JsonWalk
{
    /// <summary>
    /// Reads the root object: <c>model</c>, <c>stream</c> and the surface's conversation field (<c>messages</c>,
    /// <c>input</c>); every other field is skipped untouched. The reader is on the root's start.
    /// </summary>
    public static bool ParseRoot(ref Utf8JsonReader reader, ParseContext context, string conversationField, bool conversationRequired, JsonValueParser parseConversation)
    {
        var sawConversation = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (!context.ReadModel(ref reader))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("stream"u8))
            {
                reader.Read();
                context.ReadStream(ref reader);
            }
            else if (reader.ValueTextEquals(conversationField))
            {
                reader.Read();
                sawConversation = true;
                if (!parseConversation(ref reader, context))
                {
                    return false;
                }
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return sawConversation || !conversationRequired || context.Fail(conversationField, "required");
    }

    /// <summary>Reads the <c>messages</c> array the reader is on (Chat Completions and Messages), each message with <paramref name="parseMessage"/>.</summary>
    public static bool ParseMessages(ref Utf8JsonReader reader, ParseContext context, JsonItemParser parseMessage) =>
        reader.TokenType == JsonTokenType.StartArray
            ? ParseItems(ref reader, context, "messages", parseMessage)
            : context.Fail("messages", "expected an array of messages");

    /// <summary>Skips the value of the property name the reader is on, whole.</summary>
    public static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    /// <summary>Reads each item of the array the reader is on, with its path <c>path[i]</c>.</summary>
    public static bool ParseItems(ref Utf8JsonReader reader, ParseContext context, string path, JsonItemParser parseItem)
    {
        for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
        {
            if (!parseItem(ref reader, context, $"{path}[{index}]"))
            {
                return false;
            }
        }

        return true;
    }
}
