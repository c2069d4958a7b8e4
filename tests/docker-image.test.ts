import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { distPathOf, servicesOf, workspaceProjects } from '../scripts/build';
import { SUBGRAPHS, isSecret } from '../scripts/config-docs';

/** The Dockerfile and its build context, checked without a Docker engine. */
const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** Stages and their instructions, continuation lines joined, comments dropped. */
function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword, args] = /^(\S+)\s+(.*)$/.exec(line)!;
    if (keyword!.toUpperCase() === 'FROM') {
      const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args!)!;
      stages.push({ name: name ?? `stage-${stages.length}`, from: from!, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ keyword: keyword!.toUpperCase(), args: args! });
    }
  }
  return stages;
}

/**
 * Whether .dockerignore keeps a path out of the context, by Docker's rules: each pattern is a path glob (`*` and
 * `?` within a segment, `**` across segments) matched against the path or one of its parent folders, `!` makes an
 * exception, and the last matching pattern decides.
 */
function dockerIgnored(patterns: string[], file: string): boolean {
  const toRegExp = (pattern: string) =>
    new RegExp(
      `^${pattern
        .split('/')
        .map((segment) =>
          segment === '**'
            ? '.*'
            : segment
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\.\*\//g, '(?:.*/)?')}$`,
    );
  const candidates = file.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const raw of patterns) {
    const exception = raw.startsWith('!');
    const pattern = path.posix.normalize((exception ? raw.slice(1) : raw).replace(/^\/+/, ''));
    if (candidates.some((candidate) => toRegExp(pattern).test(candidate))) ignored = !exception;
  }
  return ignored;
}

const stages = parseDockerfile(read('Dockerfile'));
const stage = (name: string) => {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
/** A stage's instructions with those it inherits from the stages it is built FROM. */
const effective = (name: string): Instruction[] => {
  const own = stage(name);
  const base = stages.find((s) => s.name === own.from);
  return [...(base ? effective(base.name) : []), ...own.instructions];
};
const last = (name: string, keyword: string) => effective(name).findLast((i) => i.keyword === keyword);
const envOf = (name: string) =>
  Object.fromEntries(
    effective(name)
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args.split('=') as [string, string]),
  );

const ignorePatterns = read('.dockerignore')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));

/** The workspace package folders, by expanding pnpm-workspace.yaml's globs (`dir` and `dir/*`). */
function workspaceDirs(): string[] {
  const { packages } = parse(read('pnpm-workspace.yaml')) as { packages: string[] };
  return packages.flatMap((pattern) => {
    if (!pattern.includes('*')) return [pattern];
    if (!/^[\w-]+(\/[\w-]+)*\/\*$/.test(pattern))
      throw new Error(`workspace glob not understood: ${pattern}`);
    const parent = pattern.slice(0, -2);
    return readdirSync(path.join(ROOT, parent), { withFileTypes: true })
      .filter(
        (entry) => entry.isDirectory() && existsSync(path.join(ROOT, parent, entry.name, 'package.json')),
      )
      .map((entry) => `${parent}/${entry.name}`);
  });
}

const PORTS: Record<string, number> = {
  gateway: 4000,
  ...Object.fromEntries(Object.entries(SUBGRAPHS).map(([name, s]) => [name, s.port])),
};
const services = servicesOf(workspaceProjects());

describe('Docker build context', () => {
  const manifests = ['package.json', ...workspaceDirs().map((dir) => `${dir}/package.json`)];

  it('holds every workspace package.json the install needs, and the lockfile names no other', () => {
    expect(manifests.length).toBeGreaterThan(10);
    for (const file of [
      ...manifests,
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      '.npmrc',
      'tsconfig.base.json',
    ])
      expect({ file, ignored: dockerIgnored(ignorePatterns, file) }).toEqual({ file, ignored: false });
    const { importers } = parse(read('pnpm-lock.yaml')) as { importers: Record<string, unknown> };
    const dirs = new Set(['.', ...workspaceDirs()]);
    expect(Object.keys(importers).filter((importer) => !dirs.has(importer))).toEqual([]);
  });

  it('copies them into the build stage before the install', () => {
    const build = stage('build').instructions;
    const install = build.findIndex((i) => i.keyword === 'RUN' && /pnpm install/.test(i.args));
    expect(install).toBeGreaterThan(0);
    const sources = build
      .slice(0, install)
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    const copied = (file: string) =>
      sources.some((source) => source === '.' || file === source || file.startsWith(`${source}/`));
    expect(manifests.filter((file) => !copied(file))).toEqual([]);
    expect(sources).toEqual(expect.arrayContaining(['pnpm-lock.yaml', 'pnpm-workspace.yaml', '.npmrc']));
  });

  it('keeps installs, local data, git and secrets out', () => {
    for (const file of [
      'node_modules/.pnpm/x/index.js',
      'packages/config/node_modules/zod/package.json',
      'dist/loyalty/package.json',
      '.git/config',
      '.data/mongo/db.mv',
      '.env',
      'subgraphs/loyalty/.env',
      'secrets/mongodb-uri',
      'packages/embedded-mongo/.build/server.jar',
    ])
      expect({ file, ignored: dockerIgnored(ignorePatterns, file) }).toEqual({ file, ignored: true });
  });
});

describe('Dockerfile', () => {
  it('builds on a supported Node LTS, slim, and runs as node with NODE_ENV=production and a health check', () => {
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(read('Dockerfile'))?.[1];
    expect(image).toMatch(/^node:(22|24)-bookworm-slim$/);
    expect(stage('build').from).toBe('${NODE_IMAGE}');
    expect(stage('runtime').from).toBe('${NODE_IMAGE}');
    expect(last('runtime', 'USER')?.args).toBe('node');
    expect(envOf('runtime').NODE_ENV).toBe('production');
    const check = last('runtime', 'HEALTHCHECK')?.args ?? '';
    expect(check).toMatch(/CMD \["node", "-e", ".*\/health/);
    expect(check).toContain('process.env.PORT');
  });

  it.each(services.map((s) => [s.name, s] as const))(
    '%s: its own target runs its compiled entry from its deploy folder only',
    (name, service) => {
      expect(stage(name).from).toBe('runtime');
      const copies = stage(name).instructions.filter((i) => i.keyword === 'COPY');
      expect(copies.every((i) => i.args.startsWith('--from=build /deploy/'))).toBe(true);
      expect(copies.map((i) => i.args)).toContain(`--from=build /deploy/${name} /app/${name}`);
      expect(last(name, 'WORKDIR')?.args).toBe(`/app/${name}`);
      const command = JSON.parse(last(name, 'CMD')!.args) as string[];
      expect(command.slice(0, 2)).toEqual(['node', distPathOf(service.entry)]);
      expect(last(name, 'USER')?.args).toBe('node');
      if (name === 'seed') {
        expect(last(name, 'HEALTHCHECK')?.args).toBe('NONE');
      } else {
        expect(envOf(name).PORT).toBe(String(PORTS[name]));
        expect(last(name, 'EXPOSE')?.args).toBe(String(PORTS[name]));
      }
    },
  );

  it('sets no secret in an image', () => {
    const names = stages.flatMap((s) =>
      s.instructions.filter((i) => ['ENV', 'ARG'].includes(i.keyword)).map((i) => i.args.split('=')[0]!),
    );
    expect(names.filter(isSecret)).toEqual([]);
  });
});
