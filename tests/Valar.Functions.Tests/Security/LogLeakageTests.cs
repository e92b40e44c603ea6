using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Valar.Testing.Images;
using Valar.Validation.Fetching;

namespace Valar.Functions.Tests.Security;

/// <summary>
/// Logs never carry what a client sent: no URL (and so no SAS signature or query token), no data URI, no base64, no
/// message text quoting them. Every log line of the app, at every level, is captured while hostile requests go through.
/// </summary>
public sealed class LogLeakageTests
{
    private const string Secret = "sv=2025-01-05&sig=TOPSECRETSIGNATURE0123456789";

    [Fact]
    public async Task Post_RequestsCarryingSecrets_NoLogLineContainsThem()
    {
        var captured = new CapturingLoggerProvider();
        var app = ValarApp.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" });
            builder.Logging.AddProvider(captured);
            builder.Services.AddSingleton<IHostResolver>(new TableResolver(new Dictionary<string, IPAddress[]> { ["storage.test"] = [IPAddress.Parse("10.9.9.9")] }));
        });
        await app.StartAsync();
        try
        {
            var baseUri = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            using var http = new HttpClient { BaseAddress = baseUri };
            var png = Convert.ToBase64String(TestImages.Png(9, 9));
            string[] urls =
            [
                $"https://storage.test/uploads/cat.png?{Secret}",
                $"http://169.254.169.254/latest/meta-data/?{Secret}",
                $"data:image/png;base64,{png}",
                $"data:image/gif;base64,{png}",
                $"ftp://user:{Secret}@example.invalid/x.png",
            ];
            foreach (var surface in Surface.All)
            {
                foreach (var url in urls)
                {
                    using var content = new ByteArrayContent(surface.Body("moonshotai/Kimi-K2.6", url));
                    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                    using var response = await http.PostAsync(surface.Path, content);
                    Assert.True((int)response.StatusCode is 200 or 400, $"{surface} {url}: {(int)response.StatusCode}");
                }
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        var lines = captured.Lines.ToArray();
        Assert.Contains(lines, line => line.Contains("Refused", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("TOPSECRET", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("sig=", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("base64,", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("iVBORw0KGgo", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("storage.test", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("169.254.169.254", StringComparison.Ordinal));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, Lines);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)} {exception}");
    }
}
