using Microsoft.Azure.WebJobs.Script.Grpc.Messages;

namespace Valar.DevHost.Invocation;

/// <summary>
/// One invocation of a loaded function, whatever its trigger: HTTP sends no inputs (the request itself travels
/// to the worker's Kestrel); a blob trigger sends one <c>model_binding_data</c> input and its trigger metadata.
/// </summary>
public sealed record FunctionInvocation
{
    public string InvocationId { get; init; } = Guid.NewGuid().ToString();

    public required string FunctionId { get; init; }

    public IReadOnlyList<ParameterBinding> InputData { get; init; } = [];

    public IReadOnlyDictionary<string, TypedData> TriggerMetadata { get; init; } = new Dictionary<string, TypedData>();

    public InvocationRequest ToRequest()
    {
        var request = new InvocationRequest
        {
            InvocationId = InvocationId,
            FunctionId = FunctionId,
            TraceContext = TraceContexts.NewContext(),
        };
        request.InputData.AddRange(InputData);
        foreach (var (name, value) in TriggerMetadata)
        {
            request.TriggerMetadata[name] = value;
        }

        return request;
    }
}
