namespace Valar.DevHost.Worker;

/// <summary>The worker that serves requests right now, if any (none while it starts or restarts).</summary>
public sealed class WorkerSessionHolder
{
    private volatile WorkerSession? _current;
    private volatile WorkerProcess? _process;

    public WorkerSession? Current => _current;

    /// <summary>The live worker process, ready or not: killed on an unexpected host exit.</summary>
    public WorkerProcess? Process => _process;

    public void Publish(WorkerSession session) => _current = session;

    public void Clear() => _current = null;

    public void Track(WorkerProcess? process) => _process = process;
}
