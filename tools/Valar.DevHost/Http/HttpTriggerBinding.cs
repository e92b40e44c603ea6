using System.Text.Json;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;

namespace Valar.DevHost.Http;

/// <summary>
/// A function's <c>httpTrigger</c> binding, read from the <c>raw_bindings</c> JSON the worker indexed:
/// its route (the function's name when it has none, as in the real host) and its methods (all when none).
/// </summary>
public sealed record HttpTriggerBinding(string Route, IReadOnlySet<string>? Methods)
{
    public static HttpTriggerBinding? FromMetadata(RpcFunctionMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        foreach (var raw in metadata.RawBindings)
        {
            if (TryParse(raw, metadata.Name, out var binding))
            {
                return binding;
            }
        }

        return null;
    }

    /// <summary>Parses one raw binding; false when it is not an inbound <c>httpTrigger</c> or not JSON.</summary>
    public static bool TryParse(string rawBinding, string functionName, out HttpTriggerBinding? binding)
    {
        binding = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(rawBinding);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !TryGetString(root, "type", out var type)
                || !type!.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            var route = TryGetString(root, "route", out var declared) && !string.IsNullOrWhiteSpace(declared) ? declared! : functionName;
            HashSet<string>? methods = null;
            if (TryGetProperty(root, "methods", out var methodsElement) && methodsElement.ValueKind == JsonValueKind.Array)
            {
                methods = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var method in methodsElement.EnumerateArray())
                {
                    if (method.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(method.GetString()))
                    {
                        methods.Add(method.GetString()!.Trim());
                    }
                }

                if (methods.Count == 0)
                {
                    methods = null;
                }
            }

            binding = new HttpTriggerBinding(route.Trim('/'), methods);
            return true;
        }
    }

    private static bool TryGetString(JsonElement element, string name, out string? value)
    {
        value = null;
        if (TryGetProperty(element, name, out var property) && property.ValueKind == JsonValueKind.String)
        {
            value = property.GetString();
            return true;
        }

        return false;
    }

    /// <summary>Binding property names are matched without regard to case (the SDK writes camelCase).</summary>
    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}
