using System.Collections.Concurrent;

namespace Valar.DevHost.Worker;

/// <summary>
/// One thread that lives as long as the host and starts every worker process. A worker is started under
/// <c>setpriv --pdeathsig KILL</c>, and Linux sends that signal when the <em>thread</em> that forked it ends: forking
/// from this thread (never from a pool thread, which may retire) ties the worker to the host process itself, so even a
/// host killed with SIGKILL leaves no worker behind.
/// </summary>
public static class LauncherThread
{
    private static readonly BlockingCollection<Action> Work = StartThread();

    public static Task<T> RunAsync<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Add(() =>
        {
            try
            {
                done.TrySetResult(action());
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        });
        return done.Task;
    }

    private static BlockingCollection<Action> StartThread()
    {
        var work = new BlockingCollection<Action>();
        var thread = new Thread(() =>
        {
            foreach (var action in work.GetConsumingEnumerable())
            {
                action();
            }
        })
        {
            IsBackground = true,
            Name = "Valar.DevHost worker launcher",
        };
        thread.Start();
        return work;
    }
}
