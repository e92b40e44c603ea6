namespace Valar.Validation;

/// <summary>
/// A refusal as a value: what failed, where in the request, and the exact client-facing message.
/// </summary>
/// <param name="Code">Which check failed.</param>
/// <param name="Message">The exact message for the client, as <see cref="ValidationErrors"/> builds it.</param>
/// <param name="Path">JSON path of the offending field, e.g. <c>messages[0].content[1].image_url.url</c>; null when request-wide.</param>
public sealed record ValidationError(ValidationErrorCode Code, string Message, string? Path = null);
