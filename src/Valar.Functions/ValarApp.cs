using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Valar.Functions.Configuration;
using Valar.Functions.Http;
using Valar.Functions.Uploads;
using Valar.Validation;
using Valar.Validation.Fetching;
using Valar.Validation.Models;
using Valar.Validation.Requests;

namespace Valar.Functions;

/// <summary>
/// Builds the app. The same binary runs under <c>dotnet run</c> and as an Azure Functions custom handler, where the
/// host sets <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> and forwards requests to it (DESIGN §7).
/// </summary>
public static class ValarApp
{
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <param name="args">Command-line arguments.</param>
    /// <param name="configure">Runs first, so tests can add configuration and services (the app's own registrations do not replace an <see cref="IHostResolver"/>).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder);
        var port = builder.Configuration[CustomHandlerPortVariable];
        if (!string.IsNullOrEmpty(port))
        {
            // The Functions host talks to its handler over loopback only.
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }

        var options = builder.Configuration.GetSection(ValarOptions.SectionName).Get<ValarOptions>() ?? new ValarOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.ToModelCatalog());
        builder.Services.AddSingleton(options.ToFetchOptions());
        builder.Services.TryAddSingleton<IHostResolver, SystemHostResolver>();
        builder.Services.AddSingleton(services => new ImageFetcher(services.GetRequiredService<FetchOptions>(), services.GetRequiredService<IHostResolver>()));
        builder.Services.AddSingleton<RequestValidator>();
        builder.Services.AddSingleton(new BodyBufferBudget(options.MaxBufferedBodyBytes));
        builder.Services.AddSingleton<RequestBodyReader>();
        builder.Services.AddUploads(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });

        var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteUnhandledErrorAsync, SuppressDiagnosticsCallback = _ => true });
        app.MapValidationEndpoints();
        app.MapModelsEndpoints();
        app.MapUploadEndpoints();
        app.Lifetime.ApplicationStarted.Register(() =>
            Log.Listening(app.Logger, string.IsNullOrEmpty(port) ? "standalone app" : "Functions custom handler", string.IsNullOrEmpty(port) ? string.Join(", ", app.Urls) : port));
        return app;
    }

    private static async Task WriteUnhandledErrorAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ValarApp));
        if (exception is not null)
        {
            Log.Unhandled(logger, exception, context.Request.Path);
        }

        var surface = context.Request.Path.StartsWithSegments("/v1/messages") ? ApiSurface.Messages : ApiSurface.ChatCompletions;
        await ErrorEnvelope.WriteAsync(context.Response, surface, StatusCodes.Status500InternalServerError, "internal error", null, "internal_error").ConfigureAwait(false);
    }
}
