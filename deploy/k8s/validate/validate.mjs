// Validates rendered Kubernetes manifests (the output of `kubectl kustomize`, a multi-document YAML stream):
// every object of a built-in kind against the Kubernetes OpenAPI schemas (kubernetes-models), every custom resource
// (CloudNativePG, RabbitMQ cluster operator) for the fields this system relies on, since their schemas are not here.
//   node validate.mjs [file]          read the file (or stdin); print one line per object; exit 1 on any error
//   node validate.mjs --json [file]   the same checks; print the objects as one JSON array (for the tests)
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const args = process.argv.slice(2);
const json = args.includes("--json");
const file = args.find(a => a !== "--json");
const text = readFileSync(file ?? 0, "utf8");

const objects = [];
const errors = [];
for (const doc of parseAllDocuments(text)) {
  if (doc.errors.length) { errors.push(`YAML: ${doc.errors.map(e => e.message).join("; ")}`); continue; }
  const obj = doc.toJS();
  if (obj) objects.push(obj);
}

const has = (obj, path) => path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj) !== undefined;
const required = (obj, paths) => paths.filter(p => !has(obj, p)).map(p => `missing ${p}`);

// Custom resources: the fields the operators need and the tests read (KubernetesManifestTests).
const customResources = {
  "postgresql.cnpg.io/v1/Cluster": o => [
    ...required(o, ["spec.instances", "spec.storage.size", "spec.bootstrap.initdb.database", "spec.bootstrap.initdb.owner",
      "spec.postgresql.synchronous.method", "spec.postgresql.synchronous.number",
      "spec.backup.barmanObjectStore.destinationPath", "spec.backup.barmanObjectStore.s3Credentials.accessKeyId.name",
      "spec.backup.barmanObjectStore.s3Credentials.secretAccessKey.name", "spec.backup.retentionPolicy"]),
    ...(Number.isInteger(o.spec?.instances) ? [] : ["spec.instances must be an integer"]),
    ...(["any", "first"].includes(o.spec?.postgresql?.synchronous?.method) ? [] : ["spec.postgresql.synchronous.method must be any or first"]),
  ],
  "postgresql.cnpg.io/v1/ScheduledBackup": o => [
    ...required(o, ["spec.schedule", "spec.cluster.name"]),
    ...(String(o.spec?.schedule ?? "").trim().split(/\s+/).length === 6 ? [] : ["spec.schedule must have six fields (seconds first)"]),
  ],
  "postgresql.cnpg.io/v1/Database": o => required(o, ["spec.name", "spec.owner", "spec.cluster.name"]),
  "rabbitmq.com/v1beta1/RabbitmqCluster": o => [
    ...required(o, ["spec.replicas", "spec.rabbitmq.additionalConfig"]),
    ...(Number.isInteger(o.spec?.replicas) ? [] : ["spec.replicas must be an integer"]),
  ],
};

for (const obj of objects) {
  const { apiVersion, kind } = obj;
  const name = `${kind ?? "?"}/${obj.metadata?.name ?? "?"}`;
  const problems = [];
  if (!apiVersion || !kind || !obj.metadata?.name) problems.push("apiVersion, kind and metadata.name are required");
  else if (customResources[`${apiVersion}/${kind}`]) problems.push(...customResources[`${apiVersion}/${kind}`](obj));
  else {
    // Built-in kinds: "apps/v1" → kubernetes-models/apps/v1, "v1" → kubernetes-models/v1.
    let model;
    try {
      model = (await import(`kubernetes-models/${apiVersion}`))[kind];
    } catch {
      model = undefined;
    }
    if (!model) problems.push(`no schema for ${apiVersion} ${kind} (neither a built-in kind nor a custom resource this script knows)`);
    else {
      try {
        new model(obj).validate();
      } catch (e) {
        problems.push(e.message);
      }
    }
  }
  if (problems.length) errors.push(`${name}: ${problems.join("; ")}`);
  else if (!json) console.log(`ok ${apiVersion} ${name}`);
}

if (objects.length === 0) errors.push("no objects");
if (json) console.log(JSON.stringify(objects));
for (const e of errors) console.error(`invalid ${e}`);
if (!json) console.log(`${objects.length} objects, ${errors.length} invalid`);
process.exit(errors.length ? 1 : 0);
