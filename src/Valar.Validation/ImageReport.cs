using Valar.Validation.Requests;

namespace Valar.Validation;

/// <summary>The facts found for one image.</summary>
public sealed record ImageReport
{
    public required int Index { get; init; }

    public required string Path { get; init; }

    public required ImageSourceKind Source { get; init; }

    public required string MediaType { get; init; }

    /// <summary>Decoded size in bytes.</summary>
    public required long Bytes { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }

    public required bool Animated { get; init; }

    public required int Frames { get; init; }

    public string? Detail { get; init; }

    /// <summary>Input tokens by the Kimi K2.5/K2.6 vision formula (sglang <c>kimi_k25</c>).</summary>
    public required long EstimatedTokens { get; init; }
}
