namespace Valar.Validation.Requests;

/// <summary>A request reduced to what validation needs; everything else passes through untouched.</summary>
/// <param name="Surface">The API shape it arrived in.</param>
/// <param name="Model">The <c>model</c> field.</param>
/// <param name="Images">Every image in document order, up to the parser's collection limit.</param>
/// <param name="ImageCount">How many images the request carries, including any beyond the collection limit.</param>
/// <param name="Stream">The <c>stream</c> flag, reported so callers can see it survived validation.</param>
public sealed record ParsedRequest(
    ApiSurface Surface,
    string Model,
    IReadOnlyList<ImageReference> Images,
    int ImageCount,
    bool Stream);
