using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;

namespace Valar.DevHost.Http;

/// <summary>
/// The binding data an HTTP invocation carries besides the request itself: each route value as a string (so a
/// function parameter <c>string id</c> binds to <c>{id}</c>) and the query as a JSON object named <c>Query</c>.
/// Never the body.
/// </summary>
public static class HttpTriggerMetadata
{
    public static IReadOnlyDictionary<string, TypedData> Create(HttpRequest request, RouteValueDictionary routeValues)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(routeValues);
        var metadata = new Dictionary<string, TypedData>(StringComparer.OrdinalIgnoreCase);
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in request.Query)
        {
            query[name] = values.ToString();
        }

        metadata["Query"] = new TypedData { Json = JsonSerializer.Serialize(query) };
        foreach (var (name, value) in routeValues)
        {
            if (value is not null)
            {
                metadata[name] = new TypedData { String = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty };
            }
        }

        return metadata;
    }
}
