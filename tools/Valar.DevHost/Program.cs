using Valar.DevHost;
using Valar.DevHost.Configuration;

if (!DevHostCommandLine.TryParse(args, out var options, out var error))
{
    Console.Error.WriteLine("Valar.DevHost: " + error);
    Console.Error.WriteLine(DevHostCommandLine.Usage);
    return 2;
}

if (!AppFolder.TryLoad(options!, out var app, out error))
{
    Console.Error.WriteLine("Valar.DevHost: " + error);
    return 2;
}

await using var host = DevHostApplication.Create(options!, app!);
return await host.RunAsync();
