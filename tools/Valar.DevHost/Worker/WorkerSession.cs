using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Valar.DevHost.Grpc;
using Valar.DevHost.Http;

namespace Valar.DevHost.Worker;

/// <summary>A worker that finished its handshake: its stream, its own HTTP address and its loaded functions.</summary>
public sealed class WorkerSession
{
    private readonly Dictionary<string, LoadedFunction> _byName;

    public WorkerSession(WorkerConnection connection, Uri? httpUri, IReadOnlyList<LoadedFunction> functions, HttpRouteTable routes)
    {
        ArgumentNullException.ThrowIfNull(functions);
        Connection = connection;
        HttpUri = httpUri;
        Functions = functions;
        Routes = routes;
        _byName = functions.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
    }

    public WorkerConnection Connection { get; }

    /// <summary>The worker's own Kestrel (capability <c>HttpUri</c>); null when the app does not use the ASP.NET Core integration.</summary>
    public Uri? HttpUri { get; }

    public IReadOnlyList<LoadedFunction> Functions { get; }

    public HttpRouteTable Routes { get; }

    public bool TryGetFunction(string name, out LoadedFunction? function) => _byName.TryGetValue(name, out function);

    public Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken = default) =>
        Connection.InvokeAsync(request, cancellationToken);
}
