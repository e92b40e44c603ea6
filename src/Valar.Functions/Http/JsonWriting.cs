using System.Text.Encodings.Web;
using System.Text.Json;

namespace Valar.Functions.Http;

internal static class JsonWriting
{
    /// <summary>
    /// Responses are application/json, never HTML, so quotes in messages such as <c>model 'x'</c> are written as is
    /// rather than as <c>\u0027</c>.
    /// </summary>
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes a JSON response straight into the response pipe.</summary>
    public static async Task WriteAsync(HttpResponse response, int statusCode, Action<Utf8JsonWriter> write, CancellationToken cancellationToken = default)
    {
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        var writer = new Utf8JsonWriter(response.BodyWriter, Options);
        await using (writer.ConfigureAwait(false))
        {
            write(writer);
        }

        await response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
