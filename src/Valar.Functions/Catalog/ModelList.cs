using System.Text.Json;
using Valar.Functions.Forwarding;
using Valar.Functions.Http;
using Valar.Validation.Models;

namespace Valar.Functions.Catalog;

/// <summary>
/// The configured models in OpenAI's list shape, with image support, limits, how images are checked, and whether valid requests are forwarded
/// to an upstream (<c>forwards</c>; never the upstream's address or credential).
/// </summary>
public sealed class ModelList(ModelCatalog catalog, UpstreamCatalog upstreams)
{
    public Task WriteAsync(HttpResponse response, CancellationToken cancellationToken = default) =>
        JsonWriting.WriteAsync(response, StatusCodes.Status200OK, writer => Write(writer, catalog, upstreams), cancellationToken);

    public static void Write(Utf8JsonWriter writer, ModelCatalog catalog, UpstreamCatalog upstreams)
    {
        writer.WriteStartObject();
        writer.WriteString("object", "list");
        writer.WriteStartArray("data");
        foreach (var model in catalog.Models)
        {
            writer.WriteStartObject();
            writer.WriteString("id", model.Id);
            writer.WriteString("object", "model");
            writer.WriteNumber("created", 0);
            writer.WriteString("owned_by", "valar");
            writer.WriteBoolean("supports_images", model.SupportsImages);
            var upstream = upstreams.Find(model.Id);
            writer.WriteBoolean("forwards", upstream is not null);
            if (upstream is not null)
            {
                writer.WriteBoolean("inlines_images", upstream.InlineImages);
            }

            if (model.SupportsImages)
            {
                writer.WriteStartObject("image_limits");
                writer.WriteNumber("max_images", model.Limits.MaxImages);
                writer.WriteNumber("max_image_bytes", model.Limits.MaxImageBytes);
                writer.WriteNumber("max_total_media_bytes", model.Limits.MaxTotalMediaBytes);
                ImageCheckJson.WriteChecks(writer, model.Limits.ToImageCheckOptions());
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
