using System.Security.Cryptography;
using System.Text;

namespace Valar.Storage;

/// <summary>An account name and its decoded account key. Never printed: <see cref="ToString"/> shows the name only.</summary>
public sealed class StorageSharedKeyCredential
{
    private readonly byte[] _key;

    public StorageSharedKeyCredential(string accountName, string base64AccountKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        ArgumentException.ThrowIfNullOrWhiteSpace(base64AccountKey);
        AccountName = accountName;
        _key = DecodeKey(base64AccountKey, nameof(base64AccountKey));
    }

    public string AccountName { get; }

    /// <summary>Base64 HMAC-SHA256 of <paramref name="stringToSign"/> (UTF-8) under the account key.</summary>
    public string ComputeSignature(string stringToSign) => Sign(_key, stringToSign);

    public override string ToString() => $"SharedKey({AccountName})";

    internal static string Sign(byte[] key, string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

    internal static byte[] DecodeKey(string base64Key, string parameterName)
    {
        try
        {
            return Convert.FromBase64String(base64Key);
        }
        catch (FormatException)
        {
            // The value is a secret: name the setting, never quote it.
            throw new ArgumentException("The account key is not valid base64.", parameterName);
        }
    }
}
