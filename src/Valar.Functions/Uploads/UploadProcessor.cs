using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Valar.Functions.Http;
using Valar.Validation;

namespace Valar.Functions.Uploads;

/// <summary>
/// Validates one delivered upload with the shared core (<see cref="ImageContentChecker"/>) and records one verdict,
/// however often and however concurrently the same blob is delivered:
/// <list type="number">
/// <item>no record → not ours, no-op; a final record → only the clean-up runs again;</item>
/// <item>valid bytes go to <c>images/&lt;id&gt;</c> create-only, so the first stored bytes are the only ones ever served
/// and the verdict is computed from them;</item>
/// <item>the verdict replaces the pending record with If-Match, so exactly one delivery decides;</item>
/// <item>clean-up (delete the upload; for a rejection also any stored image) runs after the verdict and is idempotent.</item>
/// </list>
/// Storage failures propagate, so the caller answers non-2xx and the delivery is retried.
/// </summary>
public sealed class UploadProcessor
{
    private const int MaxDecideAttempts = 5;

    private readonly UploadStore _store;
    private readonly ImageCheckOptions _checks;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<UploadProcessor> _logger;

    public UploadProcessor(UploadStore store, ImageCheckOptions checks, ILogger<UploadProcessor> logger, TimeProvider? timeProvider = null)
    {
        _store = store;
        _checks = checks;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How uploads are checked: the per-image limit and the integrity level.</summary>
    public ImageCheckOptions Checks => _checks;

    /// <summary>
    /// One delivery of <paramref name="upload"/> (the blob trigger's <see cref="BlobClient"/>): reads the record, then at
    /// most the per-image limit + 1 bytes of the blob, and decides. Storage failures propagate (the host retries).
    /// </summary>
    public async Task<UploadOutcome> ProcessAsync(BlobClient upload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (!UploadIds.IsValid(upload.Name))
        {
            UploadLog.UploadNameIgnored(_logger, upload.Name);
            return new UploadOutcome(UploadDisposition.Unknown, null);
        }

        var current = await _store.GetRecordAsync(upload.Name, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            UploadLog.UploadUnknown(_logger, upload.Name);
            return new UploadOutcome(UploadDisposition.Unknown, null);
        }

        if (current.Value.Record.Status != UploadStatus.Pending)
        {
            return await AlreadyDecidedAsync(current.Value.Record, upload, cancellationToken).ConfigureAwait(false);
        }

        // One byte past the limit, so a blob just over it is rejected by size without reading the rest.
        var content = await UploadStore.ReadAsync(upload, _checks.MaxImageBytes, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            // Gone between the event and the read: decided and cleaned up by another delivery, or deleted by its owner.
            var now = await _store.GetRecordAsync(upload.Name, cancellationToken).ConfigureAwait(false);
            if (now is { Record.Status: not UploadStatus.Pending } decided)
            {
                return await AlreadyDecidedAsync(decided.Record, upload, cancellationToken).ConfigureAwait(false);
            }

            UploadLog.UploadVanished(_logger, upload.Name);
            return new UploadOutcome(UploadDisposition.Vanished, now?.Record);
        }

        var delivery = new UploadDelivery(upload.Name, content.Content, content.ExceedsLimit, content.ContentType, content.ETag.ToString());
        return await DecideLoopAsync(delivery, current, upload, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One delivery whose bytes were read already (tests, and the trigger through the overload above).</summary>
    public async Task<UploadOutcome> ProcessAsync(UploadDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var current = await _store.GetRecordAsync(delivery.Id, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            UploadLog.UploadUnknown(_logger, delivery.Id);
            return new UploadOutcome(UploadDisposition.Unknown, null);
        }

        return await DecideLoopAsync(delivery, current, _store.Uploads.GetBlobClient(delivery.Id), cancellationToken).ConfigureAwait(false);
    }

    private async Task<UploadOutcome> DecideLoopAsync(UploadDelivery delivery, (UploadRecord Record, ETag ETag)? current, BlobClient upload, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxDecideAttempts; attempt++)
        {
            var (record, etag) = current!.Value;
            if (record.Status != UploadStatus.Pending)
            {
                return await AlreadyDecidedAsync(record, upload, cancellationToken).ConfigureAwait(false);
            }

            var verdict = await DecideAsync(delivery, record, cancellationToken).ConfigureAwait(false);
            if (verdict is not null && await _store.TryReplaceRecordAsync(verdict, etag, cancellationToken).ConfigureAwait(false))
            {
                await CleanUpAsync(verdict, upload, cancellationToken).ConfigureAwait(false);
                if (verdict.Status == UploadStatus.Valid)
                {
                    UploadLog.UploadValidated(_logger, verdict.Id, verdict.MediaType, verdict.Width, verdict.Height, verdict.Bytes);
                }
                else
                {
                    UploadLog.UploadRejected(_logger, verdict.Id, verdict.Error?.Code);
                }

                return new UploadOutcome(UploadDisposition.Decided, verdict);
            }

            // Another delivery wrote first (or is about to); read what it decided.
            current = await _store.GetRecordAsync(delivery.Id, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Upload record {delivery.Id} disappeared while it was being decided.");
        }

        throw new InvalidOperationException($"Upload record {delivery.Id} kept changing; giving up after {MaxDecideAttempts} attempts.");
    }

    private async Task<UploadOutcome> AlreadyDecidedAsync(UploadRecord record, BlobClient upload, CancellationToken cancellationToken)
    {
        await CleanUpAsync(record, upload, cancellationToken).ConfigureAwait(false);
        UploadLog.UploadAlreadyDecided(_logger, record.Id, record.Status);
        return new UploadOutcome(UploadDisposition.AlreadyDecided, record);
    }

    /// <summary>Treats a missing or generic Content-Type as "nothing declared": it makes no claim to compare.</summary>
    internal static string? DeclaredType(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType) ||
        contentType.Trim().StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase)
            ? null
            : contentType.Trim();

    /// <summary>The verdict for this delivery's bytes, or null when concurrent deliveries leave no stable image to decide on.</summary>
    private async Task<UploadRecord?> DecideAsync(UploadDelivery delivery, UploadRecord pending, CancellationToken cancellationToken)
    {
        var decided = pending with
        {
            DecidedAt = _timeProvider.GetUtcNow(),
            DeclaredContentType = delivery.ContentType,
            SourceEtag = delivery.SourceETag,
        };
        if (delivery.ExceedsLimit)
        {
            return Rejected(decided, ValidationErrors.ImageTooLarge(_checks.MaxImageBytes), null, null);
        }

        var content = delivery.Content;
        var check = ImageContentChecker.CheckBytes(content.Span, DeclaredType(delivery.ContentType), _checks);
        if (!check.Succeeded)
        {
            return Rejected(decided, check.Error, check.Bytes, Sha256(content.Span));
        }

        var sha256 = Sha256(content.Span);
        if (!await _store.TryCreateImageAsync(pending.Id, content, check.Info.MediaType, sha256, cancellationToken).ConfigureAwait(false))
        {
            // An earlier or concurrent delivery stored its bytes first; the verdict must describe what is served.
            var stored = await _store.GetImageAsync(pending.Id, _checks.MaxImageBytes, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                // Removed again in between (a concurrent rejection's clean-up): never decide valid without stored bytes.
                if (!await _store.TryCreateImageAsync(pending.Id, content, check.Info.MediaType, sha256, cancellationToken).ConfigureAwait(false))
                {
                    // Concurrent deliveries are storing and cleaning up: one of them is deciding. Read its verdict.
                    return null;
                }
            }
            else if (stored.ExceedsLimit)
            {
                throw new InvalidOperationException($"Stored image {pending.Id} is over the limit.");
            }
            else
            {
                content = stored.Content;
                sha256 = Sha256(content.Span);
                check = ImageContentChecker.CheckBytes(content.Span, null, _checks);
                if (!check.Succeeded)
                {
                    throw new InvalidOperationException($"Stored image {pending.Id} no longer passes validation ({check.Error.Code}).");
                }
            }
        }

        var info = check.Info;
        return decided with
        {
            Status = UploadStatus.Valid,
            MediaType = info.MediaType,
            Bytes = check.Bytes,
            Width = info.Width,
            Height = info.Height,
            Frames = info.FrameCount,
            Animated = info.IsAnimated,
            Sha256 = sha256,
        };
    }

    private static UploadRecord Rejected(UploadRecord decided, ValidationError error, long? bytes, string? sha256) => decided with
    {
        Status = UploadStatus.Rejected,
        Error = new UploadError(error.Message, ErrorEnvelope.SnakeCase(error.Code)),
        Bytes = bytes,
        Sha256 = sha256,
    };

    private async Task CleanUpAsync(UploadRecord verdict, BlobClient upload, CancellationToken cancellationToken)
    {
        await _store.DeleteUploadAsync(upload, cancellationToken).ConfigureAwait(false);
        if (verdict.Status == UploadStatus.Rejected)
        {
            // A delivery that lost the race may have stored bytes; a rejected upload never keeps any.
            await _store.DeleteImageAsync(verdict.Id, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Sha256(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
