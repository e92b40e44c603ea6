namespace Valar.Validation;

/// <summary>
/// The bytes of a URL image exactly as they were checked, kept by a <see cref="ValidationOutcome"/> when the caller asks
/// for them (to inline them into the request it forwards). Valid until the outcome is disposed.
/// </summary>
/// <param name="Index">The image's position among the request's images.</param>
/// <param name="BodyRange">Where the URL's value sits in the request body (<see cref="Requests.ImageReference.BodyRange"/>).</param>
/// <param name="MediaType">The detected type, e.g. <c>image/png</c>.</param>
/// <param name="Content">The downloaded bytes, in a pooled buffer the outcome owns.</param>
public sealed record DownloadedImage(int Index, Range BodyRange, string MediaType, ReadOnlyMemory<byte> Content);
