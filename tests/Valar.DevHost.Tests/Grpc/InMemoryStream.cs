using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;

namespace Valar.DevHost.Tests.Grpc;

/// <summary>Both halves of an <c>EventStream</c> in memory: what the "worker" sends, and what the host wrote.</summary>
public sealed class InMemoryStream
{
    private readonly Channel<StreamingMessage> _fromWorker = Channel.CreateUnbounded<StreamingMessage>();
    private readonly Channel<StreamingMessage> _toWorker = Channel.CreateUnbounded<StreamingMessage>();

    public IAsyncStreamReader<StreamingMessage> Requests => new Reader(_fromWorker.Reader);

    public IServerStreamWriter<StreamingMessage> Responses => new Writer(_toWorker.Writer);

    public void Send(StreamingMessage message) => _fromWorker.Writer.TryWrite(message);

    public void HangUp() => _fromWorker.Writer.TryComplete();

    /// <summary>The next message the host wrote (bounded wait).</summary>
    public async Task<StreamingMessage> ReceiveAsync() =>
        await _toWorker.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));

    private sealed class Reader(ChannelReader<StreamingMessage> reader) : IAsyncStreamReader<StreamingMessage>
    {
        public StreamingMessage Current { get; private set; } = null!;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await reader.WaitToReadAsync(cancellationToken))
            {
                return false;
            }

            Current = await reader.ReadAsync(cancellationToken);
            return true;
        }
    }

    private sealed class Writer(ChannelWriter<StreamingMessage> writer) : IServerStreamWriter<StreamingMessage>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(StreamingMessage message) => writer.WriteAsync(message).AsTask();
    }
}
