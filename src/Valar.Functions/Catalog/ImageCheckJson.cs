using System.Text.Json;
using Valar.Validation;
using Valar.Validation.Images;

namespace Valar.Functions.Catalog;

/// <summary>
/// How images are checked, in the words <c>/v1/models</c> and <c>POST /v1/uploads</c> both use: the accepted media
/// types, the integrity level (with its decode budget) and the shape limits, each null when unset.
/// </summary>
public static class ImageCheckJson
{
    public static void WriteChecks(Utf8JsonWriter writer, ImageCheckOptions checks)
    {
        writer.WriteStartArray("media_types");
        foreach (var mediaType in ImageInspector.SupportedMediaTypes)
        {
            writer.WriteStringValue(mediaType);
        }

        writer.WriteEndArray();
        writer.WriteString("integrity", checks.Integrity == ImageIntegrity.Decode ? "decode" : "structure");
        if (checks.Integrity == ImageIntegrity.Decode)
        {
            writer.WriteNumber("max_decode_pixels", checks.MaxDecodePixels);
        }

        var policy = checks.Policy;
        writer.WriteStartObject("image_policy");
        WriteLimit(writer, "max_pixels", policy.MaxPixels);
        WriteLimit(writer, "max_side", policy.MaxSide);
        writer.WriteBoolean("allow_animated", policy.AllowAnimated);
        WriteLimit(writer, "max_frames", policy.MaxFrames);
        writer.WriteEndObject();
    }

    private static void WriteLimit(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } limit)
        {
            writer.WriteNumber(name, limit);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
