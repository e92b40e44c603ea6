using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;

namespace Valar.Functions.Uploads;

/// <summary>
/// The Event Grid blob trigger on <c>uploads/{name}</c>: validates one uploaded blob and records its verdict. Delivery is
/// at least once; a storage failure fails the invocation, so the host tries again (5 times, then the poison queue).
/// </summary>
public sealed class PrevalidateUploadFunction(UploadProcessor processor)
{
    /// <summary>The blob trigger's container; <see cref="UploadOptions.UploadContainer"/> defaults to it.</summary>
    public const string Container = "uploads";

    [Function("PrevalidateUpload")]
    public async Task RunAsync(
        [BlobTrigger(Container + "/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient blob,
        CancellationToken cancellationToken)
    {
        await processor.ProcessAsync(blob, cancellationToken).ConfigureAwait(false);
    }
}
