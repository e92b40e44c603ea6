using System.Text.Json;
using Valar.Validation;
using Valar.Validation.Requests;

namespace Valar.Functions.Http;

/// <summary>Writes the 200 validation report. Facts only: no image bytes, data URIs or URLs ever appear in it.</summary>
public static class ReportWriter
{
    public const string Note = "validated only: no upstream model server is configured, so a valid request is answered with this report";

    public static string SurfaceName(ApiSurface surface) => surface switch
    {
        ApiSurface.ChatCompletions => "chat.completions",
        ApiSurface.Responses => "responses",
        ApiSurface.Messages => "messages",
        _ => throw new ArgumentOutOfRangeException(nameof(surface), surface, null),
    };

    public static Task WriteAsync(HttpResponse response, ValidationReport report, CancellationToken cancellationToken = default) =>
        JsonWriting.WriteAsync(response, StatusCodes.Status200OK, writer => Write(writer, report), cancellationToken);

    public static void Write(Utf8JsonWriter writer, ValidationReport report)
    {
        writer.WriteStartObject();
        writer.WriteString("object", "validation_report");
        writer.WriteBoolean("valid", true);
        writer.WriteString("surface", SurfaceName(report.Surface));
        writer.WriteString("model", report.Model);
        writer.WriteBoolean("model_known", report.ModelKnown);
        writer.WriteBoolean("stream", report.Stream);
        writer.WriteStartArray("images");
        foreach (var image in report.Images)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", image.Index);
            writer.WriteString("path", image.Path);
            writer.WriteString("source", image.Source == ImageSourceKind.Url ? "url" : "base64");
            writer.WriteString("media_type", image.MediaType);
            writer.WriteNumber("bytes", image.Bytes);
            writer.WriteNumber("width", image.Width);
            writer.WriteNumber("height", image.Height);
            writer.WriteBoolean("animated", image.Animated);
            writer.WriteNumber("frames", image.Frames);
            writer.WriteString("detail", image.Detail);
            writer.WriteNumber("estimated_tokens", image.EstimatedTokens);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("totals");
        writer.WriteNumber("images", report.Images.Count);
        writer.WriteNumber("bytes", report.TotalBytes);
        writer.WriteNumber("estimated_tokens", report.TotalEstimatedTokens);
        writer.WriteEndObject();
        writer.WriteString("note", Note);
        writer.WriteEndObject();
    }
}
