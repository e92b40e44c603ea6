namespace Valar.Storage;

/// <summary>
/// Blob-scoped user delegation SAS (<c>sv=2020-12-06</c>, <c>sr=b</c>) signed with a key from
/// <see cref="BlobStore.GetUserDelegationKeyAsync"/>: works when the account forbids Shared Key.
/// The expiry never exceeds the key's.
/// </summary>
public sealed class UserDelegationSasBuilder
{
    private readonly Uri _blobEndpoint;
    private readonly string _accountName;
    private readonly UserDelegationKey _key;
    private readonly byte[] _keyBytes;
    private readonly SasOptions _options;
    private readonly TimeProvider _timeProvider;

    public UserDelegationSasBuilder(
        Uri blobEndpoint,
        string accountName,
        UserDelegationKey key,
        SasOptions? options = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(blobEndpoint);
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        ArgumentNullException.ThrowIfNull(key);
        _blobEndpoint = blobEndpoint;
        _accountName = accountName;
        _key = key;
        _keyBytes = StorageSharedKeyCredential.DecodeKey(key.Value, nameof(key));
        _options = options ?? new SasOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public UserDelegationKey Key => _key;

    public SignedBlobUri Build(string container, string blob, BlobSasPermissions permissions)
    {
        var blobUri = BlobStore.BlobUri(_blobEndpoint.AbsoluteUri.TrimEnd('/'), container, blob);
        var (startsOn, expiresOn) = BlobSas.Window(_timeProvider, _options);
        var keyExpiry = BlobSas.TruncateToSeconds(_key.SignedExpiresOn);
        if (expiresOn > keyExpiry)
        {
            expiresOn = keyExpiry;
        }

        var fields = new Fields(
            Sp: BlobSas.FormatPermissions(permissions),
            St: BlobXml.FormatTime(startsOn),
            Se: BlobXml.FormatTime(expiresOn),
            CanonicalResource: BlobSas.CanonicalResource(_accountName, container, blob),
            Skoid: _key.SignedObjectId,
            Sktid: _key.SignedTenantId,
            Skt: BlobXml.FormatTime(_key.SignedStartsOn),
            Ske: BlobXml.FormatTime(_key.SignedExpiresOn),
            Sks: _key.SignedService,
            Skv: _key.SignedVersion,
            Spr: BlobSas.Protocol(_options));
        var signature = StorageSharedKeyCredential.Sign(_keyBytes, StringToSign(fields));
        return BlobSas.ToUri(
            blobUri,
            [
                ("sv", BlobSas.Version), ("spr", fields.Spr), ("st", fields.St), ("se", fields.Se),
                ("skoid", fields.Skoid), ("sktid", fields.Sktid), ("skt", fields.Skt), ("ske", fields.Ske),
                ("sks", fields.Sks), ("skv", fields.Skv),
                ("sr", BlobSas.BlobResource), ("sp", fields.Sp), ("sig", signature),
            ],
            permissions,
            startsOn,
            expiresOn);
    }

    /// <summary>
    /// Version 2020-12-06: <c>sp st se canonRes skoid sktid skt ske sks skv saoid suoid scid sip spr sv sr
    /// snapshotTime ses rscc rscd rsce rscl rsct</c>, one per line; the optional fields stay empty.
    /// </summary>
    internal static string StringToSign(Fields fields) =>
        string.Join('\n',
            fields.Sp,
            fields.St,
            fields.Se,
            fields.CanonicalResource,
            fields.Skoid,
            fields.Sktid,
            fields.Skt,
            fields.Ske,
            fields.Sks,
            fields.Skv,
            string.Empty, // saoid
            string.Empty, // suoid
            string.Empty, // scid
            string.Empty, // sip
            fields.Spr,
            BlobSas.Version,
            BlobSas.BlobResource,
            string.Empty, // snapshot time
            string.Empty, // ses
            string.Empty, // rscc
            string.Empty, // rscd
            string.Empty, // rsce
            string.Empty, // rscl
            string.Empty); // rsct

    internal sealed record Fields(
        string Sp,
        string St,
        string Se,
        string CanonicalResource,
        string Skoid,
        string Sktid,
        string Skt,
        string Ske,
        string Sks,
        string Skv,
        string Spr);
}
