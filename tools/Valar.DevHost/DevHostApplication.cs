using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Valar.DevHost.Blobs;
using Valar.DevHost.Configuration;
using Valar.DevHost.Diagnostics;
using Valar.DevHost.Grpc;
using Valar.DevHost.Http;
using Valar.DevHost.Invocation;
using Valar.DevHost.Worker;

namespace Valar.DevHost;

/// <summary>
/// The host: one Kestrel with two endpoints on 127.0.0.1 — the worker's gRPC stream (HTTP/2 only, a free port) and
/// the HTTP front end (<c>--port</c>) — and the supervisor that keeps a worker running behind them.
/// </summary>
public sealed class DevHostApplication : IAsyncDisposable
{
    /// <summary>The stable start of the line printed once every function is loaded (tests wait for it).</summary>
    public const string ReadyLinePrefix = "Valar.DevHost: ";

    private readonly WebApplication _web;
    private readonly DevHostOptions _options;
    private readonly ListenOptions _grpcEndpoint;
    private readonly ListenOptions _httpEndpoint;

    private DevHostApplication(WebApplication web, DevHostOptions options, ListenOptions grpcEndpoint, ListenOptions httpEndpoint)
    {
        _web = web;
        _options = options;
        _grpcEndpoint = grpcEndpoint;
        _httpEndpoint = httpEndpoint;
    }

    public IServiceProvider Services => _web.Services;

    public static DevHostApplication Create(DevHostOptions options, AppFolder app)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(app);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Error);

        ListenOptions? grpcEndpoint = null;
        ListenOptions? httpEndpoint = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // No cap beyond what the app sets: its own Kestrel enforces its limit, as behind the real host.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                grpcEndpoint = listen;
            });
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                httpEndpoint = listen;
            });
        });

        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(app);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<WorkerConnectionRegistry>();
        builder.Services.AddSingleton<WorkerSessionHolder>();
        builder.Services.AddSingleton<WorkerSupervisor>();
        builder.Services.AddSingleton<WorkerHttpClient>();
        builder.Services.AddSingleton<HttpFunctionHandler>();
        builder.Services.AddSingleton<IFunctionInvoker, WorkerFunctionInvoker>();
        builder.Services.AddSingleton<BlobStorageConnections>();
        builder.Services.AddSingleton<BlobTriggerDispatcher>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<BlobTriggerDispatcher>());
        builder.Services.AddHostedService<AzuriteBlobPoller>();
        builder.Services.AddSingleton<BlobWebhookHandler>();

        var web = builder.Build();
        var handler = web.Services.GetRequiredService<HttpFunctionHandler>();
        var webhook = web.Services.GetRequiredService<BlobWebhookHandler>();
        var self = new DevHostApplication(web, options, grpcEndpoint!, httpEndpoint!);

        // Requests on the gRPC endpoint go to routing (the worker stream); the blobs webhook comes before the route
        // table, as in the real host; every other request is a function call.
        web.Use((context, next) =>
            context.Connection.LocalPort == self.GrpcPort ? next(context)
            : context.Request.Path.Equals(BlobWebhookHandler.Path, StringComparison.OrdinalIgnoreCase) ? webhook.HandleAsync(context)
            : handler.HandleAsync(context));
        web.UseRouting();
        web.MapGrpcService<FunctionRpcService>();
        return self;
    }

    /// <summary>The port of the worker stream, once started.</summary>
    public int GrpcPort => _grpcEndpoint.IPEndPoint!.Port;

    /// <summary>The port of the HTTP front end, once started (the real one when <c>--port 0</c>).</summary>
    public int HttpPort => _httpEndpoint.IPEndPoint!.Port;

    public Uri HttpUri => new($"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Starts, runs workers until Ctrl+C/SIGTERM (or <paramref name="cancellationToken"/>), then stops in order.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var logger = _web.Services.GetRequiredService<ILogger<DevHostApplication>>();
        var sessions = _web.Services.GetRequiredService<WorkerSessionHolder>();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => KillWorker(logger, sessions);

        try
        {
            await _web.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            // Expected bad input (a port in use): one line and a non-zero exit, no stack trace.
            await Console.Error.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{ReadyLinePrefix}cannot listen on 127.0.0.1:{_options.Port}: {ex.Message}")).ConfigureAwait(false);
            return 1;
        }

        var lifetime = _web.Services.GetRequiredService<IHostApplicationLifetime>();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping, cancellationToken);
        var supervisor = _web.Services.GetRequiredService<WorkerSupervisor>();
        var grpcUri = new Uri($"http://127.0.0.1:{GrpcPort.ToString(CultureInfo.InvariantCulture)}/");
        try
        {
            await supervisor.RunAsync(grpcUri, (count, first) => AnnounceReady(logger, count, first), stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            KillWorker(logger, sessions);
            // Only after the worker has gone: its stream is one of Kestrel's open requests.
            await _web.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return 0;
    }

    public async ValueTask DisposeAsync() => await _web.DisposeAsync().ConfigureAwait(false);

    private void AnnounceReady(ILogger logger, int count, bool first)
    {
        if (first)
        {
            Console.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{ReadyLinePrefix}{count} functions loaded; listening on {HttpUri.ToString().TrimEnd('/')}"));
            Console.Out.Flush();
        }
        else
        {
            Log.WorkerReloaded(logger, count);
        }
    }

    private static void KillWorker(ILogger logger, WorkerSessionHolder sessions)
    {
        if (sessions.Process is { } process && !process.Exited.IsCompleted)
        {
            Log.HostCrashing(logger, process.Id);
            process.Kill();
        }
    }
}
