using System.Text.Json.Nodes;
using Valar.Validation;
using Valar.Validation.Models;

namespace Valar.Benchmarks;

/// <summary>
/// What a typical gateway does (issue 5): parse the body into a DOM, pull each data URI out as a string, decode every
/// image with <see cref="Convert.FromBase64String(string)"/> into a new array, then run the same header checks.
/// </summary>
internal static class NaiveValidator
{
    public static int Validate(byte[] body)
    {
        var root = JsonNode.Parse(body) ?? throw new InvalidOperationException("null body");
        _ = root["model"]!.GetValue<string>();
        var images = 0;
        foreach (var message in root["messages"]!.AsArray())
        {
            if (message?["content"] is not JsonArray parts)
            {
                continue;
            }

            foreach (var part in parts)
            {
                if (part?["type"]?.GetValue<string>() != "image_url")
                {
                    continue;
                }

                var url = part["image_url"]!["url"]!.GetValue<string>();
                var comma = url.IndexOf(',', StringComparison.Ordinal);
                var mediaType = url[5..comma].Split(';')[0];
                var bytes = Convert.FromBase64String(url[(comma + 1)..]);
                var result = ImageContentChecker.CheckBytes(bytes, mediaType, ModelLimits.DefaultMaxImageBytes, "image");
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"naive check refused image {images}: {result.Error!.Message}");
                }

                images++;
            }
        }

        return images;
    }
}
