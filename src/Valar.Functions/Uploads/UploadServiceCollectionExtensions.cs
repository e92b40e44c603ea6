using Azure.Core;
using Azure.Identity;
using Valar.Functions.Configuration;
using Valar.Storage;

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
        var connection = ConnectionFrom(configuration);
        if (connection is null)
        {
            services.AddHostedService<UploadsNotConfiguredNotice>();
            return services;
        }

        services.AddSingleton(_ => new BlobStore(connection));
        services.AddSingleton(provider => new UploadStore(provider.GetRequiredService<BlobStore>(), options));
        services.AddSingleton(provider => new UploadProcessor(
            provider.GetRequiredService<UploadStore>(),
            provider.GetRequiredService<ValarOptions>().Defaults.MaxImageBytes,
            provider.GetRequiredService<ILogger<UploadProcessor>>()));
        if (options.CreateContainers)
        {
            services.AddHostedService<UploadContainerInitializer>();
        }

        if (options.WatchUploads)
        {
            services.AddHostedService<UploadWatcher>();
        }

        return services;
    }

    /// <summary>
    /// The storage the Functions host itself uses: a connection string (<c>UseDevelopmentStorage=true</c> locally), else
    /// <c>AzureWebJobsStorage__blobServiceUri</c> with a managed identity (<c>__clientId</c>) or the default credential
    /// chain. Empty settings count as unset, as in local.settings.json.
    /// </summary>
    internal static StorageConnection? ConnectionFrom(IConfiguration configuration)
    {
        var connectionString = configuration["AzureWebJobsStorage"];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return StorageConnection.Parse(connectionString);
        }

        var serviceUri = configuration["AzureWebJobsStorage:blobServiceUri"];
        if (string.IsNullOrWhiteSpace(serviceUri))
        {
            return null;
        }

        if (!Uri.TryCreate(serviceUri, UriKind.Absolute, out var endpoint))
        {
            throw new InvalidOperationException("Configuration AzureWebJobsStorage__blobServiceUri is not an absolute URL.");
        }

        var clientId = configuration["AzureWebJobsStorage:clientId"];
        TokenCredential credential = string.IsNullOrWhiteSpace(clientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        return StorageConnection.FromTokenCredential(endpoint, credential);
    }
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
        catch (StorageRequestException exception)
        {
            // Storage may come up after the app (run.sh starts both); requests then fail with 503 until it does.
            UploadLog.ContainersFailed(logger, exception);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
