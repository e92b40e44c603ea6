using Microsoft.Azure.Functions.Worker;
using Valar.Functions.Http;
using Valar.Validation.Requests;

namespace Valar.Functions.Surfaces;

/// <summary><c>POST /v1/responses</c>: an OpenAI Responses request, validated and answered with a report or an OpenAI error.</summary>
public sealed class ResponsesFunction(SurfaceValidator validator)
{
    [Function("Responses")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/responses")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        using var cancellation = RequestCancellation.Link(request, cancellationToken);
        await validator.ValidateAsync(request, ApiSurface.Responses, cancellation.Token).ConfigureAwait(false);
        return Results.Empty;
    }
}
