/**
 * The configuration reference: every variable each service reads, found in the zod schemas the services parse
 * their environment with, its default as the schema gives it and its meaning (the schema's description, else
 * the doc comment next to the key, else the doc comment of the settings field the key is mapped to).
 * `pnpm config:docs` writes docs/configuration.md and .env.example; tests/config-docs.test.ts checks both are
 * current.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { subgraphEnv, z } from '@casino/config';
import { gatewayEnvSchema } from '@casino/gateway/src/env';
import { complianceEnv } from '@casino/compliance/src/settings';
import { gamingEnv } from '@casino/gaming/src/settings';
import { loyaltyEnv } from '@casino/loyalty/src/settings';
import { marketingEnv } from '@casino/marketing/src/settings';
import { workforceEnv } from '@casino/workforce/src/settings';
import { stackEnvSchema } from './env';

export const ROOT = path.resolve(__dirname, '..');
export const REFERENCE_PATH = path.join(ROOT, 'docs/configuration.md');
export const ENV_EXAMPLE_PATH = path.join(ROOT, '.env.example');

export const SUBGRAPHS = {
  loyalty: { port: 4001, database: 'casino_loyalty', settings: loyaltyEnv },
  gaming: { port: 4002, database: 'casino_gaming', settings: gamingEnv },
  workforce: { port: 4003, database: 'casino_workforce', settings: workforceEnv },
  marketing: { port: 4004, database: 'casino_marketing', settings: marketingEnv },
  compliance: { port: 4005, database: 'casino_compliance', settings: complianceEnv },
} as const;

export type ServiceName = 'gateway' | keyof typeof SUBGRAPHS | 'stack';
export const SERVICE_NAMES: ServiceName[] = [
  'gateway',
  ...(Object.keys(SUBGRAPHS) as ServiceName[]),
  'stack',
];

type Shape = Record<string, z.ZodType>;

/** The schemas each service parses its environment with: the service runtime's and its domain settings'. */
export function serviceSchemas(): Record<ServiceName, Shape[]> {
  const subgraphs = Object.fromEntries(
    Object.entries(SUBGRAPHS).map(([name, s]) => [
      name,
      [subgraphEnv({ port: s.port, database: s.database }).shape, s.settings.shape] as Shape[],
    ]),
  );
  return {
    gateway: [gatewayEnvSchema.shape as Shape],
    ...subgraphs,
    stack: [stackEnvSchema.shape as Shape],
  } as Record<ServiceName, Shape[]>;
}

/** Secrets: never given a value in a file, handed to the services from a secret store. */
export function isSecret(name: string): boolean {
  return (
    /(SIGNING_KEY|PUBLIC_KEYS|ENCRYPTION_KEYS|INDEX_KEY|SECRET|PASSWORD|TOKEN|OTLP_HEADERS)$/.test(name) ||
    name === 'MONGODB_URI' ||
    name === 'REDIS_URL'
  );
}

export interface Variable {
  name: string;
  services: ServiceName[];
  /** Default per service, as shown */
  defaults: Partial<Record<ServiceName, string>>;
  meaning: string;
  secret: boolean;
}

/** Where each service's schemas are written, its own files first (a key's comment there wins). */
const SOURCE_FILES: Record<ServiceName, string[]> = {
  gateway: ['gateway/src/env.ts', 'gateway/src/operation-limits.ts', 'gateway/src/persisted-queries.ts'],
  ...(Object.fromEntries(
    Object.keys(SUBGRAPHS).map((name) => [name, [`subgraphs/${name}/src/settings.ts`]]),
  ) as Record<keyof typeof SUBGRAPHS, string[]>),
  stack: ['scripts/env.ts'],
};
const SHARED_SOURCE = 'packages/config/src/index.ts';

const cleanComment = (text: string) =>
  text
    .replace(/^\/\*\*?|\*\/$/g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*(\*|\/\/)\s?/, '').trim())
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();

function docOf(node: ts.Node, source: ts.SourceFile): string | undefined {
  const ranges = ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [];
  const texts = ranges.map((r) => source.text.slice(r.pos, r.end)).filter((t) => !t.includes('eslint-'));
  // the last doc comment belongs to the node (an earlier one may be left over from moved code)
  const jsdoc = texts.filter((text) => text.startsWith('/**')).at(-1);
  const lines = texts.filter((text) => text.startsWith('//'));
  if (jsdoc) return cleanComment(jsdoc);
  return lines.length > 0 ? cleanComment(lines.join('\n')) : undefined;
}

const nameOf = (node: ts.PropertyAssignment | ts.PropertySignature) =>
  ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : undefined;

const envKey = (name: string | undefined): name is string => !!name && /^[A-Z][A-Z0-9_]+$/.test(name);
const hasJsDoc = (node: ts.Node, source: ts.SourceFile) =>
  (ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? []).some((r) =>
    source.text.startsWith('/**', r.pos),
  );
/** First and last word of `SMTP_HOST` or `smtpHost`: keys next to each other sharing one are one family. */
const wordsOf = (name: string): [string, string] => {
  const words = name.includes('_') ? name.split('_') : name.split(/(?=[A-Z])/);
  return [words[0]!.toLowerCase(), words.at(-1)!.toLowerCase()];
};

/**
 * Doc comments of env keys in the settings sources, best first: the key's own; the one of the settings field
 * the key is mapped to (`field: parsed.KEY`); the one above a family of neighbouring keys (`LOYALTY_URL`,
 * `GAMING_URL`, ...); the one of the declaration holding the keys (`/** Access tokens: ... *\/ tokenEnv`).
 */
function commentedKeys(files: string[]): Map<string, string> {
  const own = new Map<string, string>();
  const mapped = new Map<string, string>();
  const family = new Map<string, string>();
  const declared = new Map<string, string>();
  const notes = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const fieldDocs = new Map<string, string>();
    const mappings: Array<[string, ts.Node]> = [];
    const families = (
      members: readonly ts.Node[],
      nameOfMember: (m: ts.Node) => string | undefined,
      into: (name: string, doc: string) => void,
    ) => {
      let run: { words: [string, string]; doc: string } | undefined;
      for (const member of members) {
        const name = nameOfMember(member);
        if (!name) continue;
        const words = wordsOf(name);
        const doc = docOf(member, source);
        if (doc) run = hasJsDoc(member, source) ? { words, doc } : undefined;
        else if (run && (run.words[0] === words[0] || run.words[1] === words[1])) into(name, run.doc);
        else run = undefined;
      }
    };
    const visit = (node: ts.Node) => {
      if (ts.isInterfaceDeclaration(node)) {
        families(
          node.members,
          (m) => (ts.isPropertySignature(m) ? nameOf(m) : undefined),
          (name, doc) => {
            if (!fieldDocs.has(name)) fieldDocs.set(name, doc);
          },
        );
      }
      if (ts.isObjectLiteralExpression(node)) {
        const keyOf = (m: ts.Node) =>
          ts.isPropertyAssignment(m) && envKey(nameOf(m)) ? nameOf(m) : undefined;
        families(node.properties, keyOf, (name, doc) => {
          if (!family.has(name)) family.set(name, doc);
        });
        let declaration: ts.Node = node.parent;
        while (!ts.isVariableStatement(declaration) && !ts.isSourceFile(declaration)) {
          if (ts.isFunctionLike(declaration) || ts.isBlock(declaration)) break;
          declaration = declaration.parent;
        }
        const doc = ts.isVariableStatement(declaration) ? docOf(declaration, source) : undefined;
        for (const property of node.properties) {
          const name = keyOf(property);
          if (name && doc && !declared.has(name)) declared.set(name, doc);
        }
      }
      if (ts.isPropertySignature(node)) {
        const name = nameOf(node);
        const doc = docOf(node, source);
        if (name && doc) fieldDocs.set(name, doc);
      }
      if (ts.isPropertyAssignment(node)) {
        const name = nameOf(node);
        const doc = docOf(node, source);
        if (envKey(name) && doc && !own.has(name)) {
          // a line comment (`// JSON: ...`) is a note on the format: it comes after the field's meaning
          (hasJsDoc(node, source) ? own : notes).set(name, doc);
        }
        const read = (n: ts.Node): string | undefined =>
          ts.isPropertyAccessExpression(n) && envKey(n.name.text) ? n.name.text : ts.forEachChild(n, read);
        const key = read(node.initializer);
        if (key) mappings.push([key, node]);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    // `field: parsed.KEY` (or nested `group: { item: parsed.KEY }`): the nearest documented field
    for (const [key, assignment] of mappings) {
      for (let node: ts.Node = assignment; node !== source; node = node.parent) {
        const doc = ts.isPropertyAssignment(node) ? fieldDocs.get(nameOf(node) ?? '') : undefined;
        if (doc) {
          if (!mapped.has(key)) mapped.set(key, doc);
          break;
        }
      }
    }
  }
  const found = new Map<string, string>();
  for (const kind of [declared, family, mapped, own]) for (const [k, v] of kind) found.set(k, v);
  for (const [k, note] of notes)
    if (!own.has(k)) found.set(k, found.has(k) ? `${found.get(k)}; ${note}` : note);
  return found;
}

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; defaultValue?: unknown };
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

function descriptionOf(schema: z.ZodType | undefined): string | undefined {
  for (let s = schema; s;) {
    const description = s.description ?? z.globalRegistry.get(s)?.description;
    if (description) return description;
    const def = defOf(s);
    s = def.innerType ?? def.in;
  }
  return undefined;
}

/** The default before any transform, as an operator would write it; undefined when there is none. */
function rawDefault(schema: z.ZodType): unknown {
  for (let s: z.ZodType | undefined = schema; s;) {
    const def = defOf(s);
    if (def.type === 'default') return def.defaultValue;
    s = def.innerType ?? def.in;
  }
  const parsed = schema.safeParse(undefined);
  return parsed.success ? parsed.data : undefined;
}

function showDefault(name: string, schema: z.ZodType): string {
  if (!schema.safeParse(undefined).success) return 'required';
  const value = rawDefault(schema);
  if (isSecret(name) && name !== 'DEMO_PASSWORD') {
    return /_KEYS?$/.test(name) ? 'development key' : 'none';
  }
  if (value === undefined) return 'none';
  if (value === '') return 'empty';
  if (typeof value === 'string') {
    const shown = value.startsWith(ROOT) ? path.relative(ROOT, value) : value;
    return `\`${shown}\``;
  }
  if (typeof value === 'object') return `\`${JSON.stringify(value)}\``;
  return String(value);
}

/** Every variable of every service, sorted by name. */
export function collectVariables(): Variable[] {
  const shared = commentedKeys([SHARED_SOURCE]);
  const byName = new Map<string, Variable & { meanings: Map<string, ServiceName[]> }>();
  for (const [service, shapes] of Object.entries(serviceSchemas()) as Array<[ServiceName, Shape[]]>) {
    const comments = commentedKeys(SOURCE_FILES[service]);
    for (const shape of shapes) {
      for (const [name, schema] of Object.entries(shape)) {
        const variable = byName.get(name) ?? {
          name,
          services: [],
          defaults: {},
          meaning: '',
          secret: isSecret(name),
          meanings: new Map<string, ServiceName[]>(),
        };
        byName.set(name, variable);
        if (!variable.services.includes(service)) variable.services.push(service);
        variable.defaults[service] = showDefault(name, schema);
        const meaning = descriptionOf(schema) ?? comments.get(name) ?? shared.get(name) ?? '';
        if (meaning) variable.meanings.set(meaning, [...(variable.meanings.get(meaning) ?? []), service]);
      }
    }
  }
  return [...byName.values()]
    .map(({ meanings, ...variable }) => ({
      ...variable,
      meaning:
        meanings.size <= 1
          ? ([...meanings.keys()][0] ?? '')
          : [...meanings].map(([text, services]) => `${servicesLabel(services)}: ${text}`).join(' — '),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

const SUBGRAPH_LIST = Object.keys(SUBGRAPHS) as ServiceName[];

function servicesLabel(services: ServiceName[]): string {
  const label = (s: ServiceName) => (s === 'stack' ? '`pnpm start`/`pnpm seed`' : s);
  const subgraphs = SUBGRAPH_LIST.filter((s) => services.includes(s));
  const parts: string[] = [];
  if (services.includes('gateway')) parts.push('gateway');
  if (subgraphs.length === SUBGRAPH_LIST.length) parts.push('all subgraphs');
  else parts.push(...subgraphs);
  if (services.includes('stack')) parts.push(label('stack'));
  return parts.join(', ');
}

function defaultLabel(variable: Variable): string {
  const values = new Map<string, ServiceName[]>();
  for (const service of variable.services) {
    const value = variable.defaults[service]!;
    values.set(value, [...(values.get(value) ?? []), service]);
  }
  if (values.size === 1) return [...values.keys()][0]!;
  return [...values].map(([value, services]) => `${value} (${servicesLabel(services)})`).join('; ');
}

const SECTIONS: Array<{ title: string; intro: string; holds: (v: Variable) => boolean }> = [
  {
    title: 'Shared by the gateway and the subgraphs',
    intro: 'Read by the gateway and every subgraph (and some by `pnpm start`).',
    holds: (v) => v.services.includes('gateway') && SUBGRAPH_LIST.some((s) => v.services.includes(s)),
  },
  {
    title: 'Gateway',
    intro: 'Read by the gateway only (`gateway/src/env.ts`).',
    holds: (v) => v.services.includes('gateway'),
  },
  {
    title: 'Every subgraph',
    intro:
      'Read by each subgraph (`subgraphEnv` in `packages/config`); defaults differ per subgraph where shown.',
    holds: (v) => SUBGRAPH_LIST.filter((s) => v.services.includes(s)).length > 1,
  },
  ...SUBGRAPH_LIST.map((name) => ({
    title: `${name[0]!.toUpperCase()}${name.slice(1)} settings`,
    intro: `The domain settings of the ${name} subgraph (\`subgraphs/${name}/src/settings.ts\`).`,
    holds: (v: Variable) => v.services.includes(name),
  })),
  {
    title: 'Local stack (`pnpm start`, `pnpm seed`)',
    intro: 'Read by the one-command stack and the seed script (`scripts/env.ts`) only.',
    holds: () => true,
  },
];

function sectioned(variables: Variable[]): Array<{ title: string; intro: string; variables: Variable[] }> {
  const left = [...variables];
  return SECTIONS.map((section) => {
    const taken = left.filter(section.holds);
    for (const v of taken) left.splice(left.indexOf(v), 1);
    return { ...section, variables: taken };
  }).filter((section) => section.variables.length > 0);
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A markdown table laid out as prettier lays it out, so the generated file passes `prettier --check`. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, 3, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

export function renderReference(variables: Variable[]): string {
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated by `pnpm config:docs` (scripts/config-docs.ts) from the zod schemas; do not edit by hand. -->',
    '',
    'Every variable every service reads, with the services that read it, its default and its meaning. Each',
    'service parses its environment once at start and stops with every problem listed. Secrets (keys,',
    'passwords, connection strings) show no value: unset keys fall back to public development keys, refused in',
    'production. A commented template of every variable is in [`.env.example`](../.env.example).',
    '',
    'Any variable may instead be given as a file: `NAME_FILE` names a file holding the value of `NAME` (one',
    'trailing newline is dropped), as Docker and Kubernetes mount secrets; setting both `NAME` and `NAME_FILE`',
    'is refused.',
    '',
    `${variables.length} variables.`,
  ];
  for (const section of sectioned(variables)) {
    lines.push('', `## ${section.title}`, '', section.intro, '');
    const rows = section.variables.map((v) => [
      `\`${v.name}\`${v.secret ? ' (secret)' : ''}`,
      cell(servicesLabel(v.services)),
      cell(defaultLabel(v)),
      cell(v.meaning),
    ]);
    lines.push(...table(['variable', 'read by', 'default', 'meaning'], rows));
  }
  return `${lines.join('\n')}\n`;
}

export function renderEnvExample(variables: Variable[]): string {
  const lines = [
    '# Every variable of the gateway, the subgraphs and `pnpm start`/`pnpm seed`, commented out at its default.',
    '# Generated by `pnpm config:docs` from the zod schemas; docs/configuration.md explains each one.',
    '# Secrets have no value here: set them from a secret store, never in a committed file.',
  ];
  for (const section of sectioned(variables)) {
    lines.push('', `# --- ${section.title.replace(/`/g, '')} ---`);
    for (const v of section.variables) {
      const shown = defaultLabel(v);
      const value = /^`[^`]*`$/.test(shown) ? shown.slice(1, -1) : /^-?\d/.test(shown) ? shown : '';
      lines.push(`# ${v.meaning.replace(/`/g, '')}`, `# ${v.name}=${v.secret ? '' : value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The two generated files, as committed. */
export function generate(): { reference: string; envExample: string; variables: Variable[] } {
  const variables = collectVariables();
  return { variables, reference: renderReference(variables), envExample: renderEnvExample(variables) };
}

function main() {
  const { reference, envExample, variables } = generate();
  const missing = variables.filter((v) => !v.meaning).map((v) => v.name);
  if (missing.length > 0) {
    process.stderr.write(
      `variables without a meaning (add .describe() to the schema): ${missing.join(', ')}\n`,
    );
    process.exitCode = 1;
  }
  writeFileSync(REFERENCE_PATH, reference);
  writeFileSync(ENV_EXAMPLE_PATH, envExample);
  process.stdout.write(`${variables.length} variables: docs/configuration.md, .env.example\n`);
}

if (require.main === module) main();
