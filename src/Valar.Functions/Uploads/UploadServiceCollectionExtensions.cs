using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Azure;
using Valar.Functions.Configuration;
using Valar.Validation;

namespace Valar.Functions.Uploads;

public static class UploadServiceCollectionExtensions
{
    /// <summary>
    /// Registers the upload flow when storage is configured (<c>AzureWebJobsStorage</c>, or its identity-based
    /// <c>__blobServiceUri</c> form); without it the upload endpoints answer 503 and nothing touches storage.
    /// </summary>
    public static IServiceCollection AddUploads(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(UploadOptions.SectionName).Get<UploadOptions>() ?? new UploadOptions();
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<UploadRequests>();
        var storage = configuration.GetSection(StorageSetting);
        if (!IsConfigured(storage))
        {
            services.AddHostedService<UploadsNotConfiguredNotice>();
            return services;
        }

        // The same connection the Functions host and the blob trigger use: a connection string (UseDevelopmentStorage=true
        // locally), or __blobServiceUri with __credential=managedidentity and __clientId in Azure.
        // Empty settings count as unset (local.settings.json lists the identity-based ones empty).
        services.AddAzureClients(clients =>
        {
            var connectionString = storage.Value;
            var clientId = storage["clientId"];
            clients.UseCredential(string.IsNullOrWhiteSpace(clientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId)));
            clients.AddClient<BlobServiceClient, BlobClientOptions>((blobs, credential, _) =>
            {
                blobs.Retry.MaxRetries = 3;
                blobs.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
                return string.IsNullOrWhiteSpace(connectionString)
                    ? new BlobServiceClient(new Uri(storage["blobServiceUri"]!, UriKind.Absolute), credential, blobs)
                    : new BlobServiceClient(connectionString, blobs);
            });
        });
        services.AddSingleton(provider => new UploadStore(provider.GetRequiredService<BlobServiceClient>(), options));
        services.AddSingleton(provider => new UploadProcessor(
            provider.GetRequiredService<UploadStore>(),
            new ImageCheckOptions
            {
                MaxImageBytes = provider.GetRequiredService<ValarOptions>().Defaults.MaxImageBytes,
                Integrity = options.IntegrityLevel,
                MaxDecodePixels = options.MaxDecodePixels,
            },
            provider.GetRequiredService<ILogger<UploadProcessor>>()));
        if (options.CreateContainers)
        {
            services.AddHostedService<UploadContainerInitializer>();
        }

        return services;
    }

    /// <summary>The setting the Functions host itself uses for storage.</summary>
    internal const string StorageSetting = "AzureWebJobsStorage";

    /// <summary>A connection string, or the identity-based form's service URI; empty settings count as unset, as in local.settings.json.</summary>
    internal static bool IsConfigured(IConfigurationSection storage) =>
        !string.IsNullOrWhiteSpace(storage.Value) || !string.IsNullOrWhiteSpace(storage["blobServiceUri"]);
}

/// <summary>Says once, at startup, why the upload endpoints answer 503.</summary>
internal sealed class UploadsNotConfiguredNotice(ILogger<UploadsNotConfiguredNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        UploadLog.UploadsNotConfigured(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Creates the three containers before the app takes requests (Development; Bicep creates them in Azure).</summary>
internal sealed class UploadContainerInitializer(UploadStore store, ILogger<UploadContainerInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.CreateContainersAsync(cancellationToken).ConfigureAwait(false);
            UploadLog.ContainersReady(logger, store.Options.UploadContainer, store.Options.ImageContainer, store.Options.VerdictContainer);
        }
        catch (Exception exception) when (UploadStore.IsStorageFailure(exception))
        {
            // Storage may come up after the app (run.sh starts both); requests then fail with 503 until it does.
            UploadLog.ContainersFailed(logger, exception);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
