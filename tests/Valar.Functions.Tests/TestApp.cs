using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Valar.Functions.Tests;

/// <summary>The app on real Kestrel at 127.0.0.1 on a free port, with test settings over appsettings.json.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private TestApp(WebApplication app, Uri baseUri)
    {
        App = app;
        BaseUri = baseUri;
    }

    public WebApplication App { get; }

    public Uri BaseUri { get; }

    public IServiceProvider Services => App.Services;

    /// <param name="settings">Configuration keys (e.g. <c>Valar:Fetch:AllowedNetworks:0</c>); logging defaults to Warning.</param>
    /// <param name="configure">Further changes, e.g. services registered before the app's own.</param>
    public static async Task<TestApp> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var app = ValarApp.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var values = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                values[key] = value;
            }

            builder.Configuration.AddInMemoryCollection(values);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TestApp(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
