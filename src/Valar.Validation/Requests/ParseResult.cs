using System.Diagnostics.CodeAnalysis;

namespace Valar.Validation.Requests;

/// <summary>Either a parsed request or the reason the body could not be parsed.</summary>
public readonly struct ParseResult
{
    private ParseResult(ParsedRequest? request, ValidationError? error)
    {
        Request = request;
        Error = error;
    }

    public ParsedRequest? Request { get; }

    public ValidationError? Error { get; }

    [MemberNotNullWhen(true, nameof(Request))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Request is not null;

    public static ParseResult Success(ParsedRequest request) => new(request, null);

    public static ParseResult Failure(ValidationError error) => new(null, error);
}
