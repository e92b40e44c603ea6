using Microsoft.Azure.WebJobs.Script.Grpc.Messages;

namespace Valar.DevHost.Invocation;

/// <summary>
/// Runs one function on the current worker and returns its <c>InvocationResponse</c>. The seam for triggers that
/// are not HTTP (the blob webhook calls it with a <c>model_binding_data</c> input); cancelling the token sends
/// <c>InvocationCancel</c>.
/// </summary>
public interface IFunctionInvoker
{
    /// <exception cref="Grpc.WorkerUnavailableException">No worker is ready, or it went away before it answered.</exception>
    Task<InvocationResponse> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default);
}
