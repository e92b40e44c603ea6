using System.Text.Json;
using Valar.DevHost.Worker;

namespace Valar.DevHost.Blobs;

/// <summary>
/// A loaded function's <c>blobTrigger</c> binding, read from its raw binding JSON: the parameter, the container of
/// its <c>container/{name}</c> path and the connection setting (e.g. <c>AzureWebJobsStorage</c>).
/// </summary>
public sealed record BlobTriggerBinding(string ParameterName, string Container, string Connection, string Source)
{
    public static BlobTriggerBinding? From(LoadedFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        foreach (var raw in function.Metadata.RawBindings)
        {
            using var document = JsonDocument.Parse(raw);
            var root = document.RootElement;
            if (!string.Equals(Text(root, "type"), "blobTrigger", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var path = Text(root, "path") ?? string.Empty;
            var slash = path.IndexOf('/', StringComparison.Ordinal);
            var container = slash > 0 ? path[..slash] : path;
            return new BlobTriggerBinding(Text(root, "name") ?? "blob", container, Text(root, "connection") ?? "AzureWebJobsStorage", Text(root, "source") ?? "LogsAndContainerScan");
        }

        return null;
    }

    private static string? Text(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
            {
                return property.Value.GetString();
            }
        }

        return null;
    }
}

/// <summary>One blob to hand to one blob-triggered function.</summary>
public sealed record BlobDelivery(string FunctionName, string Container, string BlobName, Uri BlobUri, string? ETag);
