using System.Net;
using System.Net.Http.Headers;
using Valar.Storage.Tests.Fakes;
using Valar.Testing.Azurite;

namespace Valar.Storage.Tests.Sas;

/// <summary>Azurite checks service SAS signatures, permissions, scope and times like Azure does.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ServiceSasAzuriteTests : IAsyncLifetime
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 9, 9, 9];

    private readonly AzuriteFixture _azurite;
    private readonly BlobStore _store;
    private readonly HttpClient _http;
    private readonly string _container = $"s{Guid.NewGuid():N}";

    public ServiceSasAzuriteTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _store = new BlobStore(StorageConnection.Parse(azurite.ConnectionString), new HttpClient(azurite.CreateHttpHandler()));
        _http = new HttpClient(azurite.CreateHttpHandler());
    }

    public async Task InitializeAsync()
    {
        await _store.CreateContainerIfNotExistsAsync(_container);
        await _store.PutBlobAsync(_container, "a.png", Png, new PutBlobOptions { ContentType = "image/png" });
        await _store.PutBlobAsync(_container, "sibling.png", Png, new PutBlobOptions { ContentType = "image/png" });
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        _http.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ReadSas_Get_ReturnsTheBlob()
    {
        var signed = Builder().Build(_container, "a.png", BlobSasPermissions.Read);

        using var response = await _http.GetAsync(signed.Uri);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Png, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ReadSas_Put_Returns403()
    {
        var signed = Builder().Build(_container, "a.png", BlobSasPermissions.Read);

        using var response = await _http.SendAsync(BlockBlobPut(signed.Uri, [1, 2, 3]));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("AuthorizationPermissionMismatch", ErrorCode(response));
        Assert.Equal(Png, (await _store.GetBlobAsync(_container, "a.png", 100)).Content.ToArray());
    }

    [Fact]
    public async Task ReadSas_OnSiblingBlob_Returns403()
    {
        var signed = Builder().Build(_container, "a.png", BlobSasPermissions.Read);
        var sibling = new Uri(signed.Uri.AbsoluteUri.Replace("/a.png?", "/sibling.png?", StringComparison.Ordinal));

        using var response = await _http.GetAsync(sibling);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("AuthorizationFailure", ErrorCode(response));
    }

    [Fact]
    public async Task ReadSas_Expired_Returns403()
    {
        var past = new FixedTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        var signed = Builder(past).Build(_container, "a.png", BlobSasPermissions.Read);

        using var response = await _http.GetAsync(signed.Uri);

        Assert.True(signed.ExpiresOn < DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("AuthorizationFailure", ErrorCode(response));
    }

    [Fact]
    public async Task ReadSas_TamperedSignature_Returns403()
    {
        var signed = Builder().Build(_container, "a.png", BlobSasPermissions.Read);

        using var response = await _http.GetAsync(Tamper(signed.Uri));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ReadSas_PermissionEscalatedInQuery_Returns403()
    {
        var signed = Builder().Build(_container, "a.png", BlobSasPermissions.Read);
        var escalated = new Uri(signed.Uri.AbsoluteUri.Replace("&sp=r&", "&sp=rw&", StringComparison.Ordinal));

        using var response = await _http.SendAsync(BlockBlobPut(escalated, [1]));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ReadSas_HttpsOnlyUsedOverHttp_Returns403()
    {
        var signed = Builder(allowHttp: false).Build(_container, "a.png", BlobSasPermissions.Read);

        using var response = await _http.GetAsync(signed.Uri);

        Assert.Contains("spr=https&", signed.Uri.Query, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("AuthorizationProtocolMismatch", ErrorCode(response));
    }

    [Fact]
    public async Task UploadSas_PutBlockBlob_CreatesThatBlobWithItsContentType()
    {
        var signed = Builder().Build(_container, "upload-1", BlobSasPermissions.Upload);

        using var response = await _http.SendAsync(BlockBlobPut(signed.Uri, Png));
        var properties = await _store.GetPropertiesAsync(_container, "upload-1");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("image/png", properties.ContentType);
        Assert.Equal(Png.Length, properties.ContentLength);
    }

    [Fact]
    public async Task UploadSas_Get_Returns403()
    {
        var signed = Builder().Build(_container, "upload-2", BlobSasPermissions.Upload);
        using var put = await _http.SendAsync(BlockBlobPut(signed.Uri, Png));

        using var response = await _http.GetAsync(signed.Uri);

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("AuthorizationPermissionMismatch", ErrorCode(response));
    }

    [Fact]
    public async Task UploadSas_OnAnotherBlobName_Returns403()
    {
        var signed = Builder().Build(_container, "upload-3", BlobSasPermissions.Upload);
        var other = new Uri(signed.Uri.AbsoluteUri.Replace("/upload-3?", "/upload-4?", StringComparison.Ordinal));

        using var response = await _http.SendAsync(BlockBlobPut(other, Png));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(await _store.DeleteBlobAsync(_container, "upload-4", ignoreNotFound: true));
    }

    internal static Uri Tamper(Uri uri)
    {
        var text = uri.AbsoluteUri;
        var at = text.IndexOf("&sig=", StringComparison.Ordinal) + "&sig=".Length;
        var flipped = text[at] == 'A' ? 'B' : 'A';
        return new Uri(string.Concat(text.AsSpan(0, at), flipped.ToString(), text.AsSpan(at + 1)));
    }

    internal static HttpRequestMessage BlockBlobPut(Uri uri, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        return request;
    }

    internal static string? ErrorCode(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-ms-error-code", out var values) ? values.FirstOrDefault() : null;

    private ServiceSasBuilder Builder(TimeProvider? timeProvider = null, bool allowHttp = true) =>
        new(_azurite.BlobEndpoint, new StorageSharedKeyCredential(AzuriteFixture.AccountName, AzuriteFixture.AccountKey), new SasOptions { AllowHttp = allowHttp }, timeProvider);
}
