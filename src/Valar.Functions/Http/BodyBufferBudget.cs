namespace Valar.Functions.Http;

/// <summary>
/// Caps the request-body bytes held in memory across concurrent requests. A request reserves its body size
/// before buffering it and waits, first come first served, while the budget is spent. This is what keeps
/// memory bounded: at most the budget in bodies, whatever the number of clients.
/// </summary>
public sealed class BodyBufferBudget
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _waiters = [];
    private readonly TimeProvider _timeProvider;
    private long _inUse;

    /// <param name="capacityBytes">The most body bytes held at once.</param>
    /// <param name="timeProvider">The clock a reservation's wait runs on (default: <see cref="TimeProvider.System"/>).</param>
    public BodyBufferBudget(long capacityBytes, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacityBytes);
        CapacityBytes = capacityBytes;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public long CapacityBytes { get; }

    public long InUseBytes
    {
        get
        {
            lock (_gate)
            {
                return _inUse;
            }
        }
    }

    /// <summary>
    /// Reserves <paramref name="bytes"/> (a request bigger than the whole budget reserves all of it).
    /// Returns false when the reservation could not be made within <paramref name="wait"/>.
    /// </summary>
    public async Task<bool> TryReserveAsync(long bytes, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        bytes = Math.Clamp(bytes, 0, CapacityBytes);
        Waiter waiter;
        lock (_gate)
        {
            if (_waiters.Count == 0 && _inUse + bytes <= CapacityBytes)
            {
                _inUse += bytes;
                return true;
            }

            waiter = new Waiter(bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }

        try
        {
            await waiter.Granted.Task.WaitAsync(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            Abandon(waiter);
            return false;
        }
        catch (OperationCanceledException)
        {
            Abandon(waiter);
            throw;
        }
    }

    public void Release(long bytes)
    {
        bytes = Math.Clamp(bytes, 0, CapacityBytes);
        lock (_gate)
        {
            _inUse -= bytes;
            GrantWaiters();
        }
    }

    private void Abandon(Waiter waiter)
    {
        lock (_gate)
        {
            if (waiter.Node!.List is not null)
            {
                _waiters.Remove(waiter.Node);
                GrantWaiters();
                return;
            }
        }

        // Granted just as the wait ended: give the bytes back.
        Release(waiter.Bytes);
    }

    private void GrantWaiters()
    {
        while (_waiters.First is { } first && _inUse + first.Value.Bytes <= CapacityBytes)
        {
            _waiters.RemoveFirst();
            _inUse += first.Value.Bytes;
            first.Value.Granted.TrySetResult();
        }
    }

    private sealed class Waiter(long bytes)
    {
        public long Bytes { get; } = bytes;

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}
