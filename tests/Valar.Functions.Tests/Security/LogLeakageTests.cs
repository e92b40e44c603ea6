using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Valar.Benchmarks;
using Valar.Functions.Tests.Hosting;
using Valar.Testing.Images;

namespace Valar.Functions.Tests.Security;

/// <summary>
/// Logs never carry what a client sent: no URL (and so no SAS signature or query token), no data URI, no base64, no
/// message text quoting them. Checked twice after hostile requests went through: the real worker at Trace behind the
/// local host, which prints the log lines the worker sends it (RpcLog, framework categories from Warning up) and the
/// worker's own output; and the same function classes on Kestrel in this process with a provider that captures every
/// line of every category (ASP.NET Core's included) at Trace.
/// </summary>
public sealed class LogLeakageTests
{
    private const string Secret = "sv=2025-01-05&sig=TOPSECRETSIGNATURE0123456789";

    [Fact]
    public async Task Post_RequestsCarryingSecrets_NoLogLineContainsThem()
    {
        string[] lines;
        var host = await FunctionsHost.StartAsync(new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Trace",
            ["Valar__Fetch__UseDns"] = "false",
            ["Valar__Fetch__Hosts__storage.test__0"] = "10.9.9.9",
        });
        await using (host)
        {
            using var http = host.CreateClient();
            await PostHostileRequestsAsync(http);

            // The worker's logs reach the host over gRPC (RpcLog) and the host prints them: wait for the last refusal.
            for (var i = 0; i < 50 && host.Output.Count(line => line.Contains("Refused", StringComparison.Ordinal)) < 9; i++)
            {
                await Task.Delay(100);
            }

            lines = [.. host.Output];
        }

        AssertNoSecrets(lines);
    }

    [Fact]
    public async Task Post_RequestsCarryingSecrets_InProcessNoLogLineOfAnyCategoryContainsThem()
    {
        var captured = new CapturingLoggerProvider();
        var app = InProcessApp.Build(new Dictionary<string, string?>
        {
            // Every category at Trace, including those appsettings.json quiets.
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace",
            ["Valar:Fetch:UseDns"] = "false",
            ["Valar:Fetch:Hosts:storage.test:0"] = "10.9.9.9",
        },
        contentRoot: AppContext.BaseDirectory,
        configure: builder => builder.Logging.AddProvider(captured));
        await app.StartAsync();
        try
        {
            var baseUri = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseUri };
            await PostHostileRequestsAsync(http);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        AssertNoSecrets([.. captured.Lines]);
    }

    private static void AssertNoSecrets(string[] lines)
    {
        Assert.Contains(lines, line => line.Contains("Refused", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("TOPSECRET", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("sig=", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("base64,", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("iVBORw0KGgo", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("storage.test", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("169.254.169.254", StringComparison.Ordinal));
    }

    private static async Task PostHostileRequestsAsync(HttpClient http)
    {
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
