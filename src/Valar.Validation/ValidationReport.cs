using Valar.Validation.Requests;

namespace Valar.Validation;

/// <summary>What a valid request carried. Holds facts only: never image bytes, data URIs or URLs.</summary>
public sealed record ValidationReport
{
    public required ApiSurface Surface { get; init; }

    public required string Model { get; init; }

    /// <summary>False when the model is not configured; such requests pass only without images.</summary>
    public required bool ModelKnown { get; init; }

    public required bool Stream { get; init; }

    public required IReadOnlyList<ImageReport> Images { get; init; }

    public long TotalBytes => Images.Sum(image => image.Bytes);

    public long TotalEstimatedTokens => Images.Sum(image => image.EstimatedTokens);
}
