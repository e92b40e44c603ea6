namespace Valar.Testing.Servers;

/// <summary>What a <see cref="LoopbackImageServer"/> saw of one request.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Request path (for a proxy-style absolute-form target, its path part).</param>
/// <param name="Host">Host header.</param>
/// <param name="UserAgent">User-Agent header, if any.</param>
/// <param name="Accept">Accept header, if any.</param>
public sealed record LoopbackRequest(string Method, string Path, string? Host, string? UserAgent, string? Accept);
