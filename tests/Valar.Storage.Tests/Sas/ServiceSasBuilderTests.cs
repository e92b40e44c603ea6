using System.Security.Cryptography;
using System.Text;
using Valar.Storage.Tests.Fakes;

namespace Valar.Storage.Tests.Sas;

/// <summary>String-to-sign and URL shape, against a worked example computed here from the documented layout.</summary>
public sealed class ServiceSasBuilderTests
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly DateTimeOffset Now = new(2024, 5, 6, 7, 8, 9, 500, TimeSpan.Zero);

    [Fact]
    public void Build_ReadForOneBlob_SignsDocumentedStringAndFormatsUrl()
    {
        var builder = new ServiceSasBuilder(
            new Uri("https://acct.blob.core.windows.net"),
            new StorageSharedKeyCredential("acct", Key),
            new SasOptions { Lifetime = TimeSpan.FromMinutes(10), ClockSkew = TimeSpan.FromMinutes(5) },
            new FixedTimeProvider(Now));

        var signed = builder.Build("uploads", "abc.png", BlobSasPermissions.Read);

        // sp, st, se, canonicalizedResource, si, sip, spr, sv, sr, snapshotTime, ses, rscc, rscd, rsce, rscl, rsct
        const string stringToSign =
            "r\n2024-05-06T07:03:09Z\n2024-05-06T07:18:09Z\n/blob/acct/uploads/abc.png\n\n\nhttps\n2020-12-06\nb\n\n\n\n\n\n\n";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(Key), Encoding.UTF8.GetBytes(stringToSign)));
        Assert.Equal(
            "https://acct.blob.core.windows.net/uploads/abc.png?sv=2020-12-06&spr=https&st=2024-05-06T07%3A03%3A09Z&se=2024-05-06T07%3A18%3A09Z&sr=b&sp=r&sig="
                + Uri.EscapeDataString(signature),
            signed.Uri.AbsoluteUri);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 18, 9, TimeSpan.Zero), signed.ExpiresOn);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 3, 9, TimeSpan.Zero), signed.StartsOn);
    }

    [Fact]
    public void StringToSign_UploadAllowingHttp_HasSixteenFieldsWithCwAndBothProtocols()
    {
        var stringToSign = ServiceSasBuilder.StringToSign("cw", "s", "e", "/blob/a/c/b", "https,http");

        Assert.Equal("cw\ns\ne\n/blob/a/c/b\n\n\nhttps,http\n2020-12-06\nb\n\n\n\n\n\n\n", stringToSign);
        Assert.Equal(16, stringToSign.Split('\n').Length);
    }

    [Theory]
    [InlineData(BlobSasPermissions.Read, "r")]
    [InlineData(BlobSasPermissions.Upload, "cw")]
    [InlineData(BlobSasPermissions.Delete | BlobSasPermissions.Read | BlobSasPermissions.Add, "rad")]
    public void Build_Permissions_AreWrittenInCanonicalOrder(BlobSasPermissions permissions, string sp)
    {
        var builder = new ServiceSasBuilder(new Uri("https://acct.blob.core.windows.net"), new StorageSharedKeyCredential("acct", Key), timeProvider: new FixedTimeProvider(Now));

        var signed = builder.Build("c1c", "b", permissions);

        Assert.Contains($"&sp={sp}&", signed.Uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoPermissions_Throws()
    {
        var builder = new ServiceSasBuilder(new Uri("https://acct.blob.core.windows.net"), new StorageSharedKeyCredential("acct", Key));

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Build("c1c", "b", BlobSasPermissions.None));
    }

    [Fact]
    public void ToString_SignedUri_HidesQuery()
    {
        var builder = new ServiceSasBuilder(new Uri("https://acct.blob.core.windows.net"), new StorageSharedKeyCredential("acct", Key), timeProvider: new FixedTimeProvider(Now));

        var signed = builder.Build("c1c", "b", BlobSasPermissions.Read);

        Assert.Equal("https://acct.blob.core.windows.net/c1c/b?<sas Read until 2024-05-06T07:18:09.0000000+00:00>", signed.ToString());
        Assert.DoesNotContain("sig", signed.ToString(), StringComparison.Ordinal);
    }
}
