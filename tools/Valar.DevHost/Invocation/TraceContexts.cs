using System.Diagnostics;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;

namespace Valar.DevHost.Invocation;

/// <summary>The <c>trace_context</c> every invocation must carry (the worker fails one without it).</summary>
public static class TraceContexts
{
    public static RpcTraceContext NewContext()
    {
        var current = Activity.Current;
        var traceParent = current?.Id is { } id && current.IdFormat == ActivityIdFormat.W3C
            ? id
            : $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-00";
        return new RpcTraceContext
        {
            TraceParent = traceParent,
            TraceState = current?.TraceStateString ?? string.Empty,
        };
    }
}
