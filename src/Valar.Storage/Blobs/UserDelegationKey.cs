namespace Valar.Storage;

/// <summary>
/// A key from Get User Delegation Key, used to sign user delegation SAS. <see cref="Value"/> is a secret:
/// <see cref="ToString"/> leaves it out.
/// </summary>
public sealed class UserDelegationKey
{
    public UserDelegationKey(
        string signedObjectId,
        string signedTenantId,
        DateTimeOffset signedStartsOn,
        DateTimeOffset signedExpiresOn,
        string signedService,
        string signedVersion,
        string value)
    {
        SignedObjectId = signedObjectId;
        SignedTenantId = signedTenantId;
        SignedStartsOn = signedStartsOn;
        SignedExpiresOn = signedExpiresOn;
        SignedService = signedService;
        SignedVersion = signedVersion;
        Value = value;
    }

    /// <summary><c>skoid</c>: the object id of the identity that asked for the key.</summary>
    public string SignedObjectId { get; }

    /// <summary><c>sktid</c>: its tenant.</summary>
    public string SignedTenantId { get; }

    /// <summary><c>skt</c>.</summary>
    public DateTimeOffset SignedStartsOn { get; }

    /// <summary><c>ske</c>: no SAS signed with this key is valid after it.</summary>
    public DateTimeOffset SignedExpiresOn { get; }

    /// <summary><c>sks</c>: <c>b</c> for blob.</summary>
    public string SignedService { get; }

    /// <summary><c>skv</c>: the service version that issued the key.</summary>
    public string SignedVersion { get; }

    /// <summary>Base64 key value (secret).</summary>
    public string Value { get; }

    public override string ToString() =>
        $"UserDelegationKey(oid={SignedObjectId}, tid={SignedTenantId}, expires={SignedExpiresOn:O})";
}
