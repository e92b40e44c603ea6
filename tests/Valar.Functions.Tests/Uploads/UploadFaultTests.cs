using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Valar.Functions.Uploads;
using Valar.Testing.Images;

namespace Valar.Functions.Tests.Uploads;

/// <summary>
/// One delivery with one storage fault (Moq doubles of the SDK clients over the real Azurite, <see cref="FaultyStorage"/>)
/// at every call position of the delivery, before or after the call takes effect; then redeliveries without faults, as
/// the host retries. In every case nothing is lost: a valid image is never deleted, a rejected image is never signed
/// nor kept, the processor signs nothing, and the redelivery reaches the verdict a fault-free delivery reaches.
/// </summary>
[Collection(UploadCollection.Name)]
public sealed class UploadFaultTests(UploadFixture fixture)
{
    public const string UploadContainer = "f-uploads";
    private const string ImageContainer = "f-images";
    private const string VerdictContainer = "f-verdicts";

    /// <summary>More than the calls of any one delivery (a clean one makes 5 to 8).</summary>
    private const int Positions = 12;

    private static readonly UploadOptions Options = new() { UploadContainer = UploadContainer, ImageContainer = ImageContainer, VerdictContainer = VerdictContainer };

    public static TheoryData<StorageFault, FaultTiming, bool> Matrix()
    {
        var data = new TheoryData<StorageFault, FaultTiming, bool>();
        foreach (var fault in Enum.GetValues<StorageFault>())
        {
            foreach (var timing in Enum.GetValues<FaultTiming>())
            {
                data.Add(fault, timing, true);
                data.Add(fault, timing, false);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Deliver_FaultAtEveryStorageCall_RedeliveryReachesTheSameVerdictAndLosesNothing(StorageFault fault, FaultTiming timing, bool valid)
    {
        await CreateContainersAsync();
        var content = valid ? TestImages.Png(21, 13) : TestImages.Gif(8, 8);
        var fired = 0;
        for (var position = 0; position < Positions; position++)
        {
            var id = await IssueAndUploadAsync(content, "image/png");
            var storage = new FaultyStorage { FailAt = position, Fault = fault, Timing = timing };

            try
            {
                await ProcessorOver(storage).ProcessAsync(storage.Wrap(Upload(id)));
            }
            catch (Exception exception) when (exception is Azure.RequestFailedException or AggregateException)
            {
                // A failed invocation: the host delivers again.
            }

            fired += storage.Fired ? 1 : 0;
            var redelivery = new FaultyStorage();
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var outcome = await ProcessorOver(redelivery).ProcessAsync(redelivery.Wrap(Upload(id)));
                if (outcome.Disposition is UploadDisposition.Decided or UploadDisposition.AlreadyDecided)
                {
                    break;
                }
            }

            var context = $"{fault} {timing} at call {position}: {string.Join(", ", storage.Calls)}";
            Assert.True(storage.Signed.IsEmpty && redelivery.Signed.IsEmpty, context);
            var record = (await Store(fixture.Blobs).GetRecordAsync(id))?.Record;
            Assert.NotNull(record);
            Assert.False(await fixture.ExistsAsync(UploadContainer, id), context);
            if (valid)
            {
                Assert.True(record.Status == UploadStatus.Valid, context);
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), record.Sha256);
                Assert.DoesNotContain($"{ImageContainer}/{id}", storage.Deleted.Concat(redelivery.Deleted));
                Assert.Equal(content, (await fixture.Blobs.GetBlobContainerClient(ImageContainer).GetBlobClient(id).DownloadContentAsync()).Value.Content.ToArray());
            }
            else
            {
                Assert.True(record.Status == UploadStatus.Rejected, context);
                Assert.Equal("declared type image/png does not match detected type image/gif", record.Error!.Message);
                Assert.False(await fixture.ExistsAsync(ImageContainer, id), context);
            }
        }

        // Every clean delivery makes at least 5 calls, so the fault fired at least that often; a 404 after a call that
        // took effect is injected only on writes (a read or DeleteIfExists that succeeded has no 404 answer).
        Assert.InRange(fired, fault == StorageFault.NotFound && timing == FaultTiming.After ? 1 : 5, Positions);
    }

    [Fact]
    public async Task Deliver_BlobDeletedMidRead_FailsThenRedeliveryFindsItGoneAndTouchesNothing()
    {
        await CreateContainersAsync();
        var png = TestImages.Png(64, 64);
        var id = await IssueAndUploadAsync(png, "image/png");
        var storage = new FaultyStorage { DeleteMidReadAfterBytes = 10 };

        var failure = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => ProcessorOver(storage).ProcessAsync(storage.Wrap(Upload(id))));

        Assert.Equal(404, failure.Status);
        Assert.False(await fixture.ExistsAsync(UploadContainer, id));
        var outcome = await ProcessorOver(new FaultyStorage()).ProcessAsync(Upload(id));
        Assert.Equal(UploadDisposition.Vanished, outcome.Disposition);
        Assert.Equal(UploadStatus.Pending, (await Store(fixture.Blobs).GetRecordAsync(id))!.Value.Record.Status);
        Assert.False(await fixture.ExistsAsync(ImageContainer, id));
        Assert.True(storage.Signed.IsEmpty);
    }

    [Fact]
    public async Task Deliver_BlobOneByteOverTheLimit_ReadsAtMostLimitPlusOneBytes()
    {
        await CreateContainersAsync();
        var png = TestImages.Png(8, 8, padToBytes: 4096);
        var id = await IssueAndUploadAsync(png, "image/png");
        var processor = new UploadProcessor(Store(fixture.Blobs), UploadFixture.Checks with { MaxImageBytes = 4095 }, NullLogger<UploadProcessor>.Instance);

        var outcome = await processor.ProcessAsync(Upload(id));

        Assert.Equal(UploadStatus.Rejected, outcome.Record!.Status);
        Assert.Equal("image too large: exceeds maximum of 4095 bytes", outcome.Record.Error!.Message);
        Assert.False(await fixture.ExistsAsync(ImageContainer, id));
    }

    private UploadProcessor ProcessorOver(FaultyStorage storage) =>
        new(Store(storage.Wrap(fixture.Blobs)), UploadFixture.Checks, NullLogger<UploadProcessor>.Instance);

    private static UploadStore Store(Azure.Storage.Blobs.BlobServiceClient service) => new(service, Options);

    private Azure.Storage.Blobs.BlobClient Upload(string id) => fixture.Blobs.GetBlobContainerClient(UploadContainer).GetBlobClient(id);

    private Task CreateContainersAsync() => Store(fixture.Blobs).CreateContainersAsync();

    /// <summary>A pending record and the uploaded bytes, as POST /v1/uploads and the client's PUT leave them.</summary>
    private async Task<string> IssueAndUploadAsync(byte[] content, string contentType)
    {
        var id = UploadIds.New();
        Assert.True(await Store(fixture.Blobs).TryCreateRecordAsync(new UploadRecord { Id = id, Status = UploadStatus.Pending, CreatedAt = DateTimeOffset.UtcNow }));
        await Upload(id).UploadAsync(BinaryData.FromBytes(content), new Azure.Storage.Blobs.Models.BlobUploadOptions { HttpHeaders = new Azure.Storage.Blobs.Models.BlobHttpHeaders { ContentType = contentType } });
        return id;
    }
}
