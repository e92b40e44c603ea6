using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Valar.Functions.Tests.Uploads;

/// <summary>
/// Blob-trigger invocation bodies shaped exactly like the Functions host's (ScriptInvocationContextExtensions): the bytes
/// base64 in <c>Data.blob</c>, plain string metadata serialized twice (<c>"name":"\"id\""</c>), <c>Properties</c> as an
/// object with its strings serialized once, and the <c>sys</c> object.
/// </summary>
internal static class HostPayloads
{
    public static string For(string id, byte[] content, string? contentType, Uri blobUri, string? etag = "\"0x8DCAFE0123456789\"", bool escapeLikeSystemTextJson = false)
    {
        using var stream = new MemoryStream();
        // Newtonsoft writes \" and leaves '+' and '/' alone; System.Text.Json's default escapes them as \u0022 and \u002B.
        var options = escapeLikeSystemTextJson ? default : new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var writer = new Utf8JsonWriter(stream, options))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("Data");
            if (escapeLikeSystemTextJson)
            {
                writer.WriteString("blob", Convert.ToBase64String(content));
            }
            else
            {
                writer.WriteBase64String("blob", content);
            }

            writer.WriteEndObject();
            writer.WriteStartObject("Metadata");
            writer.WriteString("name", JsonSerializer.Serialize(id));
            writer.WriteString("Uri", JsonSerializer.Serialize(blobUri.AbsoluteUri));
            writer.WriteStartObject("Properties");
            writer.WriteString("LastModified", "2026-11-21T05:22:10+00:00");
            writer.WriteString("CreatedOn", "2026-11-21T05:22:10+00:00");
            writer.WriteString("BlobType", "Block");
            writer.WriteNumber("ContentLength", content.Length);
            if (contentType is null)
            {
                writer.WriteNull("ContentType");
            }
            else
            {
                writer.WriteString("ContentType", contentType);
            }

            if (etag is null)
            {
                writer.WriteStartObject("ETag");
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteString("ETag", etag);
            }

            writer.WriteEndObject();
            writer.WriteStartObject("Metadata");
            writer.WriteEndObject();
            writer.WriteStartObject("sys");
            writer.WriteString("MethodName", "PrevalidateUpload");
            writer.WriteString("UtcNow", "2026-11-21T05:22:11.123Z");
            writer.WriteString("RandGuid", "6b0a3c55-1b6f-4c5a-9f3e-1b2c3d4e5f60");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
