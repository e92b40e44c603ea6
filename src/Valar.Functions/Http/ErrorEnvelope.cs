using System.Text.Json;
using Valar.Validation;
using Valar.Validation.Requests;

namespace Valar.Functions.Http;

/// <summary>
/// Writes a refusal in the surface's own error shape, so each SDK surfaces the message as it would the real API's:
/// OpenAI <c>{"error":{"message","type","param","code"}}</c>, Anthropic <c>{"type":"error","error":{"type","message"}}</c>.
/// </summary>
public static class ErrorEnvelope
{
    public static int StatusCodeFor(ValidationErrorCode code) => code == ValidationErrorCode.BodyTooLarge
        ? StatusCodes.Status413PayloadTooLarge
        : StatusCodes.Status400BadRequest;

    public static Task WriteAsync(HttpResponse response, ApiSurface surface, ValidationError error, CancellationToken cancellationToken = default) =>
        WriteAsync(response, surface, StatusCodeFor(error.Code), error.Message, error.Path, SnakeCase(error.Code), cancellationToken);

    public static Task WriteAsync(
        HttpResponse response,
        ApiSurface surface,
        int statusCode,
        string message,
        string? param,
        string? code,
        CancellationToken cancellationToken = default) =>
        JsonWriting.WriteAsync(
            response,
            statusCode,
            writer =>
            {
                if (surface == ApiSurface.Messages)
                {
                    WriteAnthropic(writer, statusCode, message);
                }
                else
                {
                    WriteOpenAi(writer, statusCode, message, param, code);
                }
            },
            cancellationToken);

    private static void WriteOpenAi(Utf8JsonWriter writer, int statusCode, string message, string? param, string? code)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", statusCode switch
        {
            StatusCodes.Status404NotFound => "not_found_error",
            >= 500 => "server_error",
            _ => "invalid_request_error",
        });
        writer.WriteString("param", param);
        writer.WriteString("code", code);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteAnthropic(Utf8JsonWriter writer, int statusCode, string message)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "error");
        writer.WriteStartObject("error");
        writer.WriteString("type", statusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => "request_too_large",
            StatusCodes.Status404NotFound => "not_found_error",
            StatusCodes.Status503ServiceUnavailable => "overloaded_error",
            >= 500 => "api_error",
            _ => "invalid_request_error",
        });
        writer.WriteString("message", message);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static string SnakeCase(ValidationErrorCode code) => JsonNamingPolicy.SnakeCaseLower.ConvertName(code.ToString());
}
