import { build, type Plugin } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { dropInferableNames } from './inferable-names';

/**
 * `npm run build`'s second step: swc's output (dist/, one file per module)
 * becomes one file, dist/main.js, the service `npm start` and the Docker image
 * run. Why: Node 20 spends most of the service's start in its module loaders
 * (resolving, stat-ing, reading and wrapping some 2,700 files, the CommonJS
 * lexer for every CommonJS module an ES module imports); one file takes that
 * away (start to first answer 1.95 s -> 1.0-1.4 s here; docs/performance.md).
 *
 * Only what cannot be bundled stays a package in node_modules, loaded at run
 * time: packages that find files beside themselves (PGlite's WebAssembly,
 * swagger-ui-dist's assets, pino's worker), the `pg` driver TypeORM loads by
 * name, ioredis (loaded only with REDIS_URL), and optional packages that are
 * not installed (Nest's microservices, other ORMs' health indicators).
 *
 * The other files in dist/ stay as swc wrote them (the migration CLI runs
 * dist/cli/migration.cli.js in the Docker image).
 */
const ROOT = resolve(__dirname, '..');
const ENTRY = join(ROOT, 'dist', 'main.js');

const RUNTIME_PACKAGES = ['pg', '@electric-sql/pglite', '@electric-sql/pglite-socket', 'swagger-ui-dist', 'ioredis', 'thread-stream'];

const SKIP = Symbol('resolving');

/** An import of a package that is not installed (an optional peer) stays an import: it fails, as it would unbundled, only if it runs. */
const absentStaysExternal: Plugin = {
  name: 'absent-packages-stay-external',
  setup(bundler) {
    bundler.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('node:') || args.pluginData === SKIP) return undefined;
      const found = await bundler.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: SKIP });
      return found.errors.length > 0 ? { path: args.path, external: true } : undefined;
    });
  },
};

/**
 * Nest's ES modules load some of their peers with
 * `createRequire(import.meta.url)('typeorm')`, which esbuild leaves to run
 * time (evanw/esbuild#1828, as @nestjs/common's load-package.util.js notes).
 * At run time that would load a second copy of typeorm, class-validator,
 * class-transformer or @nestjs/swagger from node_modules, whose metadata
 * storage is not the bundle's (mapped types would lose the DTOs' wire names).
 * Such a module-level `require` made by createRequire becomes the bundle's own
 * require, which esbuild resolves into the bundle. Requires of a name known
 * only at run time (loadPackageSync's fallback) are left as they are.
 */
const MODULE_REQUIRE = /^const (require|moduleRequire) = createRequire\(import\.meta\.url\);$/gm;
const nestRequiresInBundle: Plugin = {
  name: 'nest-create-require-in-bundle',
  setup(bundler) {
    bundler.onLoad({ filter: /[\\/]node_modules[\\/]@nestjs[\\/].*\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('createRequire(import.meta.url);')) return undefined;
      return { contents: text.replace(MODULE_REQUIRE, (_line, name: string) => (name === 'require' ? '' : `const ${name} = require;`)), loader: 'js' };
    });
  },
};

async function main() {
  const result = await build({
    entryPoints: [ENTRY],
    outfile: ENTRY,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: RUNTIME_PACKAGES,
    plugins: [absentStaysExternal, nestRequiresInBundle],
    // Class and function names stay (Nest's provider tokens and logs, stack traces); only whitespace and comments go.
    keepNames: true,
    minifyWhitespace: true,
    legalComments: 'none',
    charset: 'ascii',
    sourcemap: 'linked',
    // The ES modules inside use import.meta; in one CommonJS file it is the bundle's own location.
    define: { 'import.meta.url': '__bundleUrl', 'import.meta.dirname': '__dirname', 'import.meta.resolve': 'require.resolve' },
    // "use strict" first, or the banner would take the place of esbuild's own directive and the bundle, ES modules included, would run sloppy.
    banner: { js: `"use strict";const __bundleUrl = require('node:url').pathToFileURL(__filename).href;` },
    logLevel: 'warning',
    metafile: true,
  });
  const { text, dropped } = dropInferableNames(cheapNameHelper(asciiOnly(await readFile(ENTRY, 'utf8'))));
  await writeFile(ENTRY, text);
  const inputs = Object.keys(result.metafile.inputs).length;
  const bytes = Object.values(result.metafile.outputs).find((output) => output.entryPoint)?.bytes ?? 0;
  process.stdout.write(`Bundled ${inputs} modules into dist/main.js (${(bytes / 1e6).toFixed(1)} MB; ${dropped} of keepNames' wrappers not needed)\n`);
}

/**
 * esbuild's ASCII charset leaves regular expression literals as written
 * (validator.js's alphabets); a file with a single non-ASCII character is
 * decoded into a two-byte string, which Node reads and V8 scans about twice
 * as slowly at every start. Outside literals nothing non-ASCII is left (no
 * comments), and inside string and regular expression literals and
 * identifiers a `\uXXXX` escape means the same UTF-16 unit.
 */
function asciiOnly(text: string): string {
  return text.replace(/[^\x00-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const NAME_HELPER = 'var __name=(target,value)=>__defProp(target,"name",{value,configurable:true});';
const CHEAP_NAME_HELPER = 'var __name=(t,v)=>t.name===v?t:__defProp(t,"name",{value:v,configurable:!0});';

/**
 * keepNames' helper redefines `name` every time it runs, and it runs each
 * time a named closure is made: fastify's hook runner and Nest's execution
 * context make several per request (4% of the service's busy time under
 * detail load). esbuild renames only on collisions, so most names are already
 * right, and the helper now leaves those as they are (the property it would
 * have written is the one that is there). The replacement is padded to the
 * same length, so the source map's columns stay right. Where the language
 * names the function itself, the call goes altogether (dropInferableNames).
 */
function cheapNameHelper(text: string): string {
  const at = text.indexOf(NAME_HELPER);
  if (at < 0 || text.indexOf(NAME_HELPER, at + 1) >= 0 || CHEAP_NAME_HELPER.length > NAME_HELPER.length) {
    throw new Error("esbuild's keepNames helper is not the one scripts/bundle.ts expects: check it after an esbuild upgrade");
  }
  return text.slice(0, at) + CHEAP_NAME_HELPER.padEnd(NAME_HELPER.length) + text.slice(at + NAME_HELPER.length);
}

main().catch((error: Error) => {
  process.stderr.write(`Bundling failed: ${error.message}\n`);
  process.exit(1);
});
