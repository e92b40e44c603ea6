using System.Security.Cryptography;
using System.Text;

namespace Valar.Storage.Tests.Authentication;

public sealed class SharedKeyAuthorizerTests
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public void BuildStringToSign_PutBlobWithMetadataAndCondition_MatchesDocumentedLayout()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:10000/devstoreaccount1/uploads/a%20b.png?timeout=30&comp=x&Comp=y")
        {
            Content = new ByteArrayContent(new byte[11]),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "image/png");
        request.Headers.TryAddWithoutValidation("x-ms-version", "2021-12-02");
        request.Headers.TryAddWithoutValidation("x-ms-date", "Mon, 01 Jan 2024 00:00:00 GMT");
        request.Headers.TryAddWithoutValidation("x-ms-meta-Verdict", "valid");
        request.Headers.TryAddWithoutValidation("x-ms-blob-type", "BlockBlob");
        request.Headers.TryAddWithoutValidation("If-None-Match", "*");

        var stringToSign = SharedKeyAuthorizer.BuildStringToSign(request, "devstoreaccount1");

        Assert.Equal(
            "PUT\n\n\n11\n\nimage/png\n\n\n\n*\n\n\n" +
            "x-ms-blob-type:BlockBlob\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\nx-ms-meta-verdict:valid\nx-ms-version:2021-12-02\n" +
            "/devstoreaccount1/devstoreaccount1/uploads/a%20b.png\ncomp:x,y\ntimeout:30",
            stringToSign);
    }

    [Fact]
    public void BuildStringToSign_GetWithoutBody_LeavesContentLengthEmpty()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://acct.blob.core.windows.net/c/b");
        request.Headers.TryAddWithoutValidation("x-ms-date", "d");

        Assert.Equal("GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:d\n/acct/c/b", SharedKeyAuthorizer.BuildStringToSign(request, "acct"));
    }

    [Fact]
    public async Task Authorize_AddsSharedKeyHeaderWithHmacOfStringToSign()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://acct.blob.core.windows.net/c/b");
        request.Headers.TryAddWithoutValidation("x-ms-date", "d");
        var authorizer = new SharedKeyAuthorizer(new StorageSharedKeyCredential("acct", Key));

        await authorizer.AuthorizeAsync(request);

        var expected = Convert.ToBase64String(HMACSHA256.HashData(
            Convert.FromBase64String(Key),
            Encoding.UTF8.GetBytes("GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:d\n/acct/c/b")));
        Assert.Equal($"SharedKey acct:{expected}", Assert.Single(request.Headers.GetValues("Authorization")));
    }
}
