namespace Valar.Validation.Requests;

/// <summary>The OpenAI <c>detail</c> values this endpoint accepts (<c>original</c> is Baseten's addition).</summary>
public static class ImageDetail
{
    public const string Auto = "auto";
    public const string Low = "low";
    public const string High = "high";
    public const string Original = "original";

    public static IReadOnlyList<string> Values { get; } = [Auto, Low, High, Original];
}
