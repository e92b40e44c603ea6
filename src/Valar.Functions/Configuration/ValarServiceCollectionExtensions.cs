using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Valar.Functions.Catalog;
using Valar.Functions.Forwarding;
using Valar.Functions.Http;
using Valar.Functions.Surfaces;
using Valar.Functions.Uploads;
using Valar.Validation;
using Valar.Validation.Fetching;

namespace Valar.Functions.Configuration;

public static class ValarServiceCollectionExtensions
{
    /// <summary>
    /// Registers everything the functions use, from the <c>Valar</c> section and <c>AzureWebJobsStorage</c>: the model
    /// catalog, the fetcher and its resolver, the validator, the body reader and its memory budget, the upload flow,
    /// and the worker's Kestrel limits (bodies up to <see cref="ValarOptions.MaxRequestBodyBytes"/>).
    /// </summary>
    public static ValarOptions AddValar(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(ValarOptions.SectionName).Get<ValarOptions>() ?? new ValarOptions();
        services.AddSingleton(options);
        services.AddSingleton(options.ToModelCatalog());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options.ToFetchOptions());
        services.TryAddSingleton<IHostResolver>(_ => ConfiguredHostResolver.From(options.Fetch) ?? (IHostResolver)new SystemHostResolver());
        services.AddSingleton(provider => new ImageFetcher(
            provider.GetRequiredService<FetchOptions>(), provider.GetRequiredService<IHostResolver>(), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<RequestValidator>();
        services.AddSingleton(provider => new BodyBufferBudget(options.MaxBufferedBodyBytes, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<RequestBodyReader>();
        services.AddSingleton(UpstreamCatalog.From(options, configuration));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new UpstreamForwarder(
            new HttpMessageInvoker(UpstreamHandler.Create(options)),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<UpstreamForwarder>>()));
        services.AddSingleton<SurfaceValidator>();
        services.AddSingleton<ModelList>();
        services.AddUploads(configuration);
        services.Configure<KestrelServerOptions>(kestrel =>
        {
            // The worker's own Kestrel (the host forwards each request to it): its default limit is 30 MB.
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });
        return options;
    }
}
