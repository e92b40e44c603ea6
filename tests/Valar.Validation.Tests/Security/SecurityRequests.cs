using System.Net;
using System.Text;
using System.Text.Json;
using Valar.Validation.Fetching;
using Valar.Validation.Models;
using Valar.Validation.Requests;
using Valar.Validation.Tests.Fetching;

namespace Valar.Validation.Tests.Security;

/// <summary>Request bodies with image URLs on each surface, and validators wired to fakes so nothing reaches real DNS.</summary>
internal static class SecurityRequests
{
    public const string VisionModel = "moonshotai/Kimi-K2.6";

    public static readonly ModelCatalog Catalog = new([new ModelDefinition(VisionModel, SupportsImages: true, new ModelLimits())]);

    public static readonly ApiSurface[] Surfaces = [ApiSurface.ChatCompletions, ApiSurface.Responses, ApiSurface.Messages];

    /// <summary>A request carrying <paramref name="urls"/> as URL images, in order, on <paramref name="surface"/>.</summary>
    public static byte[] WithUrls(ApiSurface surface, params string[] urls)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", VisionModel);
            json.WriteStartArray(surface == ApiSurface.Responses ? "input" : "messages");
            json.WriteStartObject();
            json.WriteString("role", "user");
            json.WriteStartArray("content");
            foreach (var url in urls)
            {
                json.WriteStartObject();
                switch (surface)
                {
                    case ApiSurface.ChatCompletions:
                        json.WriteString("type", "image_url");
                        json.WriteStartObject("image_url");
                        json.WriteString("url", url);
                        json.WriteEndObject();
                        break;
                    case ApiSurface.Responses:
                        json.WriteString("type", "input_image");
                        json.WriteString("image_url", url);
                        break;
                    default:
                        json.WriteString("type", "image");
                        json.WriteStartObject("source");
                        json.WriteString("type", "url");
                        json.WriteString("url", url);
                        json.WriteEndObject();
                        break;
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            if (surface == ApiSurface.Messages)
            {
                json.WriteNumber("max_tokens", 16);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The JSON path the validator reports for URL image <paramref name="index"/>.</summary>
    public static string UrlPath(ApiSurface surface, int index) => surface switch
    {
        ApiSurface.ChatCompletions => $"messages[0].content[{index}].image_url.url",
        ApiSurface.Responses => $"input[0].content[{index}].image_url",
        _ => $"messages[0].content[{index}].source.url",
    };

    public static Task<ValidationOutcome> ValidateAsync(RequestValidator validator, ApiSurface surface, params string[] urls) =>
        validator.ValidateAsync(surface, WithUrls(surface, urls));

    public static string Utf8(byte[] body) => Encoding.UTF8.GetString(body);
}

/// <summary>
/// Resolves like the operating system does for IP literals (a name such as <c>１２７.０.０.１</c> reaches the resolver as
/// <c>127.0.0.1</c> after IDN mapping, and <see cref="Dns"/> answers literals without a query), and from a table for
/// names; anything else fails like NXDOMAIN. Never touches real DNS.
/// </summary>
internal sealed class LiteralAwareResolver : IHostResolver
{
    public FakeHostResolver Names { get; } = new();

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default) =>
        IPAddress.TryParse(host, out var literal) ? Task.FromResult<IPAddress[]>([literal]) : Names.ResolveAsync(host, cancellationToken);
}
