using System.Security.Cryptography;
using System.Text;
using Valar.Storage.Tests.Fakes;

namespace Valar.Storage.Tests.Sas;

/// <summary>The user delegation string-to-sign against a worked example computed here from the documented layout.</summary>
public sealed class UserDelegationSasBuilderTests
{
    private const string KeyValue = "a2V5LXZhbHVlLWZvci11c2VyLWRlbGVnYXRpb24tdGVzdHM=";
    private static readonly DateTimeOffset Now = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private static readonly UserDelegationKey Key = new(
        signedObjectId: "oid-1",
        signedTenantId: "tid-2",
        signedStartsOn: new DateTimeOffset(2024, 5, 6, 7, 0, 0, TimeSpan.Zero),
        signedExpiresOn: new DateTimeOffset(2024, 5, 6, 9, 0, 0, TimeSpan.Zero),
        signedService: "b",
        signedVersion: "2021-12-02",
        value: KeyValue);

    [Fact]
    public void Build_ReadForOneBlob_SignsDocumentedStringAndFormatsUrl()
    {
        var builder = new UserDelegationSasBuilder(new Uri("https://acct.blob.core.windows.net/"), "acct", Key, new SasOptions(), new FixedTimeProvider(Now));

        var signed = builder.Build("uploads", "abc", BlobSasPermissions.Read);

        // sp st se canonRes skoid sktid skt ske sks skv saoid suoid scid sip spr sv sr snapshotTime ses rscc rscd rsce rscl rsct
        const string stringToSign =
            "r\n2024-05-06T07:03:09Z\n2024-05-06T07:18:09Z\n/blob/acct/uploads/abc\n" +
            "oid-1\ntid-2\n2024-05-06T07:00:00Z\n2024-05-06T09:00:00Z\nb\n2021-12-02\n" +
            "\n\n\n\nhttps\n2020-12-06\nb\n\n\n\n\n\n\n";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(KeyValue), Encoding.UTF8.GetBytes(stringToSign)));
        Assert.Equal(24, stringToSign.Split('\n').Length);
        Assert.Equal(
            "https://acct.blob.core.windows.net/uploads/abc?sv=2020-12-06&spr=https&st=2024-05-06T07%3A03%3A09Z&se=2024-05-06T07%3A18%3A09Z" +
            "&skoid=oid-1&sktid=tid-2&skt=2024-05-06T07%3A00%3A00Z&ske=2024-05-06T09%3A00%3A00Z&sks=b&skv=2021-12-02" +
            "&sr=b&sp=r&sig=" + Uri.EscapeDataString(signature),
            signed.Uri.AbsoluteUri);
    }

    [Fact]
    public void Build_LifetimeBeyondKeyExpiry_IsClampedToKeyExpiry()
    {
        var builder = new UserDelegationSasBuilder(
            new Uri("https://acct.blob.core.windows.net"),
            "acct",
            Key,
            new SasOptions { Lifetime = TimeSpan.FromHours(5) },
            new FixedTimeProvider(Now));

        var signed = builder.Build("uploads", "abc", BlobSasPermissions.Upload);

        Assert.Equal(Key.SignedExpiresOn, signed.ExpiresOn);
        Assert.Contains("&se=2024-05-06T09%3A00%3A00Z&", signed.Uri.Query, StringComparison.Ordinal);
        Assert.Contains("&sp=cw&", signed.Uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_Key_DoesNotRevealValue()
    {
        Assert.DoesNotContain(KeyValue, Key.ToString(), StringComparison.Ordinal);
    }
}
