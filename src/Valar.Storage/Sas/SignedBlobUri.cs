namespace Valar.Storage;

/// <summary>
/// A blob URL carrying a SAS. The URI is a bearer secret: <see cref="ToString"/> prints the path and expiry only,
/// so it is safe in logs and exception messages.
/// </summary>
public sealed class SignedBlobUri
{
    public SignedBlobUri(Uri uri, BlobSasPermissions permissions, DateTimeOffset startsOn, DateTimeOffset expiresOn)
    {
        Uri = uri;
        Permissions = permissions;
        StartsOn = startsOn;
        ExpiresOn = expiresOn;
    }

    /// <summary>The full URL including the signature.</summary>
    public Uri Uri { get; }

    public BlobSasPermissions Permissions { get; }

    public DateTimeOffset StartsOn { get; }

    public DateTimeOffset ExpiresOn { get; }

    public override string ToString() =>
        $"{Uri.GetLeftPart(UriPartial.Path)}?<sas {Permissions} until {ExpiresOn:O}>";
}
