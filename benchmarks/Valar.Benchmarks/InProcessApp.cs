using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Valar.Functions.Catalog;
using Valar.Functions.Configuration;
using Valar.Functions.Surfaces;

namespace Valar.Benchmarks;

/// <summary>
/// The app's function classes and services on a plain Kestrel at 127.0.0.1, with no Functions host and no worker in
/// between: the in-process figures (the same body reader, validator and writers the functions run). Benchmarks and the
/// load test only; the app itself runs as an isolated worker.
/// </summary>
internal static class InProcessApp
{
    /// <param name="settings">Configuration over appsettings.json.</param>
    /// <param name="contentRoot">Where appsettings.json is read from; the current directory unless given.</param>
    /// <param name="configure">Further changes before the app's own registrations (e.g. a logging provider).</param>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> settings, string? contentRoot = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = contentRoot });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        configure?.Invoke(builder);
        builder.Services.AddValar(builder.Configuration);
        builder.Services.AddSingleton<ChatCompletionsFunction>();
        builder.Services.AddSingleton<ResponsesFunction>();
        builder.Services.AddSingleton<MessagesFunction>();
        builder.Services.AddSingleton<ModelsFunction>();
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", (HttpContext context, ChatCompletionsFunction function) => function.RunAsync(context.Request, context.RequestAborted));
        app.MapPost("/v1/responses", (HttpContext context, ResponsesFunction function) => function.RunAsync(context.Request, context.RequestAborted));
        app.MapPost("/v1/messages", (HttpContext context, MessagesFunction function) => function.RunAsync(context.Request, context.RequestAborted));
        app.MapGet("/v1/models", (HttpContext context, ModelsFunction function) => function.RunAsync(context.Request, context.RequestAborted));
        app.MapGet("/healthz", (HttpContext context) => new HealthFunction().Run(context.Request, context.RequestAborted));
        return app;
    }
}
