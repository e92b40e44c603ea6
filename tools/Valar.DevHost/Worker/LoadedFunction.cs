using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Valar.DevHost.Http;

namespace Valar.DevHost.Worker;

/// <summary>A function the worker indexed and loaded, with its HTTP trigger when it has one.</summary>
public sealed record LoadedFunction(string FunctionId, string Name, RpcFunctionMetadata Metadata, HttpTriggerBinding? HttpTrigger);
