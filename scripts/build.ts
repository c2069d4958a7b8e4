import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

/**
 * `pnpm build`: the production output of every service, compiled JavaScript run by plain `node`.
 *
 * Development and the tests keep running the TypeScript sources (each package's `main` is `src/index.ts`). The
 * build works on a copy of the workspace, so nothing in the checkout changes:
 *  1. tsc compiles each service's entry point and the entry of every workspace package it depends on;
 *  2. in the copy, each compiled package's `src/` becomes `dist/` and its manifest points `main` at it and ships
 *     only `dist/` and its non-TypeScript files (`files`);
 *  3. `pnpm deploy --prod` writes, per service, its package with only its production dependencies, the
 *     workspace packages among them copied in, into `<out>/<service>`.
 *
 * A service is a workspace package whose `start` script is `tsx <entry>` (the gateway and the subgraphs), plus
 * the seed (the root's `seed` script). New workspace packages are picked up from pnpm's own workspace listing.
 */

export const ROOT = path.resolve(__dirname, '..');

const USAGE = `Usage: pnpm build [--out DIR] [--only SERVICE,...]
  --out DIR      where each service's deploy folder is written (default: dist), emptied first
  --only LIST    build only these services (default: all)`;

interface Manifest {
  name: string;
  main?: string;
  exports?: Record<string, string>;
  files?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
}

export interface WorkspaceProject {
  name: string;
  /** absolute */
  dir: string;
  manifest: Manifest;
}

export interface Service {
  /** the deploy folder's name: the package folder's (gateway, loyalty, ...) or `seed` */
  name: string;
  project: WorkspaceProject;
  /** the TypeScript entry point, relative to the project */
  entry: string;
}

const readManifest = (dir: string) =>
  JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;

/** Every project of the workspace (the root included), as pnpm itself resolves pnpm-workspace.yaml. */
export function workspaceProjects(root = ROOT): WorkspaceProject[] {
  const listed = JSON.parse(
    execFileSync('pnpm', ['ls', '--recursive', '--depth', '-1', '--json'], { cwd: root, encoding: 'utf8' }),
  ) as Array<{ name: string; path: string }>;
  return listed.map(({ name, path: dir }) => ({ name, dir, manifest: readManifest(dir) }));
}

const TSX_SCRIPT = /^tsx (\S+\.ts)$/;

export function servicesOf(projects: WorkspaceProject[], root = ROOT): Service[] {
  const services: Service[] = [];
  for (const project of projects) {
    if (project.dir === root) {
      const seed = TSX_SCRIPT.exec(project.manifest.scripts?.seed ?? '');
      if (seed) services.push({ name: 'seed', project, entry: seed[1]! });
      continue;
    }
    const start = TSX_SCRIPT.exec(project.manifest.scripts?.start ?? '');
    if (start) services.push({ name: path.basename(project.dir), project, entry: start[1]! });
  }
  return services;
}

/** The workspace projects a project needs at run time: its `dependencies` on `workspace:`, transitively. */
export function productionClosure(
  project: WorkspaceProject,
  projects: WorkspaceProject[],
): WorkspaceProject[] {
  const byName = new Map(projects.map((p) => [p.name, p]));
  const seen = new Map<string, WorkspaceProject>();
  const visit = (current: WorkspaceProject) => {
    for (const [name, spec] of Object.entries(current.manifest.dependencies ?? {})) {
      const dependency = byName.get(name);
      if (!spec.startsWith('workspace:') || !dependency || seen.has(name)) continue;
      seen.set(name, dependency);
      visit(dependency);
    }
  };
  visit(project);
  return [...seen.values()];
}

/** The folder holding a project's TypeScript: `src/`, or the root's `scripts/`. It compiles to `dist/`. */
const sourceDirOf = (project: WorkspaceProject, root: string) => (project.dir === root ? 'scripts' : 'src');

export const distPathOf = (file: string) =>
  file.replace(/^(\.\/)?(src|scripts)\//, 'dist/').replace(/\.ts$/, '.js');

const TEST_ONLY = /(^|\/)(testing|test-support)(\/|\.ts$)|\.test\.ts$/;
const WORKSPACE_REQUIRE = /require\("(@casino\/[^"]+)"\)/g;

/**
 * Whether a subpath import names an entry point its package declares in `exports` for production (such as
 * `@casino/loyalty/operations`): not a test-only module, not a file under the package's sources by path.
 */
function isShippedEntryPoint(importer: string, name: string): boolean {
  const [scope, pkg, ...rest] = name.split('/');
  let manifest: Manifest;
  try {
    manifest = readManifest(path.dirname(createRequire(importer).resolve(`${scope}/${pkg}/package.json`)));
  } catch {
    return false;
  }
  const subpath = `./${rest.join('/')}`;
  const target = manifest.exports?.[subpath];
  return target !== undefined && !subpath.startsWith('./src/') && !TEST_ONLY.test(target);
}

/** Compiles the entry points and what they import, refusing test-only modules and reaches into other packages. */
export function compile(root: string, entries: string[], outDir: string): void {
  const config = path.join(outDir, 'tsconfig.json');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    config,
    JSON.stringify({
      extends: path.join(root, 'tsconfig.base.json'),
      compilerOptions: {
        noEmit: false,
        rootDir: root,
        outDir,
        sourceMap: true,
        // production code sees no test globals; the tsconfig lives outside the workspace
        types: ['node'],
        typeRoots: [path.join(root, 'node_modules', '@types')],
      },
      files: entries,
    }),
  );
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  let listed: string;
  try {
    listed = execFileSync(process.execPath, [tsc, '-p', config, '--listEmittedFiles'], {
      cwd: root,
      encoding: 'utf8',
    });
  } catch (error) {
    const output = String((error as { stdout?: string }).stdout ?? '');
    const problems = output.split('\n').filter((line) => line && !line.startsWith('TSFILE: '));
    throw new Error(`tsc failed:\n${problems.join('\n')}`);
  }
  const emitted = listed
    .split('\n')
    .filter((line) => line.startsWith('TSFILE: ') && line.endsWith('.js'))
    .map((line) => path.relative(outDir, line.slice('TSFILE: '.length)));
  const testOnly = emitted.filter((file) => TEST_ONLY.test(file));
  if (testOnly.length > 0)
    throw new Error(`production code imports test-only modules: ${testOnly.join(', ')}`);
  for (const file of emitted) {
    const names = [...readFileSync(path.join(outDir, file), 'utf8').matchAll(WORKSPACE_REQUIRE)].map(
      (m) => m[1]!,
    );
    const deep = names.filter(
      (name) => name.split('/').length > 2 && !isShippedEntryPoint(path.join(root, file), name),
    );
    if (deep.length > 0) throw new Error(`${file} imports inside another package: ${deep.join(', ')}`);
  }
}

/** Copies the workspace without installed or generated folders. */
function copyWorkspace(root: string, to: string): void {
  const skip = new Set(['node_modules', '.git', '.data', 'dist', 'coverage', '.build']);
  cpSync(root, to, {
    recursive: true,
    filter: (source) => source === root || !skip.has(path.basename(source)),
  });
}

/** What a compiled package ships besides dist/: its files that are not TypeScript (schema.graphql, assets). */
function runtimeFilesOf(dir: string): string[] {
  return readdirSync(dir).filter(
    (entry) =>
      !['src', 'dist', 'node_modules', 'package.json'].includes(entry) &&
      !entry.startsWith('.') &&
      !/\.ts$|^tsconfig.*\.json$/.test(entry),
  );
}

function rewriteManifest(project: WorkspaceProject, stagedDir: string, root: string): void {
  const manifest = readManifest(stagedDir);
  const sourceDir = sourceDirOf(project, root);
  const inSource = new RegExp(`^(\\./)?${sourceDir}/.*\\.ts$`);
  if (manifest.main && inSource.test(manifest.main)) manifest.main = distPathOf(manifest.main);
  // test-only entry points (a subgraph's fixtures) are not shipped; the others point at the compiled files
  if (manifest.exports)
    manifest.exports = Object.fromEntries(
      Object.entries(manifest.exports)
        .filter(([, target]) => !TEST_ONLY.test(target))
        .map(([entry, target]) => [entry, inSource.test(target) ? `./${distPathOf(target)}` : target]),
    );
  const start = TSX_SCRIPT.exec(manifest.scripts?.start ?? '');
  if (start) manifest.scripts = { ...manifest.scripts, start: `node ${distPathOf(start[1]!)}` };
  manifest.files = project.dir === root ? ['dist'] : ['dist', ...runtimeFilesOf(stagedDir)];
  writeFileSync(path.join(stagedDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The JavaScript files under a folder, node_modules excluded. */
function javascriptFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js') && !file.split(path.sep).includes('node_modules'))
    .map((file) => path.join(dir, file));
}

/**
 * Every workspace package required by the service or by a workspace package copied into its deploy folder
 * resolves, from where it is required, to compiled JavaScript that was shipped.
 */
function checkDeploy(deployDir: string, service: Service): void {
  const virtualStore = path.join(deployDir, 'node_modules', '.pnpm');
  const packageDirs = [deployDir];
  for (const entry of readdirSync(virtualStore).filter((e) => e.startsWith('@casino+'))) {
    const scope = path.join(virtualStore, entry, 'node_modules', '@casino');
    for (const name of readdirSync(scope)) packageDirs.push(path.join(scope, name));
  }
  const problems: string[] = [];
  if (!existsSync(path.join(deployDir, distPathOf(service.entry))))
    problems.push(`no ${distPathOf(service.entry)}`);
  for (const file of packageDirs.flatMap((dir) =>
    existsSync(path.join(dir, 'dist')) ? javascriptFiles(path.join(dir, 'dist')) : [],
  )) {
    for (const [, name] of readFileSync(file, 'utf8').matchAll(WORKSPACE_REQUIRE)) {
      try {
        const resolved = createRequire(file).resolve(name!);
        if (!resolved.endsWith('.js')) problems.push(`${name} resolves to ${resolved}`);
      } catch {
        problems.push(`${name}, required by ${path.relative(deployDir, file)}, is missing`);
      }
    }
  }
  if (problems.length > 0) throw new Error(`${service.name}: ${[...new Set(problems)].join('; ')}`);
}

export interface BuildResult {
  out: string;
  services: Array<{ name: string; dir: string; entry: string }>;
}

export function build(options: { out: string; only?: string[]; root?: string }): BuildResult {
  const root = options.root ?? ROOT;
  const projects = workspaceProjects(root);
  const all = servicesOf(projects, root);
  const unknown = (options.only ?? []).filter((name) => !all.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`unknown services: ${unknown.join(', ')}`);
  const services = options.only ? all.filter((s) => options.only!.includes(s.name)) : all;

  const staging = mkdtempSync(path.join(tmpdir(), 'casino-build-'));
  try {
    const compiledDir = path.join(staging, '.compiled');
    const workspace = path.join(staging, 'workspace');
    const compiledProjects = new Map<string, WorkspaceProject>();
    const entries = new Set<string>();
    for (const service of services) {
      entries.add(path.join(service.project.dir, service.entry));
      compiledProjects.set(service.project.name, service.project);
      for (const dependency of productionClosure(service.project, projects)) {
        compiledProjects.set(dependency.name, dependency);
        // its main and the entry points it exports (@casino/loyalty/operations): tsc does not emit a file it
        // reaches only through node_modules, so each is compiled as an entry of its own
        const sourceDir = sourceDirOf(dependency, root);
        const shipped = [
          dependency.manifest.main,
          ...Object.values(dependency.manifest.exports ?? {}).filter((target) => !TEST_ONLY.test(target)),
        ];
        for (const target of shipped) {
          const relative = target?.replace(/^\.\//, '');
          if (relative?.startsWith(`${sourceDir}/`) && relative.endsWith('.ts'))
            entries.add(path.join(dependency.dir, relative));
        }
      }
    }
    compile(root, [...entries], compiledDir);

    copyWorkspace(root, workspace);
    for (const project of compiledProjects.values()) {
      const relative = path.relative(root, project.dir);
      const compiled = path.join(compiledDir, relative, sourceDirOf(project, root));
      const staged = path.join(workspace, relative);
      if (existsSync(compiled)) renameSync(compiled, path.join(staged, 'dist'));
      rewriteManifest(project, staged, root);
    }

    rmSync(options.out, { recursive: true, force: true });
    mkdirSync(options.out, { recursive: true });
    const built: BuildResult['services'] = [];
    for (const service of services) {
      const dir = path.join(options.out, service.name);
      // injected workspace packages: copies of the staged (compiled) packages, not links back into the workspace
      execFileSync(
        'pnpm',
        [
          '--config.inject-workspace-packages=true',
          '--filter',
          service.project.name,
          'deploy',
          '--prod',
          dir,
        ],
        { cwd: workspace, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      checkDeploy(dir, service);
      built.push({ name: service.name, dir, entry: distPathOf(service.entry) });
    }
    // the gateway reads the composed supergraph and the persisted query manifests from ../schema by default
    if (services.some((s) => s.name === 'gateway')) {
      const schema = path.join(options.out, 'schema');
      mkdirSync(schema);
      cpSync(path.join(root, 'schema', 'supergraph.graphql'), path.join(schema, 'supergraph.graphql'));
      cpSync(path.join(root, 'schema', 'persisted-queries'), path.join(schema, 'persisted-queries'), {
        recursive: true,
      });
    }
    return { out: options.out, services: built };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'dist' },
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
  } else {
    const started = Date.now();
    const result = build({
      out: path.resolve(values.out!),
      only: values.only?.split(',').map((name) => name.trim()),
    });
    for (const service of result.services) {
      process.stdout.write(
        `${service.name}: ${path.relative(process.cwd(), service.dir)} (node ${service.entry})\n`,
      );
    }
    process.stdout.write(`built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
}
