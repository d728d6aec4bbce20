// Bundle src/editor.js into lms/static/studio-editor/editor.js and collect the licences of
// every bundled package next to it. Run `make editor-asset` (or `npm ci && npm run build`).
import { build } from "esbuild";
import { readFileSync, writeFileSync, mkdirSync, readdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "lms", "static", "studio-editor");
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: [join(here, "src", "editor.js")],
  bundle: true, minify: true, format: "iife", target: ["es2019"],
  outfile: join(out, "editor.js"), legalComments: "none", metafile: true,
  banner: { js: "/* ATLAS studio editor: CodeMirror 6 (MIT) and Lezer (MIT); licences in LICENSES.txt */" },
});

// every package that ended up in the bundle, with its version and licence text
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match) { packages.set(match[1], join(here, "node_modules", match[1])); }
}
const parts = [
  "Third-party software in editor.js (bundled by frontend/editor/build.mjs)\n",
];
for (const [name, folder] of [...packages].sort()) {
  const meta = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const file = readdirSync(folder).find((f) => /^licen[cs]e/i.test(f));
  const text = file && existsSync(join(folder, file)) ? readFileSync(join(folder, file), "utf8") : "";
  parts.push(`\n==== ${name} ${meta.version} (${meta.license}) ====\n\n${text.trim()}\n`);
}
writeFileSync(join(out, "LICENSES.txt"), parts.join(""));
const size = readFileSync(join(out, "editor.js")).length;
console.log(`editor.js ${size} bytes; ${packages.size} packages: ${[...packages.keys()].sort().join(", ")}`);
