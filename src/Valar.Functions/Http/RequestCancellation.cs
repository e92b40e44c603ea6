namespace Valar.Functions.Http;

/// <summary>
/// The token a function works under: the invocation's own token (the host cancels the invocation) joined with the HTTP
/// request's abort (the client went away, so the forwarded request to the worker was torn down).
/// </summary>
public readonly struct RequestCancellation : IDisposable
{
    private readonly CancellationTokenSource? _linked;

    private RequestCancellation(CancellationTokenSource? linked, CancellationToken token)
    {
        _linked = linked;
        Token = token;
    }

    public CancellationToken Token { get; }

    public static RequestCancellation Link(HttpRequest request, CancellationToken invocation)
    {
        var aborted = request.HttpContext.RequestAborted;
        if (!invocation.CanBeCanceled || invocation == aborted)
        {
            return new RequestCancellation(null, aborted);
        }

        if (!aborted.CanBeCanceled)
        {
            return new RequestCancellation(null, invocation);
        }

        var linked = CancellationTokenSource.CreateLinkedTokenSource(invocation, aborted);
        return new RequestCancellation(linked, linked.Token);
    }

    public void Dispose() => _linked?.Dispose();
}
