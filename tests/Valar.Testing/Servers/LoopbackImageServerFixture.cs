using Xunit;

namespace Valar.Testing.Servers;

/// <summary>One <see cref="LoopbackImageServer"/> on 127.0.0.1 shared by a test collection; register unique paths per test.</summary>
public sealed class LoopbackImageServerFixture : IAsyncLifetime
{
    private LoopbackImageServer? _server;

    /// <summary>The running server.</summary>
    public LoopbackImageServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _server = await LoopbackImageServer.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
