// Validates rendered Kubernetes manifests (a JSON array, argument 1) two ways, and prints one line per problem:
//  1. the object models' JSON schemas (kubernetes-models and its CRD packages: types, enums, required fields);
//  2. TypeScript's excess-property check against the same packages' interfaces, which rejects unknown fields
//     (the schemas alone accept them).
// Exit status 0: every manifest is valid; 1: problems found; 2: bad input.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));

// apiVersion group -> the package that models it.
const PACKAGES = {
  "keda.sh": "@kubernetes-models/keda",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  "gateway.networking.k8s.io": "@kubernetes-models/gateway-api",
  "cert-manager.io": "@kubernetes-models/cert-manager",
};

function modulePath(apiVersion, kind) {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const pkg = PACKAGES[group] ?? "kubernetes-models";
  return `${pkg}/${apiVersion}/${kind}`;
}

const docs = JSON.parse(readFileSync(process.argv[2], "utf8"));
if (!Array.isArray(docs)) {
  console.error("expected a JSON array of manifests");
  process.exit(2);
}
const problems = [];
const name = (d, i) => `#${i} ${d?.kind}/${d?.metadata?.name}`;

// 1. Schemas.
for (const [i, doc] of docs.entries()) {
  if (!doc || typeof doc.apiVersion !== "string" || typeof doc.kind !== "string") {
    problems.push(`${name(doc, i)}: no apiVersion or kind`);
    continue;
  }
  let model;
  try {
    model = await import(modulePath(doc.apiVersion, doc.kind));
  } catch (e) {
    problems.push(`${name(doc, i)}: no model for ${doc.apiVersion} ${doc.kind}`);
    continue;
  }
  try {
    new model[doc.kind](doc).validate();
  } catch (e) {
    problems.push(`${name(doc, i)}: ${e.message.split("\n").join("; ")}`);
  }
}

// 2. Unknown fields: one typed constant per manifest, one per line, checked by the compiler.
const dir = mkdtempSync(join(here, ".check-"));
try {
  const lines = [];
  docs.forEach((doc, i) => {
    if (doc && doc.apiVersion && doc.kind) {
      lines.push(`import type { I${doc.kind} as T${i} } from "${modulePath(doc.apiVersion, doc.kind)}";`);
    }
  });
  const first = lines.length;
  docs.forEach((doc, i) => {
    if (doc && doc.apiVersion && doc.kind) {
      lines.push(`export const m${i}: T${i} = ${JSON.stringify(doc)};`);
    }
  });
  const file = join(dir, "manifests.ts");
  writeFileSync(file, lines.join("\n") + "\n");
  const program = ts.createProgram([file], {
    noEmit: true, strict: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, "; ");
    if (d.file && d.file.fileName === file && d.start !== undefined) {
      const line = d.file.getLineAndCharacterOfPosition(d.start).line;
      const index = line >= first ? Number(/^export const m(\d+)/.exec(lines[line])?.[1]) : -1;
      problems.push(`${index >= 0 ? name(docs[index], index) : "imports"}: ${text}`);
    } else {
      problems.push(`typescript: ${text}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

for (const p of problems) {
  console.log(p);
}
console.log(`${docs.length} manifest(s), ${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);
