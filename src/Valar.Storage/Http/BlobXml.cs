using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Azure;

namespace Valar.Storage;

/// <summary>The XML bodies the blob service sends and receives for the operations we use.</summary>
internal static class BlobXml
{
    internal const string SasTimeFormat = "yyyy-MM-ddTHH:mm:ssZ";

    public static byte[] KeyInfo(DateTimeOffset startsOn, DateTimeOffset expiresOn)
    {
        var document = new XDocument(
            new XDeclaration("1.0", "utf-8", null),
            new XElement(
                "KeyInfo",
                new XElement("Start", FormatTime(startsOn)),
                new XElement("Expiry", FormatTime(expiresOn))));
        return Encoding.UTF8.GetBytes(document.Declaration + document.ToString(SaveOptions.DisableFormatting));
    }

    public static UserDelegationKey ParseUserDelegationKey(Stream body)
    {
        var root = XDocument.Load(body).Root ?? throw new FormatException("Empty UserDelegationKey response.");
        return new UserDelegationKey(
            Required(root, "SignedOid"),
            Required(root, "SignedTid"),
            ParseTime(Required(root, "SignedStart")),
            ParseTime(Required(root, "SignedExpiry")),
            Required(root, "SignedService"),
            Required(root, "SignedVersion"),
            Required(root, "Value"));
    }

    public static BlobListPage ParseListPage(Stream body)
    {
        var root = XDocument.Load(body).Root ?? throw new FormatException("Empty EnumerationResults response.");
        var blobs = new List<BlobProperties>();
        foreach (var blob in root.Element("Blobs")?.Elements("Blob") ?? [])
        {
            var properties = blob.Element("Properties");
            var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in blob.Element("Metadata")?.Elements() ?? [])
            {
                metadata[item.Name.LocalName] = item.Value;
            }

            blobs.Add(new BlobProperties
            {
                Name = blob.Element("Name")?.Value ?? string.Empty,
                ContentType = NullIfEmpty(properties?.Element("Content-Type")?.Value),
                ContentLength = long.TryParse(properties?.Element("Content-Length")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : 0,
                ETag = properties?.Element("Etag")?.Value is { Length: > 0 } etag ? new ETag(Quoted(etag)) : default,
                LastModified = DateTimeOffset.TryParse(properties?.Element("Last-Modified")?.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var modified) ? modified : null,
                Metadata = metadata,
            });
        }

        return new BlobListPage(blobs, NullIfEmpty(root.Element("NextMarker")?.Value));
    }

    public static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString(SasTimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static string Required(XElement root, string name) =>
        root.Element(name)?.Value ?? throw new FormatException($"UserDelegationKey response has no <{name}>.");

    // List bodies carry the ETag bare; headers carry it quoted. Quote it so both compare equal.
    private static string Quoted(string etag) => etag.StartsWith('"') ? etag : $"\"{etag}\"";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
