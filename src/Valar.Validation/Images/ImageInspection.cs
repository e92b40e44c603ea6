namespace Valar.Validation.Images;

/// <summary>The result of inspecting the first bytes of an image.</summary>
/// <param name="Status">What the inspector concluded.</param>
/// <param name="Info">The header facts when <paramref name="Status"/> is <see cref="InspectionStatus.Recognized"/>; otherwise null.</param>
/// <param name="DetectedMediaType">
/// The detected type: the format's type when recognized, invalid or waiting for more data; for unsupported bytes the type
/// they look like (e.g. <c>image/bmp</c>, <c>text/html</c>) or <c>application/octet-stream</c>.
/// </param>
/// <param name="Problem">A short lower-case phrase when <paramref name="Status"/> is <see cref="InspectionStatus.Invalid"/>, e.g. <c>truncated PNG header</c>.</param>
/// <param name="MinimumBytesNeeded">
/// When <paramref name="Status"/> is <see cref="InspectionStatus.NeedMoreData"/>: how many bytes from the start to read before
/// inspecting again (always more than given). If the image ends sooner, inspect what there is with <c>isComplete: true</c>. Otherwise 0.
/// </param>
public readonly record struct ImageInspection(
    InspectionStatus Status,
    ImageInfo? Info,
    string DetectedMediaType,
    string? Problem,
    int MinimumBytesNeeded)
{
    internal static ImageInspection Recognized(ImageInfo info) =>
        new(InspectionStatus.Recognized, info, info.MediaType, null, 0);

    internal static ImageInspection NeedMoreData(ImageFormat format, long minimumBytesNeeded) =>
        new(InspectionStatus.NeedMoreData, null, ImageMediaTypes.Of(format), null, (int)Math.Min(minimumBytesNeeded, int.MaxValue));

    internal static ImageInspection Unsupported(string detectedMediaType) =>
        new(InspectionStatus.Unsupported, null, detectedMediaType, null, 0);

    internal static ImageInspection Invalid(ImageFormat format, string problem) =>
        new(InspectionStatus.Invalid, null, ImageMediaTypes.Of(format), problem, 0);

    /// <summary>
    /// The result for a header that ends at <paramref name="requiredLength"/> but the data is shorter:
    /// ask for more, or, when there is no more, call it truncated.
    /// </summary>
    internal static ImageInspection Truncated(ImageFormat format, int available, long requiredLength, bool isComplete, string problem) =>
        isComplete ? Invalid(format, problem) : NeedMoreData(format, Math.Max(requiredLength, (long)available + 1));
}
