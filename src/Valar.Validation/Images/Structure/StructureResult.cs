namespace Valar.Validation.Images.Structure;

/// <summary>The outcome of walking a whole container: the true facts, or the first problem found.</summary>
/// <param name="Info">The facts counted over the whole file (frames, animation) when the walk succeeded; otherwise null.</param>
/// <param name="Problem">A short lower-case phrase for <c>invalid image: …</c> when the walk failed; otherwise null.</param>
internal readonly record struct StructureResult(ImageInfo? Info, string? Problem)
{
    public static StructureResult Valid(ImageInfo info) => new(info, null);

    public static StructureResult Invalid(string problem) => new(null, problem);
}
