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
}
