using System.Net;
using Azure.Core;

namespace Valar.Storage;

/// <summary>
/// Where the blob service is and how to authenticate to it: an account key (connection strings, Azurite)
/// or a Microsoft Entra ID <see cref="Azure.Core.TokenCredential"/> (managed identity in Azure).
/// </summary>
public sealed class StorageConnection
{
    /// <summary>The account key Azurite and the legacy emulator publish for <c>devstoreaccount1</c>; public by design.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static readonly Uri DevelopmentBlobEndpoint = new("http://127.0.0.1:10000/devstoreaccount1");

    private StorageConnection(Uri blobEndpoint, string accountName, StorageSharedKeyCredential? sharedKey, TokenCredential? tokenCredential)
    {
        BlobEndpoint = blobEndpoint;
        AccountName = accountName;
        SharedKey = sharedKey;
        TokenCredential = tokenCredential;
    }

    /// <summary>The blob service root, e.g. <c>https://acct.blob.core.windows.net</c> or <c>http://127.0.0.1:10000/devstoreaccount1</c>; no trailing slash.</summary>
    public Uri BlobEndpoint { get; }

    public string AccountName { get; }

    /// <summary>Set when the connection carries an account key (service SAS possible).</summary>
    public StorageSharedKeyCredential? SharedKey { get; }

    /// <summary>Set when requests are authorized with Entra ID bearer tokens (user delegation SAS possible).</summary>
    public TokenCredential? TokenCredential { get; }

    /// <summary>
    /// Parses <c>UseDevelopmentStorage=true</c>, or <c>DefaultEndpointsProtocol=..;AccountName=..;AccountKey=..;EndpointSuffix=..</c>
    /// with an optional <c>BlobEndpoint=..</c>. Throws <see cref="FormatException"/> naming the missing or bad setting (never its value).
    /// </summary>
    public static StorageConnection Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Split on the first '=' only: base64 keys end in '='.
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException("The storage connection string has a setting without a name or '='.");
            }

            settings[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        if (settings.TryGetValue("UseDevelopmentStorage", out var development) &&
            string.Equals(development, "true", StringComparison.OrdinalIgnoreCase))
        {
            return new StorageConnection(
                DevelopmentBlobEndpoint,
                DevelopmentAccountName,
                new StorageSharedKeyCredential(DevelopmentAccountName, DevelopmentAccountKey),
                tokenCredential: null);
        }

        if (settings.ContainsKey("SharedAccessSignature"))
        {
            throw new FormatException("SharedAccessSignature connection strings are not supported; use an account key or a token credential.");
        }

        var accountName = Required(settings, "AccountName");
        var accountKey = Required(settings, "AccountKey");
        Uri blobEndpoint;
        if (settings.TryGetValue("BlobEndpoint", out var explicitEndpoint) && explicitEndpoint.Length > 0)
        {
            if (!Uri.TryCreate(explicitEndpoint, UriKind.Absolute, out var parsed) || !IsHttp(parsed))
            {
                throw new FormatException("The storage connection string's BlobEndpoint is not an absolute http(s) URL.");
            }

            blobEndpoint = parsed;
        }
        else
        {
            var protocol = settings.GetValueOrDefault("DefaultEndpointsProtocol", "https");
            if (protocol is not ("http" or "https"))
            {
                throw new FormatException("The storage connection string's DefaultEndpointsProtocol must be http or https.");
            }

            var suffix = settings.GetValueOrDefault("EndpointSuffix", "core.windows.net");
            blobEndpoint = new Uri($"{protocol}://{accountName}.blob.{suffix}");
        }

        StorageSharedKeyCredential key;
        try
        {
            key = new StorageSharedKeyCredential(accountName, accountKey);
        }
        catch (ArgumentException)
        {
            throw new FormatException("The storage connection string's AccountKey is not valid base64.");
        }

        return new StorageConnection(TrimEndpoint(blobEndpoint), accountName, key, tokenCredential: null);
    }

    /// <summary>
    /// A connection authorized with Entra ID tokens (scope <c>https://storage.azure.com/.default</c>).
    /// The account name is taken from the host (<c>acct.blob.core.windows.net</c>) or, for IP/localhost
    /// endpoints, from the first path segment, unless given.
    /// </summary>
    public static StorageConnection FromTokenCredential(Uri blobEndpoint, TokenCredential credential, string? accountName = null)
    {
        ArgumentNullException.ThrowIfNull(blobEndpoint);
        ArgumentNullException.ThrowIfNull(credential);
        if (!blobEndpoint.IsAbsoluteUri || blobEndpoint.Scheme != Uri.UriSchemeHttps)
        {
            // Bearer tokens must never travel in clear text.
            throw new ArgumentException("A token credential requires an https blob endpoint.", nameof(blobEndpoint));
        }

        var endpoint = TrimEndpoint(blobEndpoint);
        return new StorageConnection(endpoint, accountName ?? AccountNameFrom(endpoint), sharedKey: null, credential);
    }

    /// <summary>A connection authorized with an account key, for an explicit endpoint.</summary>
    public static StorageConnection FromSharedKey(Uri blobEndpoint, StorageSharedKeyCredential credential)
    {
        ArgumentNullException.ThrowIfNull(blobEndpoint);
        ArgumentNullException.ThrowIfNull(credential);
        if (!blobEndpoint.IsAbsoluteUri || !IsHttp(blobEndpoint))
        {
            throw new ArgumentException("The blob endpoint must be an absolute http(s) URL.", nameof(blobEndpoint));
        }

        return new StorageConnection(TrimEndpoint(blobEndpoint), credential.AccountName, credential, tokenCredential: null);
    }

    public override string ToString() =>
        $"{BlobEndpoint} ({(SharedKey is not null ? "shared key" : "token credential")})";

    internal static string AccountNameFrom(Uri endpoint)
    {
        if (IsPathStyle(endpoint))
        {
            var segments = endpoint.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            return segments.Length > 0
                ? segments[0]
                : throw new ArgumentException("An IP or localhost blob endpoint must name the account in its path.", nameof(endpoint));
        }

        var dot = endpoint.Host.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? endpoint.Host[..dot] : endpoint.Host;
    }

    private static bool IsPathStyle(Uri endpoint) =>
        endpoint.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 ||
        IPAddress.TryParse(endpoint.Host, out _) ||
        string.Equals(endpoint.Host, "localhost", StringComparison.OrdinalIgnoreCase);

    private static bool IsHttp(Uri uri) => uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps;

    private static Uri TrimEndpoint(Uri endpoint) =>
        new(endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/'));

    private static string Required(Dictionary<string, string> settings, string name) =>
        settings.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new FormatException($"The storage connection string has no {name}.");
}
