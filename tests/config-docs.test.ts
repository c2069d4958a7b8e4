import { readFileSync } from 'node:fs';
import {
  ENV_EXAMPLE_PATH,
  REFERENCE_PATH,
  SERVICE_NAMES,
  collectVariables,
  generate,
  serviceSchemas,
} from '../scripts/config-docs';

describe('configuration reference', () => {
  const variables = collectVariables();

  it('is current: regenerating it from the schemas gives the committed files (run `pnpm config:docs`)', () => {
    const { reference, envExample } = generate();
    expect(readFileSync(REFERENCE_PATH, 'utf8')).toBe(reference);
    expect(readFileSync(ENV_EXAMPLE_PATH, 'utf8')).toBe(envExample);
  });

  it('lists every key of every service schema, with the services that read it', () => {
    const schemas = serviceSchemas();
    for (const service of SERVICE_NAMES) {
      for (const shape of schemas[service]) {
        for (const name of Object.keys(shape)) {
          const variable = variables.find((v) => v.name === name);
          expect(variable?.services).toContain(service);
        }
      }
    }
    const reference = readFileSync(REFERENCE_PATH, 'utf8');
    for (const { name } of variables) expect(reference).toContain(`| \`${name}\``);
    // the domain settings are there, not only the shared runtime variables
    expect(variables.map((v) => v.name)).toEqual(
      expect.arrayContaining(['LOYALTY_POINTS_EXPIRY_DAYS', 'LOGIN_MAX_FAILURES', 'SMTP_HOST', 'PORT']),
    );
  });

  it('gives every variable a meaning and a default', () => {
    const withoutMeaning = variables.filter((v) => v.meaning.trim() === '').map((v) => v.name);
    expect(withoutMeaning).toEqual([]);
    for (const v of variables) {
      for (const service of v.services) expect(v.defaults[service]).toBeTruthy();
    }
  });

  it('never shows the value of a secret', () => {
    for (const v of variables.filter((x) => x.secret && x.name !== 'DEMO_PASSWORD')) {
      for (const shown of Object.values(v.defaults)) {
        expect(['development key', 'none', 'required']).toContain(shown);
      }
    }
    const secrets = [
      'SERVICE_SIGNING_KEY',
      'ACCESS_TOKEN_SIGNING_KEY',
      'DATA_ENCRYPTION_KEYS',
      'MONGODB_URI',
    ];
    for (const name of secrets) expect(variables.find((v) => v.name === name)?.secret).toBe(true);
  });

  it('has a .env.example naming only variables the services read, each with its meaning', () => {
    const names = new Set(variables.map((v) => v.name));
    const lines = readFileSync(ENV_EXAMPLE_PATH, 'utf8').split('\n');
    const assigned = lines
      .map((line) => /^#?\s*([A-Z][A-Z0-9_]+)=/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
    expect(assigned.filter((name) => !names.has(name))).toEqual([]);
    expect(new Set(assigned)).toEqual(names);
    for (const v of variables.filter((x) => x.secret)) {
      expect(lines).toContain(`# ${v.name}=`);
    }
  });
});
