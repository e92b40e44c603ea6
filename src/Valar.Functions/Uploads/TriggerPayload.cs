using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Valar.Functions.Uploads;

/// <summary>
/// The body the Functions host POSTs to <c>/PrevalidateUpload</c> for the blob trigger (binding <c>blob</c>,
/// <c>dataType: binary</c>), as built by the host's <c>ScriptInvocationContextExtensions</c>:
/// <code>
/// {"Data":{"blob":"&lt;base64&gt;"},
///  "Metadata":{"name":"\"&lt;id&gt;\"","Uri":"\"https://...\"","Properties":{"ContentType":"image/png",...},"Metadata":{},"sys":{...}}}
/// </code>
/// Plain string metadata is serialized with <c>JsonConvert.SerializeObject</c> before the whole body is, so it arrives
/// JSON-encoded twice; objects such as <c>Properties</c> arrive once. Both forms are accepted for strings.
/// </summary>
public sealed record TriggerPayload(string Name, ReadOnlyMemory<byte> Content, bool ContentMissing, string? ContentType, string? ETag, string? Uri)
{
    public const string BindingName = "blob";

    /// <summary>
    /// Parses a buffered body. With <paramref name="contentOptional"/> (a body too large to buffer, of which only the
    /// metadata was kept) a missing <c>Data</c> is allowed. Never throws for bad input: the error names the field.
    /// </summary>
    public static TriggerPayloadResult Parse(ReadOnlySpan<byte> json, bool contentOptional = false)
    {
        try
        {
            return ParseCore(json, contentOptional);
        }
        catch (JsonException exception)
        {
            return TriggerPayloadResult.Fail($"body is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1})");
        }
    }

    private static TriggerPayloadResult ParseCore(ReadOnlySpan<byte> json, bool contentOptional)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return TriggerPayloadResult.Fail("body must be a JSON object with Data and Metadata");
        }

        byte[]? content = null;
        var sawData = false;
        var sawMetadata = false;
        string? name = null, contentType = null, etag = null, uri = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.GetString();
            reader.Read();
            if (Is(property, "Data"))
            {
                sawData = true;
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return TriggerPayloadResult.Fail("Data must be an object");
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var binding = reader.GetString();
                    reader.Read();
                    if (!Is(binding, BindingName))
                    {
                        reader.Skip();
                        continue;
                    }

                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return TriggerPayloadResult.Fail($"Data.{BindingName} must be a base64 string (the binding needs \"dataType\": \"binary\")");
                    }

                    content = DecodeBase64(ref reader);
                    if (content is null)
                    {
                        return TriggerPayloadResult.Fail($"Data.{BindingName} is not valid base64");
                    }
                }
            }
            else if (Is(property, "Metadata"))
            {
                sawMetadata = true;
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return TriggerPayloadResult.Fail("Metadata must be an object");
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var key = reader.GetString();
                    reader.Read();
                    if (Is(key, "name"))
                    {
                        if (!TryReadEncodedString(ref reader, out name))
                        {
                            return TriggerPayloadResult.Fail("Metadata.name must be a JSON-encoded string such as \"\\\"<id>\\\"\"");
                        }
                    }
                    else if (Is(key, "Uri"))
                    {
                        if (!TryReadEncodedString(ref reader, out uri))
                        {
                            return TriggerPayloadResult.Fail("Metadata.Uri must be a JSON-encoded string");
                        }
                    }
                    else if (Is(key, "Properties"))
                    {
                        var problem = ReadProperties(ref reader, ref contentType, ref etag);
                        if (problem is not null)
                        {
                            return TriggerPayloadResult.Fail(problem);
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }

        if (!sawData && !contentOptional)
        {
            return TriggerPayloadResult.Fail("Data is required");
        }

        if (content is null && !contentOptional)
        {
            return TriggerPayloadResult.Fail($"Data.{BindingName} is required");
        }

        if (!sawMetadata)
        {
            return TriggerPayloadResult.Fail("Metadata is required");
        }

        if (string.IsNullOrEmpty(name))
        {
            return TriggerPayloadResult.Fail("Metadata.name is required");
        }

        return TriggerPayloadResult.Success(new TriggerPayload(name, content ?? ReadOnlyMemory<byte>.Empty, content is null, contentType, etag, uri));
    }

    private static string? ReadProperties(ref Utf8JsonReader reader, ref string? contentType, ref string? etag)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return "Metadata.Properties must be an object";
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString();
            reader.Read();
            if (Is(key, "ContentType"))
            {
                if (reader.TokenType != JsonTokenType.Null && !TryReadEncodedString(ref reader, out contentType))
                {
                    return "Metadata.Properties.ContentType must be a string";
                }
            }
            else if (Is(key, "ETag") && reader.TokenType == JsonTokenType.String)
            {
                // Kept as sent: an ETag's own quotes are part of it. Azure.Core's ETag struct may serialize as an object instead.
                etag = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return null;
    }

    /// <summary>Reads a string that may be JSON-encoded a second time (<c>"\"abc\""</c>); false when it is not a string or the inner encoding is broken.</summary>
    private static bool TryReadEncodedString(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        var text = reader.GetString()!;
        if (text.Length == 0 || text[0] != '"')
        {
            value = text;
            return true;
        }

        var inner = new Utf8JsonReader(Encoding.UTF8.GetBytes(text));
        try
        {
            if (!inner.Read() || inner.TokenType != JsonTokenType.String)
            {
                return false;
            }

            var decoded = inner.GetString();
            if (inner.Read())
            {
                return false;
            }

            value = decoded;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static byte[]? DecodeBase64(ref Utf8JsonReader reader)
    {
        byte[]? unescaped = null;
        try
        {
            ReadOnlySpan<byte> base64 = reader.ValueSpan;
            if (reader.ValueIsEscaped)
            {
                // Only an escaped '/' is plausible in base64; unescape into a pooled buffer, never a string.
                unescaped = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
                var written = reader.CopyString(unescaped);
                base64 = unescaped.AsSpan(0, written);
            }

            if (!Base64.IsValid(base64, out var decodedLength))
            {
                return null;
            }

            var content = GC.AllocateUninitializedArray<byte>(decodedLength);
            var status = Base64.DecodeFromUtf8(base64, content, out _, out var bytesWritten);
            if (status != OperationStatus.Done)
            {
                // Whitespace inside the text: IsValid accepts it, the decoder wants it gone.
                return Convert.TryFromBase64String(Encoding.ASCII.GetString(base64), content, out bytesWritten)
                    ? content[..bytesWritten]
                    : null;
            }

            return bytesWritten == content.Length ? content : content[..bytesWritten];
        }
        finally
        {
            if (unescaped is not null)
            {
                ArrayPool<byte>.Shared.Return(unescaped);
            }
        }
    }

    private static bool Is(string? actual, string expected) => string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A parsed payload, or why it could not be parsed (naming the field).</summary>
public readonly record struct TriggerPayloadResult(TriggerPayload? Payload, string? Error)
{
    public static TriggerPayloadResult Success(TriggerPayload payload) => new(payload, null);

    public static TriggerPayloadResult Fail(string error) => new(null, error);
}
