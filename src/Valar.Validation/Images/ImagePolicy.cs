namespace Valar.Validation.Images;

/// <summary>
/// Optional shape limits for one model's images; all unset by default (the providers' seeds set no dimension cap).
/// Checked after the declared type (check 8), each with its own message (<see cref="ValidationErrors"/>).
/// </summary>
public sealed record ImagePolicy
{
    /// <summary>No limits.</summary>
    public static ImagePolicy None { get; } = new();

    /// <summary>Most pixels (width × height) one image may have, or null for no limit.</summary>
    public long? MaxPixels { get; init; }

    /// <summary>Longest side in pixels (Anthropic: 8000), or null for no limit.</summary>
    public int? MaxSide { get; init; }

    /// <summary>Whether animated images (GIF with several frames, animated WebP, APNG) are accepted (OpenAI: non-animated GIF only).</summary>
    public bool AllowAnimated { get; init; } = true;

    /// <summary>Most frames one image may have, or null for no limit.</summary>
    public int? MaxFrames { get; init; }

    /// <summary>True when no limit is set.</summary>
    public bool IsEmpty => MaxPixels is null && MaxSide is null && AllowAnimated && MaxFrames is null;
}
