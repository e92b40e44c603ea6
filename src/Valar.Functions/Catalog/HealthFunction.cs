using Microsoft.Azure.Functions.Worker;

namespace Valar.Functions.Catalog;

/// <summary><c>GET /healthz</c>: <c>ok</c> as plain text, without a key, for probes.</summary>
public sealed class HealthFunction
{
    [Function("Health")]
    public IResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "healthz")] HttpRequest request,
        CancellationToken cancellationToken) => Results.Text("ok");
}
