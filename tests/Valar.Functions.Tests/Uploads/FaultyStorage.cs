using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Moq;

namespace Valar.Functions.Tests.Uploads;

/// <summary>A storage fault with the status and error code the SDK really surfaces for it.</summary>
public enum StorageFault
{
    /// <summary>404: <c>BlobNotFound</c> on reads, <c>ContainerNotFound</c> on writes; <c>DeleteIfExists</c> answers false.</summary>
    NotFound,

    /// <summary>409 <c>LeaseIdMissing</c>: a lease someone else holds.</summary>
    Conflict,

    /// <summary>412: <c>ConditionNotMet</c> on an If-Match write, <c>LeaseIdMismatchWithBlobOperation</c> otherwise.</summary>
    PreconditionFailed,

    /// <summary>500 <c>InternalError</c>, after the SDK's own retries.</summary>
    InternalError,

    /// <summary>503 <c>ServerBusy</c>, after the SDK's own retries.</summary>
    ServerBusy,

    /// <summary>The network timeout, as the SDK's retry policy gives up on it: an AggregateException of TaskCanceledExceptions.</summary>
    Timeout,
}

/// <summary>Whether the faulted call reached storage: before (nothing happened) or after (it happened, the answer was lost).</summary>
public enum FaultTiming
{
    Before,
    After,
}

/// <summary>
/// Moq doubles of <see cref="BlobServiceClient"/>, <see cref="BlobContainerClient"/> and <see cref="BlobClient"/> that
/// pass every call the upload code makes to a real client on Azurite, and inject one <see cref="StorageFault"/> at the
/// call numbered <see cref="FailAt"/> (strict mocks: a call the code makes that is not listed here fails the test).
/// </summary>
public sealed class FaultyStorage
{
    private int _calls;

    public int FailAt { get; init; } = -1;

    public StorageFault Fault { get; init; }

    public FaultTiming Timing { get; init; }

    /// <summary>The storage calls made, in order, as "operation container/blob".</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>Blobs deleted through the doubles ("container/blob").</summary>
    public ConcurrentQueue<string> Deleted { get; } = new();

    /// <summary>Blobs a SAS was generated for; the processor must never sign anything.</summary>
    public ConcurrentQueue<string> Signed { get; } = new();

    /// <summary>True once the fault was injected.</summary>
    public bool Fired { get; private set; }

    /// <summary>When set, the upload blob's download stream deletes the real blob after this many bytes and then fails as the SDK does.</summary>
    public int? DeleteMidReadAfterBytes { get; init; }

    public BlobServiceClient Wrap(BlobServiceClient real)
    {
        var mock = new Mock<BlobServiceClient>(MockBehavior.Strict);
        mock.SetupGet(s => s.AccountName).Returns(real.AccountName);
        mock.SetupGet(s => s.Uri).Returns(real.Uri);
        mock.Setup(s => s.GetBlobContainerClient(It.IsAny<string>())).Returns((string name) => Wrap(real.GetBlobContainerClient(name)));
        return mock.Object;
    }

    public BlobContainerClient Wrap(BlobContainerClient real)
    {
        var mock = new Mock<BlobContainerClient>(MockBehavior.Strict);
        mock.SetupGet(c => c.Name).Returns(real.Name);
        mock.SetupGet(c => c.Uri).Returns(real.Uri);
        mock.Setup(c => c.GetBlobClient(It.IsAny<string>())).Returns((string name) => Wrap(real.GetBlobClient(name)));
        return mock.Object;
    }

    public BlobClient Wrap(BlobClient real)
    {
        var path = $"{real.BlobContainerName}/{real.Name}";
        var mock = new Mock<BlobClient>(MockBehavior.Strict);
        mock.SetupGet(b => b.Name).Returns(real.Name);
        mock.SetupGet(b => b.BlobContainerName).Returns(real.BlobContainerName);
        mock.SetupGet(b => b.Uri).Returns(real.Uri);
        mock.SetupGet(b => b.CanGenerateSasUri).Returns(real.CanGenerateSasUri);
        mock.Setup(b => b.GenerateSasUri(It.IsAny<BlobSasBuilder>())).Returns((BlobSasBuilder builder) =>
        {
            Signed.Enqueue(path);
            return real.GenerateSasUri(builder);
        });
        mock.Setup(b => b.UploadAsync(It.IsAny<BinaryData>(), It.IsAny<BlobUploadOptions>(), It.IsAny<CancellationToken>()))
            .Returns(async (BinaryData content, BlobUploadOptions options, CancellationToken token) =>
            {
                var conditional = options.Conditions?.IfMatch is not null;
                return await CallAsync($"upload {path}", conditional ? "ifmatch" : "write", () => real.UploadAsync(content, options, token));
            });
        mock.Setup(b => b.DownloadStreamingAsync(It.IsAny<BlobDownloadOptions>(), It.IsAny<CancellationToken>()))
            .Returns(async (BlobDownloadOptions options, CancellationToken token) =>
            {
                var response = await CallAsync($"download {path}", "read", () => real.DownloadStreamingAsync(options, token));
                if (DeleteMidReadAfterBytes is not { } after || real.BlobContainerName != UploadFaultTests.UploadContainer)
                {
                    return response;
                }

                var stream = new DeletingStream(response.Value.Content, after, real);
                return Response.FromValue(BlobsModelFactory.BlobDownloadStreamingResult(stream, response.Value.Details), response.GetRawResponse());
            });
        mock.Setup(b => b.GetPropertiesAsync(It.IsAny<BlobRequestConditions>(), It.IsAny<CancellationToken>()))
            .Returns((BlobRequestConditions conditions, CancellationToken token) => CallAsync($"properties {path}", "read", () => real.GetPropertiesAsync(conditions, token)));
        mock.Setup(b => b.DeleteIfExistsAsync(It.IsAny<DeleteSnapshotsOption>(), It.IsAny<BlobRequestConditions>(), It.IsAny<CancellationToken>()))
            .Returns(async (DeleteSnapshotsOption snapshots, BlobRequestConditions conditions, CancellationToken token) =>
            {
                var index = Interlocked.Increment(ref _calls) - 1;
                Calls.Enqueue($"delete {path}");
                if (index == FailAt && Fault == StorageFault.NotFound && Timing == FaultTiming.Before)
                {
                    // DeleteIfExists turns 404 into false rather than throwing.
                    Fired = true;
                    return Response.FromValue(false, new Mock<Response>().Object);
                }

                if (index == FailAt && Timing == FaultTiming.Before)
                {
                    Fired = true;
                    throw Create("delete");
                }

                var result = await real.DeleteIfExistsAsync(snapshots, conditions, token);
                if (result.Value)
                {
                    Deleted.Enqueue(path);
                }

                if (index == FailAt && Timing == FaultTiming.After && Fault != StorageFault.NotFound)
                {
                    Fired = true;
                    throw Create("delete");
                }

                return result;
            });
        return mock.Object;
    }

    private async Task<Response<T>> CallAsync<T>(string call, string kind, Func<Task<Response<T>>> real)
    {
        var index = Interlocked.Increment(ref _calls) - 1;
        Calls.Enqueue(call);
        if (index == FailAt && Timing == FaultTiming.Before)
        {
            Fired = true;
            throw Create(kind);
        }

        var response = await real();
        if (index == FailAt && Timing == FaultTiming.After && !(Fault == StorageFault.NotFound && kind == "read"))
        {
            // The call took effect; its answer never arrived. (A 404 for a read that succeeded is not a real answer.)
            Fired = true;
            throw Create(kind);
        }

        return response;
    }

    private Exception Create(string kind) => Fault switch
    {
        StorageFault.NotFound when kind == "read" => new RequestFailedException(404, "The specified blob does not exist.", BlobErrorCode.BlobNotFound.ToString(), null),
        StorageFault.NotFound => new RequestFailedException(404, "The specified container does not exist.", BlobErrorCode.ContainerNotFound.ToString(), null),
        StorageFault.Conflict => new RequestFailedException(409, "There is currently a lease on the blob and no lease ID was specified in the request.", BlobErrorCode.LeaseIdMissing.ToString(), null),
        StorageFault.PreconditionFailed when kind == "ifmatch" => new RequestFailedException(412, "The condition specified using HTTP conditional header(s) is not met.", BlobErrorCode.ConditionNotMet.ToString(), null),
        StorageFault.PreconditionFailed => new RequestFailedException(412, "The lease ID specified did not match the lease ID for the blob.", BlobErrorCode.LeaseIdMismatchWithBlobOperation.ToString(), null),
        StorageFault.InternalError => new RequestFailedException(500, "Server encountered an internal error. Please try again after some time.", BlobErrorCode.InternalError.ToString(), null),
        StorageFault.ServerBusy => new RequestFailedException(503, "The server is currently unable to receive requests. Please retry your request.", BlobErrorCode.ServerBusy.ToString(), null),
        _ => new AggregateException(
            "Retry failed after 4 tries. Retry settings can be adjusted in ClientOptions.Retry or by configuring a custom retry policy.",
            Enumerable.Range(0, 4).Select(_ => new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:00:30. "))),
    };

    /// <summary>Passes the first bytes through, then deletes the real blob and fails as the SDK's retrying stream does when its blob is gone.</summary>
    private sealed class DeletingStream(Stream inner, int after, BlobClient blob) : Stream
    {
        private int _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_read >= after)
            {
                await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken);
                throw new RequestFailedException(404, "The specified blob does not exist.", BlobErrorCode.BlobNotFound.ToString(), null);
            }

            var count = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, after - _read)], cancellationToken);
            _read += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
