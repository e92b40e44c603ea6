using Microsoft.Azure.Functions.Worker.Builder;
using Valar.Functions.Configuration;
using Valar.Functions.Diagnostics;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<UnhandledErrorMiddleware>();
builder.Services.AddValar(builder.Configuration);
await builder.Build().RunAsync().ConfigureAwait(false);
