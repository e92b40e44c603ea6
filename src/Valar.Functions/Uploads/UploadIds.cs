using System.Buffers.Text;
using System.Security.Cryptography;

namespace Valar.Functions.Uploads;

/// <summary>Upload ids: 144 random bits as 24 URL-safe base64 characters, also used as blob names.</summary>
public static class UploadIds
{
    public const int Length = 24;
    private const int RandomBytes = 18;

    public static string New()
    {
        Span<byte> random = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(random);
        return Base64Url.EncodeToString(random);
    }

    /// <summary>True for exactly the shape <see cref="New"/> makes, so anything else is refused before touching storage.</summary>
    public static bool IsValid(string? id) =>
        id is { Length: Length } && id.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
