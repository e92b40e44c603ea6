using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Valar.DevHost.Grpc;
using Valar.DevHost.Worker;

namespace Valar.DevHost.Invocation;

/// <summary>Invokes functions on whichever worker is ready now.</summary>
public sealed class WorkerFunctionInvoker : IFunctionInvoker
{
    private readonly WorkerSessionHolder _sessions;

    public WorkerFunctionInvoker(WorkerSessionHolder sessions) => _sessions = sessions;

    public Task<InvocationResponse> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var session = _sessions.Current ?? throw new WorkerUnavailableException("No worker is ready.");
        return session.InvokeAsync(invocation.ToRequest(), cancellationToken);
    }
}
