namespace Valar.Functions.Uploads;

/// <summary>The <c>Valar:Uploads</c> configuration section (environment: <c>Valar__Uploads__...</c>).</summary>
public sealed class UploadOptions
{
    public const string SectionName = "Valar:Uploads";

    /// <summary>Where clients PUT their bytes; the blob trigger watches it.</summary>
    public string UploadContainer { get; init; } = "uploads";

    /// <summary>Where validated bytes are kept; read URLs point here.</summary>
    public string ImageContainer { get; init; } = "images";

    /// <summary>Where the per-upload record (<c>&lt;id&gt;.json</c>: pending, then the verdict) lives.</summary>
    public string VerdictContainer { get; init; } = "verdicts";

    public double UploadUrlMinutes { get; init; } = 10;

    public double ReadUrlMinutes { get; init; } = 15;

    /// <summary>Development stand-in for Event Grid: poll the upload container and validate what appears.</summary>
    public bool WatchUploads { get; init; }

    /// <summary>Poll period of the watcher; fractions allowed (tests use 0.2).</summary>
    public double PollIntervalSeconds { get; init; } = 2;

    /// <summary>Uploads the watcher validates at once.</summary>
    public int WatchConcurrency { get; init; } = 4;

    /// <summary>Create the three containers at startup (Development; in Azure the Bicep creates them).</summary>
    public bool CreateContainers { get; init; }

    internal void Validate()
    {
        foreach (var (name, value) in new[] { (nameof(UploadUrlMinutes), UploadUrlMinutes), (nameof(ReadUrlMinutes), ReadUrlMinutes), (nameof(PollIntervalSeconds), PollIntervalSeconds) })
        {
            if (!(value > 0) || double.IsInfinity(value))
            {
                throw new InvalidOperationException($"Configuration Valar:Uploads:{name} must be positive, not {value}.");
            }
        }

        if (WatchConcurrency <= 0)
        {
            throw new InvalidOperationException($"Configuration Valar:Uploads:WatchConcurrency must be positive, not {WatchConcurrency}.");
        }
    }
}
