using System.Diagnostics;
using System.Text.Json.Nodes;
using HostingExtensions = Microsoft.Extensions.Hosting.Extensions;

namespace Subsidy.UnitTests.Deployment;

/// <summary>
/// deploy/k8s, rendered as a city would apply it (kubectl kustomize), validated against the
/// Kubernetes schemas (deploy/k8s/validate, kubernetes-models on Node) and compared with the
/// AppHost's own model (its Aspire manifest): every project the AppHost runs has a Deployment, and
/// every setting it passes is supplied. kubectl and node come from scripts/setup.sh; the AppHost
/// from the solution's build (./test.sh builds it first).
/// </summary>
public class KubernetesManifestTests
{
    public static readonly TheoryData<string> Overlays = new() { "county", "city-ha" };

    private static readonly string[] Services =
    [
        "gateway",
        "portal",
        "identity",
        "scheme-registry",
        "contribution-import",
        "calculation",
        "document",
    ];
    private static readonly string[] DataServices =
    [
        "identity",
        "scheme-registry",
        "contribution-import",
        "calculation",
        "document",
    ];
    private static readonly string[] Autoscaled =
    [
        "contribution-import",
        "calculation",
        "document",
    ];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Each_overlay_renders_and_every_object_is_valid_against_the_Kubernetes_schemas(
        string overlay
    )
    {
        var objects = Render(overlay);
        Assert.Equal(Services.Order(), Of(objects, "Deployment").Select(Name).Order());
        Assert.Equal(Services.Order(), Of(objects, "Service").Select(Name).Order());
        Assert.DoesNotContain(objects, o =>
            Name(o).Contains("tax-bureau", StringComparison.Ordinal)
        );
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_project_the_AppHost_runs_has_a_Deployment_supplied_with_every_setting_the_AppHost_passes(
        string overlay
    )
    {
        var objects = Render(overlay);
        var projects = AspireManifest()["resources"]!
            .AsObject()
            .Where(r => (string?)r.Value!["type"] == "project.v0")
            .ToList();
        Assert.NotEmpty(projects);
        var missing = new List<string>();
        foreach (var (project, resource) in projects)
        {
            if (
                Of(objects, "Deployment").FirstOrDefault(d => Name(d) == project)
                is not { } deployment
            )
            {
                missing.Add($"{project}: no Deployment");
                continue;
            }
            var supplied = Settings(objects, deployment);
            foreach (var (setting, value) in Entries(resource!["env"]))
            {
                if (!supplied.TryGetValue(setting, out var given))
                {
                    missing.Add($"{project}: {setting}");
                    continue;
                }
                // A reference to another project ("{calculation.bindings.http.url}") is that
                // project's Service.
                if (
                    (string?)value is { } text
                    && text.EndsWith(".bindings.http.url}", StringComparison.Ordinal)
                )
                {
                    var target = text[1..text.IndexOf('.')];
                    if (given != $"http://{target}:8080")
                        missing.Add($"{project}: {setting} is '{given}', not http://{target}:8080");
                    if (!Of(objects, "Service").Any(s => Name(s) == target))
                        missing.Add($"{project}: {setting} names {target}, which has no Service");
                }
            }
        }
        Assert.True(
            missing.Count == 0,
            $"{overlay}: settings the AppHost passes that the manifests do not supply:{Environment.NewLine}{string.Join(Environment.NewLine, missing)}"
        );
    }

    [Fact]
    public void City_ha_runs_every_service_at_least_twice_scales_the_busy_three_and_budgets_disruptions()
    {
        var objects = Render("city-ha");
        foreach (var deployment in Of(objects, "Deployment"))
            Assert.True(
                (int)deployment["spec"]!["replicas"]! >= 2,
                $"{Name(deployment)} runs once"
            );
        var autoscalers = Of(objects, "HorizontalPodAutoscaler").ToList();
        Assert.Equal(
            Autoscaled.Order(),
            autoscalers.Select(h => (string)h["spec"]!["scaleTargetRef"]!["name"]!).Order()
        );
        Assert.All(autoscalers, h =>
            Assert.True(
                (int)h["spec"]!["minReplicas"]! >= 2
                    && (int)h["spec"]!["maxReplicas"]! > (int)h["spec"]!["minReplicas"]!
            )
        );
        var budgets = Of(objects, "PodDisruptionBudget").ToList();
        foreach (var service in Services)
        {
            Assert.Contains(budgets, b =>
                (string?)b["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/name"]
                    == service
                && (int?)b["spec"]!["minAvailable"] >= 1
            );
        }

        var county = Render("county");
        Assert.All(Of(county, "Deployment"), d => Assert.Equal(1, (int)d["spec"]!["replicas"]!));
        Assert.Empty(Of(county, "HorizontalPodAutoscaler"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_pod_runs_non_root_on_a_read_only_root_without_capabilities_or_a_service_account_token(
        string overlay
    )
    {
        foreach (var deployment in Of(Render(overlay), "Deployment"))
        {
            var pod = deployment["spec"]!["template"]!["spec"]!;
            var name = Name(deployment);
            Assert.True(
                (bool?)pod["automountServiceAccountToken"] == false,
                $"{name} mounts a service-account token"
            );
            Assert.True(
                (bool?)pod["securityContext"]?["runAsNonRoot"] == true,
                $"{name} may run as root"
            );
            Assert.True(
                (long?)pod["securityContext"]?["runAsUser"] > 0,
                $"{name} has no non-root uid"
            );
            foreach (var container in pod["containers"]!.AsArray())
            {
                var security = container!["securityContext"]!;
                Assert.True(
                    (bool?)security["readOnlyRootFilesystem"] == true,
                    $"{name}: root filesystem writable"
                );
                Assert.True(
                    (bool?)security["allowPrivilegeEscalation"] == false,
                    $"{name}: privilege escalation allowed"
                );
                Assert.Contains(
                    "ALL",
                    security["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c)
                );
                var tmp = container["volumeMounts"]!
                    .AsArray()
                    .Single(m => (string?)m!["mountPath"] == "/tmp")!;
                Assert.Contains(pod["volumes"]!.AsArray(), v =>
                    (string?)v!["name"] == (string?)tmp["name"] && v["emptyDir"] is not null
                );
                var resources = container["resources"]!;
                foreach (var quantity in new[] { "cpu", "memory" })
                    Assert.NotNull(resources["requests"]![quantity]);
                Assert.NotNull(resources["limits"]!["memory"]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Liveness_and_readiness_are_asked_at_separate_paths_and_the_start_allows_for_migrations(
        string overlay
    )
    {
        foreach (var deployment in Of(Render(overlay), "Deployment"))
        {
            var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;
            var name = Name(deployment);
            Assert.Equal(
                HostingExtensions.LivenessEndpointPath,
                (string?)container["livenessProbe"]?["httpGet"]?["path"]
            );
            Assert.Equal(
                HostingExtensions.ReadinessEndpointPath,
                (string?)container["readinessProbe"]?["httpGet"]?["path"]
            );
            var startup = container["startupProbe"]
                ?? throw new Xunit.Sdk.XunitException($"{name} has no startup probe");
            Assert.Equal(
                HostingExtensions.LivenessEndpointPath,
                (string?)startup["httpGet"]?["path"]
            );
            Assert.True(
                (int)startup["periodSeconds"]! * (int)startup["failureThreshold"]! >= 120,
                $"{name}: under two minutes for migrations"
            );
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Network_policies_admit_only_the_ingress_to_the_gateway_the_gateway_to_the_services_and_the_services_to_the_engines(
        string overlay
    )
    {
        var policies = Of(Render(overlay), "NetworkPolicy").ToDictionary(Name);
        var denyAll = policies["default-deny-ingress"]["spec"]!;
        Assert.Empty(denyAll["podSelector"]!.AsObject());
        Assert.Contains("Ingress", denyAll["policyTypes"]!.AsArray().Select(t => (string?)t));
        Assert.Null(denyAll["ingress"]);

        var toGateway = policies["gateway-from-ingress"]["spec"]!;
        Assert.Equal(
            "gateway",
            (string?)toGateway["podSelector"]!["matchLabels"]!["app.kubernetes.io/name"]
        );
        Assert.Contains(toGateway["ingress"]![0]!["from"]!.AsArray(), f =>
            f!["namespaceSelector"] is not null
        );

        var toServices = policies["services-from-gateway"]["spec"]!;
        Assert.Equal(
            Services.Where(s => s != "gateway").Order(),
            toServices["podSelector"]!["matchExpressions"]![0]!["values"]!
                .AsArray()
                .Select(v => (string)v!)
                .Order()
        );
        Assert.Equal(
            "gateway",
            (string?)
                toServices["ingress"]![0]!["from"]![0]!["podSelector"]!["matchLabels"]![
                    "app.kubernetes.io/name"
                ]
        );

        var toPostgres = policies["postgres-from-services"]["spec"]!;
        Assert.Equal(
            DataServices.Order(),
            toPostgres["ingress"]![0]!["from"]![0]!["podSelector"]!["matchExpressions"]![0]![
                "values"
            ]!
                .AsArray()
                .Select(v => (string)v!)
                .Order()
        );
        var toRabbit = policies["rabbitmq-from-services"]["spec"]!;
        Assert.Equal(
            DataServices.Append("gateway").Order(),
            toRabbit["ingress"]![0]!["from"]![0]!["podSelector"]!["matchExpressions"]![0]![
                "values"
            ]!
                .AsArray()
                .Select(v => (string)v!)
                .Order()
        );
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_ingress_serves_the_gateway_over_TLS_from_a_secret_at_the_address_the_tokens_name(
        string overlay
    )
    {
        var objects = Render(overlay);
        var ingress = Assert.Single(Of(objects, "Ingress"));
        var tls = Assert.Single(ingress["spec"]!["tls"]!.AsArray())!;
        Assert.False(string.IsNullOrEmpty((string?)tls["secretName"]));
        var host = (string)ingress["spec"]!["rules"]![0]!["host"]!;
        Assert.Equal(host, (string?)tls["hosts"]![0]);
        Assert.Equal(
            "gateway",
            (string?)
                ingress["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["backend"]!["service"]![
                    "name"
                ]
        );
        foreach (var deployment in Of(objects, "Deployment").Where(d => Name(d) != "portal"))
        {
            Assert.Equal($"https://{host}/", Settings(objects, deployment)["Auth__Authority"]);
        }
        Assert.Equal(
            $"https://{host}/",
            Settings(objects, Of(objects, "Deployment").Single(d => Name(d) == "identity"))[
                "Identity__Issuer"
            ]
        );
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Connection_strings_and_the_data_key_wrapping_key_come_from_secrets_and_nothing_secret_from_a_config_map(
        string overlay
    )
    {
        var objects = Render(overlay);
        foreach (var deployment in Of(objects, "Deployment"))
        {
            var env = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!
                ["env"]
                ?.AsArray()
                .Select(e => e!)
                .ToList()
                ?? [];
            foreach (
                var variable in env.Where(e =>
                    ((string)e["name"]!).StartsWith("ConnectionStrings__", StringComparison.Ordinal)
                )
            )
            {
                Assert.NotNull(variable["valueFrom"]?["secretKeyRef"]);
            }
            if (DataServices.Contains(Name(deployment)))
            {
                // The key-encryption key is a file from the Secret subsidy-keys, read-only.
                var file = (string)
                    env.Single(e => (string?)e["name"] == "PersonalData__KeyFile")["value"]!;
                var pod = deployment["spec"]!["template"]!["spec"]!;
                var mount = pod["containers"]![0]!["volumeMounts"]!
                    .AsArray()
                    .Single(m =>
                        file.StartsWith((string)m!["mountPath"]! + "/", StringComparison.Ordinal)
                    )!;
                Assert.True((bool?)mount["readOnly"]);
                var secret = pod["volumes"]!
                    .AsArray()
                    .Single(v => (string?)v!["name"] == (string?)mount["name"])!["secret"]!;
                Assert.Equal("subsidy-keys", (string?)secret["secretName"]);
                Assert.Contains(secret["items"]!.AsArray(), i =>
                    (string?)i!["key"] == "data-key-wrapping-key"
                    && file.EndsWith("/" + (string?)i["path"], StringComparison.Ordinal)
                );
            }
        }
        foreach (var map in Of(objects, "ConfigMap"))
        {
            foreach (var (key, value) in Entries(map["data"]))
            {
                Assert.False(
                    key.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
                        || ((string?)value ?? "").Contains(
                            "Password=",
                            StringComparison.OrdinalIgnoreCase
                        ),
                    $"{Name(map)} holds {key}"
                );
            }
        }
        Assert.Empty(Of(objects, "Secret"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_identity_service_signs_with_keys_from_a_secret_mounted_read_only_where_it_is_told_to_look(
        string overlay
    )
    {
        var identity = Of(Render(overlay), "Deployment").Single(d => Name(d) == "identity");
        var pod = identity["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        var folder = (string?)
            Items(container["env"]).Single(e => (string?)e!["name"] == "Identity__KeysDirectory")![
                "value"
            ];
        var mount = Items(container["volumeMounts"])
            .Single(m => (string?)m!["mountPath"] == folder)!;
        Assert.True((bool?)mount["readOnly"]);
        var volume = Items(pod["volumes"])
            .Single(v => (string?)v!["name"] == (string?)mount["name"])!;
        Assert.Equal("subsidy-identity-keys", (string?)volume["secret"]!["secretName"]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_engines_are_three_synchronous_PostgreSQL_instances_backed_up_to_object_storage_and_three_RabbitMQ_members_of_quorum_queues(
        string overlay
    )
    {
        var objects = Render(overlay);
        var cluster = Assert.Single(objects, o =>
            (string?)o["apiVersion"] == "postgresql.cnpg.io/v1" && (string?)o["kind"] == "Cluster"
        );
        var spec = cluster["spec"]!;
        Assert.Equal(3, (int)spec["instances"]!);
        Assert.True((int)spec["postgresql"]!["synchronous"]!["number"]! >= 1);
        Assert.StartsWith(
            "s3://",
            (string)spec["backup"]!["barmanObjectStore"]!["destinationPath"]!
        );
        Assert.NotNull(spec["backup"]!["barmanObjectStore"]!["wal"]);
        var backup = Assert.Single(Of(objects, "ScheduledBackup"));
        Assert.Equal(Name(cluster), (string?)backup["spec"]!["cluster"]!["name"]);
        var databases = Of(objects, "Database")
            .Select(d => (string)d["spec"]!["name"]!)
            .Append((string)spec["bootstrap"]!["initdb"]!["database"]!);
        Assert.Equal(
            new[]
            {
                "calculation",
                "contribution_import",
                "document",
                "identity",
                "scheme_registry",
            },
            databases.Order()
        );

        var rabbit = Assert.Single(objects, o =>
            (string?)o["apiVersion"] == "rabbitmq.com/v1beta1"
            && (string?)o["kind"] == "RabbitmqCluster"
        );
        Assert.Equal(3, (int)rabbit["spec"]!["replicas"]!);
        Assert.Contains(
            "default_queue_type = quorum",
            (string)rabbit["spec"]!["rabbitmq"]!["additionalConfig"]!
        );
    }

    // ---- rendering and the AppHost's model ----

    private static readonly Dictionary<string, List<JsonNode>> Rendered = new();

    /// <summary>kubectl kustomize of the overlay, checked by deploy/k8s/validate/validate.mjs, as
    /// JSON objects.</summary>
    private static List<JsonNode> Render(string overlay)
    {
        lock (Rendered)
        {
            if (Rendered.TryGetValue(overlay, out var cached))
                return cached;
            var root = RepositoryRoot.Path;
            var yaml = Run(
                "kubectl",
                ["kustomize", Path.Combine(root, "deploy", "k8s", "overlays", overlay)],
                root
            );
            var validator = Path.Combine(root, "deploy", "k8s", "validate");
            Assert.True(
                Directory.Exists(Path.Combine(validator, "node_modules")),
                "deploy/k8s/validate/node_modules is missing: run scripts/setup.sh (npm ci there)"
            );
            var json = Run(
                "node",
                [Path.Combine(validator, "validate.mjs"), "--json"],
                validator,
                stdin: yaml
            );
            var objects = JsonNode.Parse(json)!.AsArray().Select(o => o!).ToList();
            Rendered[overlay] = objects;
            return objects;
        }
    }

    private static JsonObject? _manifest;

    /// <summary>
    /// The AppHost's Aspire manifest as a city would run it: Production, PostgreSQL and RabbitMQ
    /// given as connection strings (the connection-string infrastructure mode, as in Kubernetes).
    /// </summary>
    private static JsonObject AspireManifest()
    {
        lock (Rendered)
        {
            if (_manifest is not null)
                return _manifest;
            var root = RepositoryRoot.Path;
            var appHost = new[] { "Debug", "Release" }
                .Select(c =>
                    Path.Combine(root, "AppHost", "bin", c, "net10.0", "Subsidy.AppHost.dll")
                )
                .Where(File.Exists)
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault()
                ?? throw new Xunit.Sdk.XunitException(
                    "AppHost/bin/*/net10.0/Subsidy.AppHost.dll is missing: build the AppHost (./test.sh builds the solution first)"
                );
            var output = Path.Combine(
                Path.GetTempPath(),
                $"subsidy-aspire-manifest-{Guid.NewGuid():N}"
            );
            Directory.CreateDirectory(output);
            try
            {
                Run(
                    "dotnet",
                    [
                        appHost,
                        "--publisher",
                        "manifest",
                        "--output-path",
                        Path.Combine(output, "aspire-manifest.json"),
                    ],
                    Path.GetDirectoryName(appHost)!,
                    environment: new()
                    {
                        ["DOTNET_ENVIRONMENT"] = "Production",
                        ["ASPNETCORE_ENVIRONMENT"] = "Production",
                        ["Infrastructure__Mode"] = "connection-strings",
                        ["ConnectionStrings__postgres"] = "Host=postgres",
                        ["ConnectionStrings__rabbitmq"] = "amqp://rabbitmq/",
                        // A port of its own, so a system running here (holding 5080) does not stop
                        // it.
                        ["Gateway__Port"] = "0",
                    }
                );
                return _manifest = JsonNode
                    .Parse(File.ReadAllText(Path.Combine(output, "aspire-manifest.json")))!
                    .AsObject();
            }
            finally
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    /// <summary>The settings a Deployment's container receives: its env, and every key of the
    /// ConfigMaps and Secrets it reads whole.</summary>
    private static Dictionary<string, string?> Settings(List<JsonNode> objects, JsonNode deployment)
    {
        var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var settings = new Dictionary<string, string?>();
        foreach (var source in Items(container["envFrom"]))
        {
            if (source!["configMapRef"]?["name"] is { } mapName)
            {
                var map = Of(objects, "ConfigMap").SingleOrDefault(m => Name(m) == (string)mapName!)
                    ?? throw new Xunit.Sdk.XunitException(
                        $"{Name(deployment)} reads ConfigMap {mapName}, which is not in the manifests"
                    );
                foreach (var (key, value) in Entries(map["data"]))
                    settings[key] = (string?)value;
            }
            else
            {
                throw new Xunit.Sdk.XunitException(
                    $"{Name(deployment)} reads a whole Secret; name each key instead"
                );
            }
        }
        foreach (var variable in Items(container["env"]))
            settings[(string)variable!["name"]!] = (string?)variable["value"];
        return settings;
    }

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Entries(JsonNode? node) =>
        node?.AsObject() ?? Enumerable.Empty<KeyValuePair<string, JsonNode?>>();

    private static IEnumerable<JsonNode?> Items(JsonNode? node) =>
        node?.AsArray() ?? Enumerable.Empty<JsonNode?>();

    private static IEnumerable<JsonNode> Of(List<JsonNode> objects, string kind) =>
        objects.Where(o => (string?)o["kind"] == kind);

    private static string Name(JsonNode o) => (string)o["metadata"]!["name"]!;

    private static string Run(
        string file,
        string[] arguments,
        string directory,
        string? stdin = null,
        Dictionary<string, string>? environment = null
    )
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new())
            start.Environment[name] = value;
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(
                $"{file} {string.Join(' ', arguments)} took over two minutes"
            );
        }
        Assert.True(
            process.ExitCode == 0,
            $"{file} {string.Join(' ', arguments)} exited {process.ExitCode}:{Environment.NewLine}{error.Result}"
        );
        return output.Result;
    }
}
