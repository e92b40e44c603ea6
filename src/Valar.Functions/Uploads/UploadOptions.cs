using Valar.Validation;
using Valar.Validation.Images;

namespace Valar.Functions.Uploads;

/// <summary>The <c>Valar:Uploads</c> configuration section (environment: <c>Valar__Uploads__...</c>).</summary>
public sealed class UploadOptions
{
    public const string SectionName = "Valar:Uploads";

    /// <summary>
    /// Where clients PUT their bytes. The blob trigger's path is <c>uploads/{name}</c> (a constant in
    /// <see cref="PrevalidateUploadFunction"/>), so a deployment that delivers through the trigger keeps the default.
    /// </summary>
    public string UploadContainer { get; init; } = "uploads";

    /// <summary>Where validated bytes are kept; read URLs point here.</summary>
    public string ImageContainer { get; init; } = "images";

    /// <summary>Where the per-upload record (<c>&lt;id&gt;.json</c>: pending, then the verdict) lives.</summary>
    public string VerdictContainer { get; init; } = "verdicts";

    public double UploadUrlMinutes { get; init; } = 10;

    public double ReadUrlMinutes { get; init; } = 15;

    /// <summary>
    /// How far uploads are checked. <c>Decode</c> by default: an upload is checked once, off the request path, and its
    /// read URL is handed to model servers later, so it is worth a full decode.
    /// </summary>
    public string Integrity { get; init; } = nameof(ImageIntegrity.Decode);

    internal ImageIntegrity IntegrityLevel => Configuration.ValarOptionsExtensions.ParseIntegrity(Integrity, "Valar:Uploads:Integrity");

    /// <summary>At <c>Decode</c>: most width × height × frames one upload may have before it is decoded.</summary>
    public long MaxDecodePixels { get; init; } = ImageCheckOptions.DefaultMaxDecodePixels;

    /// <summary>Create the three containers at startup (Development; in Azure the Bicep creates them).</summary>
    public bool CreateContainers { get; init; }

    internal void Validate()
    {
        foreach (var (name, value) in new[] { (nameof(UploadUrlMinutes), UploadUrlMinutes), (nameof(ReadUrlMinutes), ReadUrlMinutes) })
        {
            if (!(value > 0) || double.IsInfinity(value))
            {
                throw new InvalidOperationException($"Configuration Valar:Uploads:{name} must be positive, not {value}.");
            }
        }

        if (MaxDecodePixels <= 0)
        {
            throw new InvalidOperationException($"Configuration Valar:Uploads:MaxDecodePixels must be positive, not {MaxDecodePixels}.");
        }

        _ = IntegrityLevel;
    }
}
