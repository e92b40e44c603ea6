using System.Text;

namespace Valar.Storage;

/// <summary>
/// Shared Key authorization for the blob service (version 2015-02-21 and later):
/// <c>Authorization: SharedKey {account}:{base64 HMAC-SHA256(StringToSign)}</c>.
/// </summary>
internal sealed class SharedKeyAuthorizer : IRequestAuthorizer
{
    private readonly StorageSharedKeyCredential _credential;

    public SharedKeyAuthorizer(StorageSharedKeyCredential credential)
    {
        _credential = credential;
    }

    public ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        var signature = _credential.ComputeSignature(BuildStringToSign(request, _credential.AccountName));
        request.Headers.TryAddWithoutValidation("Authorization", $"SharedKey {_credential.AccountName}:{signature}");
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// VERB, the eleven standard headers (Content-Length empty when 0, Date empty because x-ms-date is sent),
    /// the canonicalized x-ms-* headers, then the canonicalized resource.
    /// </summary>
    internal static string BuildStringToSign(HttpRequestMessage request, string accountName)
    {
        var contentLength = request.Content?.Headers.ContentLength;
        var builder = new StringBuilder(256)
            .Append(request.Method.Method.ToUpperInvariant()).Append('\n')
            .Append(Header(request, "Content-Encoding")).Append('\n')
            .Append(Header(request, "Content-Language")).Append('\n')
            .Append(contentLength is null or 0 ? string.Empty : contentLength.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n')
            .Append(Header(request, "Content-MD5")).Append('\n')
            .Append(Header(request, "Content-Type")).Append('\n')
            .Append(string.Empty).Append('\n')
            .Append(Header(request, "If-Modified-Since")).Append('\n')
            .Append(Header(request, "If-Match")).Append('\n')
            .Append(Header(request, "If-None-Match")).Append('\n')
            .Append(Header(request, "If-Unmodified-Since")).Append('\n')
            .Append(Header(request, "Range")).Append('\n');
        AppendCanonicalizedHeaders(builder, request);
        AppendCanonicalizedResource(builder, request.RequestUri!, accountName);
        return builder.ToString();
    }

    private static void AppendCanonicalizedHeaders(StringBuilder builder, HttpRequestMessage request)
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in request.Headers.NonValidated)
        {
            if (header.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            {
                headers[header.Key.ToLowerInvariant()] = string.Join(',', header.Value).Trim();
            }
        }

        foreach (var (name, value) in headers)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }
    }

    private static void AppendCanonicalizedResource(StringBuilder builder, Uri uri, string accountName)
    {
        // The path stays as sent (escaped); for path-style endpoints it already starts with /{account}.
        builder.Append('/').Append(accountName).Append(uri.AbsolutePath);
        if (string.IsNullOrEmpty(uri.Query) || uri.Query == "?")
        {
            return;
        }

        var parameters = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in uri.Query[1..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]).ToLowerInvariant();
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            if (!parameters.TryGetValue(name, out var values))
            {
                parameters[name] = values = [];
            }

            values.Add(value);
        }

        foreach (var (name, values) in parameters)
        {
            values.Sort(StringComparer.Ordinal);
            builder.Append('\n').Append(name).Append(':').Append(string.Join(',', values));
        }
    }

    private static string Header(HttpRequestMessage request, string name)
    {
        if (request.Headers.NonValidated.TryGetValues(name, out var values) ||
            (request.Content is not null && request.Content.Headers.NonValidated.TryGetValues(name, out values)))
        {
            return string.Join(',', values);
        }

        return string.Empty;
    }
}
