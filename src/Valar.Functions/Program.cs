using Valar.Functions;

var app = ValarApp.Build(args);
await app.RunAsync().ConfigureAwait(false);
