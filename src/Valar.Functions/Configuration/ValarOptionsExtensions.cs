using System.Net;
using Valar.Validation.Fetching;
using Valar.Validation.Images;
using Valar.Validation.Models;

namespace Valar.Functions.Configuration;

/// <summary>Turns configuration into the core's plain types, failing fast on values that cannot work.</summary>
public static class ValarOptionsExtensions
{
    public static ModelCatalog ToModelCatalog(this ValarOptions options)
    {
        var models = options.Models.Select((model, index) =>
        {
            if (string.IsNullOrWhiteSpace(model.Id))
            {
                throw new InvalidOperationException($"Configuration Valar:Models:{index}:Id is empty.");
            }

            var limits = new ModelLimits
            {
                MaxImages = Positive(model.MaxImages ?? options.Defaults.MaxImages, $"Valar:Models:{index}:MaxImages"),
                MaxImageBytes = Positive(model.MaxImageBytes ?? options.Defaults.MaxImageBytes, $"Valar:Models:{index}:MaxImageBytes"),
                MaxTotalMediaBytes = Positive(model.MaxTotalMediaBytes ?? options.Defaults.MaxTotalMediaBytes, $"Valar:Models:{index}:MaxTotalMediaBytes"),
                Integrity = model.Integrity is { } integrity
                    ? ParseIntegrity(integrity, $"Valar:Models:{index}:Integrity")
                    : ParseIntegrity(options.Defaults.Integrity, "Valar:Defaults:Integrity"),
                MaxDecodePixels = Positive(model.MaxDecodePixels ?? options.Defaults.MaxDecodePixels, $"Valar:Models:{index}:MaxDecodePixels"),
                ImagePolicy = model.ImagePolicy is { } policy ? ToImagePolicy(policy, $"Valar:Models:{index}:ImagePolicy") : ImagePolicy.None,
            };
            if (limits.MaxImageBytes > int.MaxValue)
            {
                throw new InvalidOperationException($"Configuration Valar:Models:{index}:MaxImageBytes must be at most {int.MaxValue}.");
            }

            return new ModelDefinition(model.Id, model.SupportsImages, limits);
        });
        return new ModelCatalog(models);
    }

    public static FetchOptions ToFetchOptions(this ValarOptions options)
    {
        var networks = options.Fetch.AllowedNetworks
            .Where(cidr => !string.IsNullOrWhiteSpace(cidr))
            .Select(cidr => IPNetwork.TryParse(cidr.Trim(), out var network)
                ? network
                : throw new InvalidOperationException($"Configuration Valar:Fetch:AllowedNetworks has '{cidr}', which is not a CIDR network such as 127.0.0.1/32."))
            .ToList();
        return new FetchOptions
        {
            Timeout = TimeSpan.FromSeconds(Positive(options.Fetch.TimeoutSeconds, "Valar:Fetch:TimeoutSeconds")),
            MaxRedirects = options.Fetch.MaxRedirects,
            AllowedNetworks = networks,
            UserAgent = options.Fetch.UserAgent,
        };
    }

    public static ImagePolicy ToImagePolicy(ImagePolicySettings settings, string key) => new()
    {
        MaxPixels = settings.MaxPixels is { } pixels ? Positive(pixels, key + ":MaxPixels") : null,
        MaxSide = settings.MaxSide is { } side ? Positive(side, key + ":MaxSide") : null,
        AllowAnimated = settings.AllowAnimated,
        MaxFrames = settings.MaxFrames is { } frames ? Positive(frames, key + ":MaxFrames") : null,
    };

    /// <summary>
    /// <c>Structure</c> or <c>Decode</c>, in any case. Parsed here rather than by the binder, which lets a misspelt level
    /// or a number through as the default or as an undefined value.
    /// </summary>
    public static ImageIntegrity ParseIntegrity(string value, string key) =>
        Enum.GetNames<ImageIntegrity>().FirstOrDefault(name => name.Equals(value.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse<ImageIntegrity>(name)
            : throw new InvalidOperationException($"Configuration {key} must be Structure or Decode, not '{value}'.");

    private static T Positive<T>(T value, string key)
        where T : System.Numerics.INumber<T> =>
        value > T.Zero ? value : throw new InvalidOperationException($"Configuration {key} must be positive, not {value}.");
}
