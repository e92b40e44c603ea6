using Valar.Functions.Configuration;

namespace Valar.Functions.Forwarding;

/// <summary>The configured upstreams by model id, with their credentials read from app settings at startup.</summary>
public sealed class UpstreamCatalog
{
    private readonly Dictionary<string, Upstream> _upstreams;

    public UpstreamCatalog(IEnumerable<Upstream> upstreams)
    {
        _upstreams = upstreams.ToDictionary(upstream => upstream.Model, StringComparer.Ordinal);
        InlinesAny = _upstreams.Values.Any(upstream => upstream.InlineImages);
    }

    /// <summary>Whether any upstream inlines URL images: only then does validation keep the downloaded bytes.</summary>
    public bool InlinesAny { get; }

    public Upstream? Find(string? model) => model is not null && _upstreams.TryGetValue(model, out var upstream) ? upstream : null;

    /// <summary>Reads every model's <c>Upstream</c> section; a setting that cannot work fails startup with its key.</summary>
    public static UpstreamCatalog From(ValarOptions options, IConfiguration configuration)
    {
        var upstreams = new List<Upstream>();
        for (var index = 0; index < options.Models.Count; index++)
        {
            var model = options.Models[index];
            if (model.Upstream is not { } settings || string.IsNullOrWhiteSpace(settings.BaseUrl))
            {
                continue;
            }

            var key = $"Valar:Models:{index}:Upstream";
            if (!Uri.TryCreate(settings.BaseUrl.Trim(), UriKind.Absolute, out var baseUri)
                || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps)
                || !string.IsNullOrEmpty(baseUri.Query) || !string.IsNullOrEmpty(baseUri.Fragment) || !string.IsNullOrEmpty(baseUri.UserInfo))
            {
                throw new InvalidOperationException($"Configuration {key}:BaseUrl must be an absolute http(s) URL without query, fragment or user info.");
            }

            if (settings.ResponseTimeoutSeconds <= 0)
            {
                throw new InvalidOperationException($"Configuration {key}:ResponseTimeoutSeconds must be positive, not {settings.ResponseTimeoutSeconds}.");
            }

            string? header = null;
            string? credential = null;
            if (!string.IsNullOrWhiteSpace(settings.CredentialSetting))
            {
                header = settings.CredentialHeader.Trim();
                var isBearer = header.Equals("Authorization", StringComparison.OrdinalIgnoreCase);
                if (!isBearer && !header.Equals("x-api-key", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"Configuration {key}:CredentialHeader must be 'Authorization' or 'x-api-key', not '{header}'.");
                }

                // The setting's name is quoted in the error, never its value.
                var secret = configuration[settings.CredentialSetting];
                if (string.IsNullOrWhiteSpace(secret))
                {
                    throw new InvalidOperationException($"Configuration {key}:CredentialSetting names '{settings.CredentialSetting}', which is not set.");
                }

                credential = isBearer ? $"Bearer {secret.Trim()}" : secret.Trim();
            }

            upstreams.Add(new Upstream
            {
                Model = model.Id,
                BaseUri = baseUri,
                CredentialHeader = header,
                Credential = credential,
                InlineImages = settings.InlineImages,
                ResponseTimeout = TimeSpan.FromSeconds(settings.ResponseTimeoutSeconds),
            });
        }

        return new UpstreamCatalog(upstreams);
    }
}
