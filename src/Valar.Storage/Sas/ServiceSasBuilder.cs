namespace Valar.Storage;

/// <summary>
/// Blob-scoped service SAS signed with the account key (<c>sv=2020-12-06</c>, <c>sr=b</c>). For Azurite and
/// accounts that allow Shared Key; production uses <see cref="UserDelegationSasBuilder"/>.
/// </summary>
public sealed class ServiceSasBuilder
{
    private readonly Uri _blobEndpoint;
    private readonly StorageSharedKeyCredential _credential;
    private readonly SasOptions _options;
    private readonly TimeProvider _timeProvider;

    public ServiceSasBuilder(
        Uri blobEndpoint,
        StorageSharedKeyCredential credential,
        SasOptions? options = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(blobEndpoint);
        ArgumentNullException.ThrowIfNull(credential);
        _blobEndpoint = blobEndpoint;
        _credential = credential;
        _options = options ?? new SasOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>A URL for exactly one blob with exactly <paramref name="permissions"/>, valid from now − skew to now + lifetime.</summary>
    public SignedBlobUri Build(string container, string blob, BlobSasPermissions permissions)
    {
        var blobUri = BlobStore.BlobUri(_blobEndpoint.AbsoluteUri.TrimEnd('/'), container, blob);
        var (startsOn, expiresOn) = BlobSas.Window(_timeProvider, _options);
        var sp = BlobSas.FormatPermissions(permissions);
        var st = BlobXml.FormatTime(startsOn);
        var se = BlobXml.FormatTime(expiresOn);
        var spr = BlobSas.Protocol(_options);
        var signature = _credential.ComputeSignature(StringToSign(sp, st, se, BlobSas.CanonicalResource(_credential.AccountName, container, blob), spr));
        return BlobSas.ToUri(
            blobUri,
            [("sv", BlobSas.Version), ("spr", spr), ("st", st), ("se", se), ("sr", BlobSas.BlobResource), ("sp", sp), ("sig", signature)],
            permissions,
            startsOn,
            expiresOn);
    }

    /// <summary>
    /// Version 2020-12-06: <c>sp st se canonRes si sip spr sv sr snapshotTime ses rscc rscd rsce rscl rsct</c>,
    /// one per line; we never set si, sip, snapshot, ses or the response-header overrides.
    /// </summary>
    internal static string StringToSign(string sp, string st, string se, string canonicalResource, string spr) =>
        string.Join('\n',
            sp,
            st,
            se,
            canonicalResource,
            string.Empty, // si
            string.Empty, // sip
            spr,
            BlobSas.Version,
            BlobSas.BlobResource,
            string.Empty, // snapshot time
            string.Empty, // ses
            string.Empty, // rscc
            string.Empty, // rscd
            string.Empty, // rsce
            string.Empty, // rscl
            string.Empty); // rsct
}
