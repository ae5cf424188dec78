// Lints a Dockerfile (argument 1) with dockerfile-utils, the validator behind the Dockerfile language server,
// and prints one line per problem: "LINE:COLUMN SEVERITY MESSAGE". Exit status 0 when it found nothing.
import { readFileSync } from "node:fs";
import { validate } from "dockerfile-utils";

const content = readFileSync(process.argv[2], "utf8");
const problems = validate(content, {
  // Every check on, at the error level where the library lets us choose.
  deprecatedMaintainer: 1, directiveCasing: 1, emptyContinuationLine: 1, instructionCasing: 1,
  instructionCmdMultiple: 1, instructionEntrypointMultiple: 1, instructionHealthcheckMultiple: 1,
  instructionJSONInSingleQuotes: 1, instructionWorkdirRelative: 1,
});
for (const p of problems) {
  console.log(`${p.range.start.line + 1}:${p.range.start.character + 1} ${p.severity === 1 ? "error" : "warning"} ${p.message}`);
}
console.log(`${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);
