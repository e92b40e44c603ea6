namespace Valar.DevHost.Grpc;

/// <summary>
/// The worker went away (its stream closed or its process exited) or never came: broken infrastructure,
/// caught by the supervisor (restart) and by the HTTP front end (502/503).
/// </summary>
public sealed class WorkerUnavailableException : Exception
{
    public WorkerUnavailableException()
    {
    }

    public WorkerUnavailableException(string message)
        : base(message)
    {
    }

    public WorkerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
