using System.Net;
using Valar.Validation.Fetching;
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

    private static T Positive<T>(T value, string key)
        where T : System.Numerics.INumber<T> =>
        value > T.Zero ? value : throw new InvalidOperationException($"Configuration {key} must be positive, not {value}.");
}
