using Microsoft.Azure.Functions.Worker;
using Valar.Functions.Http;

namespace Valar.Functions.Catalog;

/// <summary><c>GET /v1/models</c>: the configured models, as the OpenAI SDK's model client reads them.</summary>
public sealed class ModelsFunction(ModelList models)
{
    [Function("Models")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/models")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        using var cancellation = RequestCancellation.Link(request, cancellationToken);
        await models.WriteAsync(request.HttpContext.Response, cancellation.Token).ConfigureAwait(false);
        return Results.Empty;
    }
}
