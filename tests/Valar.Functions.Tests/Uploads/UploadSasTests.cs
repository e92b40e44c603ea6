using System.Net;
using Valar.Functions.Uploads;
using Valar.Testing.Images;

namespace Valar.Functions.Tests.Uploads;

/// <summary>
/// The signed URLs <see cref="UploadStore"/> builds with the SDK's <c>BlobSasBuilder</c>, checked by Azurite (which
/// verifies signatures, expiry and scope): expired, tampered, and used on another blob.
/// </summary>
[Collection(UploadCollection.Name)]
public sealed class UploadSasTests(UploadFixture fixture)
{
    private static readonly UploadOptions Options = new() { UploadContainer = "s-uploads", ImageContainer = "s-images", VerdictContainer = "s-verdicts" };

    [Fact]
    public async Task ReadUrl_Expired_Returns403()
    {
        var id = await StoreImageAsync();
        var signedAnHourAgo = new UploadStore(fixture.Blobs, Options, new FixedTimeProvider(DateTimeOffset.UtcNow.AddHours(-1)));

        var readUrl = await signedAnHourAgo.SignReadAsync(id);
        using var response = await fixture.Http.GetAsync(readUrl.Uri);

        Assert.True(readUrl.ExpiresOn < DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ReadUrl_TamperedSignature_Returns403()
    {
        var id = await StoreImageAsync();
        var readUrl = (await new UploadStore(fixture.Blobs, Options).SignReadAsync(id)).Uri.AbsoluteUri;
        var signature = readUrl.IndexOf("sig=", StringComparison.Ordinal) + 4;
        var tampered = readUrl[..signature] + (readUrl[signature] == 'A' ? 'B' : 'A') + readUrl[(signature + 1)..];

        using var ok = await fixture.Http.GetAsync(new Uri(readUrl));
        using var response = await fixture.Http.GetAsync(new Uri(tampered));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ReadUrl_PermissionEscalatedInQuery_Returns403()
    {
        var id = await StoreImageAsync();
        var readUrl = (await new UploadStore(fixture.Blobs, Options).SignReadAsync(id)).Uri.AbsoluteUri;

        using var put = await fixture.PutAsync(new Uri(readUrl.Replace("sp=r", "sp=rw", StringComparison.Ordinal)), TestImages.Png(2, 2), "image/png");

        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
    }

    [Fact]
    public async Task UploadUrl_PutToAnotherBlobName_Returns403()
    {
        var upload = await fixture.Polling.CreateUploadAsync();
        var id = upload.GetProperty("id").GetString()!;
        var other = new Uri(upload.GetProperty("upload_url").GetString()!.Replace(id, "someone-elses-blob", StringComparison.Ordinal));

        using var put = await fixture.PutAsync(other, TestImages.Png(2, 2), "image/png");

        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.False(await fixture.ExistsAsync("uploads", "someone-elses-blob"));
    }

    private async Task<string> StoreImageAsync()
    {
        var store = new UploadStore(fixture.Blobs, Options);
        await store.CreateContainersAsync();
        var id = UploadIds.New();
        Assert.True(await store.TryCreateImageAsync(id, TestImages.Png(4, 4), "image/png", "0"));
        return id;
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
