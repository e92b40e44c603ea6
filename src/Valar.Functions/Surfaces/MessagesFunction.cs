using Microsoft.Azure.Functions.Worker;
using Valar.Functions.Http;
using Valar.Validation.Requests;

namespace Valar.Functions.Surfaces;

/// <summary><c>POST /v1/messages</c>: an Anthropic Messages request, validated and answered with a report or an Anthropic error.</summary>
public sealed class MessagesFunction(SurfaceValidator validator)
{
    [Function("Messages")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/messages")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        using var cancellation = RequestCancellation.Link(request, cancellationToken);
        await validator.ValidateAsync(request, ApiSurface.Messages, cancellation.Token).ConfigureAwait(false);
        return Results.Empty;
    }
}
