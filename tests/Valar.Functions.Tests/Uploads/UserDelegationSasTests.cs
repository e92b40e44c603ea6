using System.Net;
using System.Web;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Valar.Functions.Uploads;
using Valar.Testing.Azurite;
using Valar.Testing.Images;

namespace Valar.Functions.Tests.Uploads;

/// <summary>
/// The managed-identity path: a <see cref="BlobServiceClient"/> on a token credential has no account key, so the store
/// signs with a user-delegation key (Azurite over HTTPS with <c>--oauth basic</c>, which serves that key and checks
/// the signatures made with it).
/// </summary>
public sealed class UserDelegationSasTests : IClassFixture<AzuriteOAuthFixture>
{
    private readonly AzuriteOAuthFixture _azurite;

    public UserDelegationSasTests(AzuriteOAuthFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task SignRead_WithTokenCredential_IsAUserDelegationSasThatReadsButCannotWrite()
    {
        var store = await StoreAsync();
        var id = Guid.NewGuid().ToString("N");
        var png = TestImages.Png(8, 8);
        Assert.True(await store.TryCreateImageAsync(id, png, "image/png", "sha"));

        var signed = await store.SignReadAsync(id);
        using var http = new HttpClient(_azurite.CreateHttpHandler());
        using var get = await http.GetAsync(signed.Uri);
        using var put = new HttpRequestMessage(HttpMethod.Put, signed.Uri) { Content = new ByteArrayContent(png) };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var write = await http.SendAsync(put);

        var query = HttpUtility.ParseQueryString(signed.Uri.Query);
        Assert.Equal(FakeJwtCredential.ObjectId, query["skoid"]);
        Assert.Equal("r", query["sp"]);
        Assert.Equal("https", query["spr"]);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(png, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }

    [Fact]
    public async Task SignUpload_WithTokenCredential_CreatesTheOneBlobButCannotReadIt()
    {
        var store = await StoreAsync();
        var id = Guid.NewGuid().ToString("N");
        var png = TestImages.Png(8, 8);

        var signed = await store.SignUploadAsync(id);
        using var http = new HttpClient(_azurite.CreateHttpHandler());
        using var put = new HttpRequestMessage(HttpMethod.Put, signed.Uri) { Content = new ByteArrayContent(png) };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var created = await http.SendAsync(put);
        using var read = await http.GetAsync(signed.Uri);
        var sibling = new UriBuilder(signed.Uri) { Path = signed.Uri.AbsolutePath.Replace(id, id + "x", StringComparison.Ordinal) }.Uri;
        using var siblingPut = new HttpRequestMessage(HttpMethod.Put, sibling) { Content = new ByteArrayContent(png) };
        siblingPut.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var other = await http.SendAsync(siblingPut);

        Assert.Equal("cw", HttpUtility.ParseQueryString(signed.Uri.Query)["sp"]);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    private async Task<UploadStore> StoreAsync()
    {
        var options = new BlobClientOptions { Transport = new HttpClientTransport(_azurite.CreateHttpHandler()) };
        var service = new BlobServiceClient(_azurite.BlobEndpoint, new FakeJwtCredential(), options);
        var store = new UploadStore(service, new UploadOptions());
        await store.CreateContainersAsync();
        return store;
    }
}
