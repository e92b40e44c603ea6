using System.Text.Json.Serialization;

namespace Valar.Functions.Uploads;

/// <summary>Where an upload stands. Pending moves to exactly one of the other two, once.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UploadStatus>))]
public enum UploadStatus
{
    /// <summary>The upload URL was issued; no verdict yet.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>The bytes passed every check and are kept in the image container.</summary>
    [JsonStringEnumMemberName("valid")]
    Valid,

    /// <summary>The bytes failed a check; they were deleted and only the verdict is kept.</summary>
    [JsonStringEnumMemberName("rejected")]
    Rejected,
}

/// <summary>
/// The durable record of one upload, <c>verdicts/&lt;id&gt;.json</c>: written create-only as pending when the upload
/// URL is issued, then replaced once (If-Match on the pending version) by the verdict.
/// </summary>
public sealed record UploadRecord
{
    public required string Id { get; init; }

    public required UploadStatus Status { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? UploadExpiresAt { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>The seed message and snake_case code, when rejected.</summary>
    public UploadError? Error { get; init; }

    public string? MediaType { get; init; }

    /// <summary>Size of the uploaded bytes (for a blob over the limit, as far as it was read).</summary>
    public long? Bytes { get; init; }

    public int? Width { get; init; }

    public int? Height { get; init; }

    /// <summary>Frames in the image (1 for a still image), as the validation report calls it.</summary>
    public int? Frames { get; init; }

    public bool? Animated { get; init; }

    /// <summary>Lower-case hex SHA-256 of the bytes the verdict is about (for valid: exactly what read URLs serve).</summary>
    public string? Sha256 { get; init; }

    /// <summary>The Content-Type the client uploaded with.</summary>
    public string? DeclaredContentType { get; init; }

    /// <summary>ETag of the upload blob the verdict came from, when the delivery carried it.</summary>
    public string? SourceEtag { get; init; }
}

public sealed record UploadError(string Message, string Code);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UploadRecord))]
internal sealed partial class UploadJsonContext : JsonSerializerContext;
