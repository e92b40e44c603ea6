using Valar.Validation;
using Valar.Validation.Images;
using Valar.Validation.Models;

namespace Valar.Functions.Configuration;

/// <summary>The <c>Valar</c> configuration section (appsettings.json, then environment variables such as <c>Valar__Fetch__TimeoutSeconds</c>).</summary>
public sealed class ValarOptions
{
    public const string SectionName = "Valar";

    /// <summary>
    /// Largest request body accepted. The default fits the largest legal request: 20 images of 20 MiB as base64
    /// (20 × 27,962,028 bytes) plus 16 MiB for text and JSON.
    /// </summary>
    public long MaxRequestBodyBytes { get; init; } = 576L * 1024 * 1024;

    /// <summary>Bytes of request bodies held in memory at once, across requests; further large requests wait for room.</summary>
    public long MaxBufferedBodyBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    public FetchSettings Fetch { get; init; } = new();

    /// <summary>Limits for configured models that do not set their own.</summary>
    public LimitSettings Defaults { get; init; } = new();

    public List<ModelSettings> Models { get; init; } = [];
}

public sealed class FetchSettings
{
    public int TimeoutSeconds { get; init; } = 10;

    public int MaxRedirects { get; init; } = 5;

    /// <summary>Extra networks (CIDR) image URLs may point at, e.g. <c>127.0.0.1/32</c> for Azurite in development.</summary>
    public List<string> AllowedNetworks { get; init; } = [];

    public string UserAgent { get; init; } = "Valar.Functions/1.0 (image validation)";

    /// <summary>
    /// Fixed addresses for host names, consulted before DNS (like <c>/etc/hosts</c>), e.g.
    /// <c>Valar__Fetch__Hosts__images.internal__0=10.1.2.3</c>. The addresses still go through the address policy.
    /// </summary>
    public Dictionary<string, List<string>> Hosts { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>False: only <see cref="Hosts"/> resolve and every other name fails like NXDOMAIN (no DNS query at all).</summary>
    public bool UseDns { get; init; } = true;
}

public sealed class LimitSettings
{
    public int MaxImages { get; init; } = ModelLimits.DefaultMaxImages;

    public long MaxImageBytes { get; init; } = ModelLimits.DefaultMaxImageBytes;

    public long MaxTotalMediaBytes { get; init; } = ModelLimits.DefaultMaxTotalMediaBytes;

    /// <summary><c>Structure</c> (the default: every container walked) or <c>Decode</c> (then fully decoded by SkiaSharp).</summary>
    public string Integrity { get; init; } = nameof(ImageIntegrity.Structure);

    /// <summary>At <c>Decode</c>: most width × height × frames one image may have before it is decoded (bombs are refused unread).</summary>
    public long MaxDecodePixels { get; init; } = ImageCheckOptions.DefaultMaxDecodePixels;
}

public sealed class ModelSettings
{
    public string Id { get; init; } = "";

    public bool SupportsImages { get; init; }

    public int? MaxImages { get; init; }

    public long? MaxImageBytes { get; init; }

    public long? MaxTotalMediaBytes { get; init; }

    /// <summary>Overrides <see cref="LimitSettings.Integrity"/> for this model.</summary>
    public string? Integrity { get; init; }

    /// <summary>Overrides <see cref="LimitSettings.MaxDecodePixels"/> for this model.</summary>
    public long? MaxDecodePixels { get; init; }

    /// <summary>Optional shape limits for this model's images; all unset by default.</summary>
    public ImagePolicySettings? ImagePolicy { get; init; }

    /// <summary>The model server valid requests for this model are forwarded to; none keeps the report behaviour.</summary>
    public UpstreamSettings? Upstream { get; init; }
}

/// <summary>
/// A model's image shape limits (<c>Valar:Models:N:ImagePolicy</c>): each one unset means no limit, and each refusal has
/// its own message.
/// </summary>
public sealed class ImagePolicySettings
{
    /// <summary>Most pixels (width × height) per image.</summary>
    public long? MaxPixels { get; init; }

    /// <summary>Longest side in pixels (Anthropic: 8000).</summary>
    public int? MaxSide { get; init; }

    /// <summary>False: only still images (OpenAI takes non-animated GIF only).</summary>
    public bool AllowAnimated { get; init; } = true;

    /// <summary>Most frames per image.</summary>
    public int? MaxFrames { get; init; }
}

/// <summary>
/// A model's upstream: an OpenAI-compatible (vLLM, SGLang) or Anthropic-compatible server. A valid request goes to the
/// same path under <see cref="BaseUrl"/>. Operator-configured, so it is not subject to the image-URL SSRF policy;
/// its redirects are never followed.
/// </summary>
public sealed class UpstreamSettings
{
    /// <summary>Base URL; the request path (<c>/v1/chat/completions</c>, ...) is appended, e.g. <c>http://127.0.0.1:8000</c>.</summary>
    public string BaseUrl { get; init; } = "";

    /// <summary>
    /// Name of the app setting that holds the upstream's key (in Azure it can be a Key Vault reference). None: the
    /// client's own credential headers are passed through.
    /// </summary>
    public string? CredentialSetting { get; init; }

    /// <summary><c>Authorization</c> (sent as <c>Bearer &lt;key&gt;</c>) or <c>x-api-key</c>.</summary>
    public string CredentialHeader { get; init; } = "Authorization";

    /// <summary>Replace URL images by the bytes that were checked (data URI, Anthropic base64 source).</summary>
    public bool InlineImages { get; init; } = true;

    /// <summary>Longest wait for the upstream's response headers (connect included) before a 504.</summary>
    public int ResponseTimeoutSeconds { get; init; } = 300;

    /// <summary>Longest wait for a connection to the upstream before a 502.</summary>
    public int ConnectTimeoutSeconds { get; init; } = 10;
}
