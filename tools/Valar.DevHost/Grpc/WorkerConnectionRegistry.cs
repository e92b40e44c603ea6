using System.Collections.Concurrent;

namespace Valar.DevHost.Grpc;

/// <summary>Hands each worker's stream to whoever launched that worker, matched by the worker id of <c>StartStream</c>.</summary>
public sealed class WorkerConnectionRegistry
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<WorkerConnection>> _expected = new(StringComparer.Ordinal);

    /// <summary>Announces a worker about to be launched; the task completes when its stream opens.</summary>
    public Task<WorkerConnection> Expect(string workerId)
    {
        var connected = new TaskCompletionSource<WorkerConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        _expected[workerId] = connected;
        return connected.Task;
    }

    public void Forget(string workerId) => _expected.TryRemove(workerId, out _);

    /// <summary>False for a worker id nobody launched (the stream is then refused).</summary>
    public bool TryAccept(WorkerConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return _expected.TryRemove(connection.WorkerId, out var connected) && connected.TrySetResult(connection);
    }
}
