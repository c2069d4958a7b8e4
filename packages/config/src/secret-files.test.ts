import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, parseEnv, subgraphEnv, z } from './index';

describe('secrets given as files (NAME_FILE)', () => {
  const schema = subgraphEnv({ port: 4001, database: 'casino_loyalty' });
  const dir = mkdtempSync(path.join(tmpdir(), 'secret-files-'));
  const file = (name: string, content: string) => {
    const where = path.join(dir, name);
    writeFileSync(where, content);
    return where;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const problemsOf = (env: Record<string, string>) => {
    try {
      parseEnv('loyalty', schema, env);
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems;
    }
  };

  it('reads a declared variable from its file, less the trailing newline', () => {
    const env = parseEnv('loyalty', schema, {
      MONGODB_URI_FILE: file('mongodb-uri', 'mongodb://casino:s3cret@db:27017/?authSource=admin\n'),
      SERVICE_SIGNING_KEY_FILE: file('signing-key', 'c2lnbmluZy1rZXk='),
    });
    expect(env.MONGODB_URI).toBe('mongodb://casino:s3cret@db:27017/?authSource=admin');
    expect(env.SERVICE_SIGNING_KEY).toBe('c2lnbmluZy1rZXk=');
  });

  it('takes the file when the variable itself is empty, as a compose file leaves it', () => {
    const env = parseEnv('loyalty', schema, {
      MONGODB_URI: '',
      MONGODB_URI_FILE: file('uri', 'mongodb://db:27017'),
    });
    expect(env.MONGODB_URI).toBe('mongodb://db:27017');
  });

  it('validates the content like any value', () => {
    expect(problemsOf({ MONGODB_URI_FILE: file('bad-uri', 'http://db\n') })).toEqual([
      expect.stringMatching(/^MONGODB_URI: /),
    ]);
  });

  it('refuses both the variable and its file, and a file it cannot read, naming each without the value', () => {
    const problems = problemsOf({
      MONGODB_URI: 'mongodb://db:27017',
      MONGODB_URI_FILE: file('uri-2', 'mongodb://other:27017'),
      SERVICE_SIGNING_KEY_FILE: path.join(dir, 'missing'),
    });
    expect(problems.sort()).toEqual([
      'MONGODB_URI_FILE: MONGODB_URI is set too; set one of them',
      `SERVICE_SIGNING_KEY_FILE: cannot read ${path.join(dir, 'missing')} (ENOENT)`,
    ]);
    expect(problems.join('\n')).not.toContain('mongodb://other');
  });

  it('reads only variables the schema declares, also behind a transform', () => {
    const piped = z.object({ TOKEN: z.string().optional() }).transform((env) => env.TOKEN ?? 'none');
    expect(parseEnv('tool', piped, { TOKEN_FILE: file('token', 'abc\n') })).toBe('abc');
    // an undeclared NAME_FILE is left alone (TLS_CERT_FILE names a certificate, not a secret for TLS_CERT)
    const plain = z.object({ TLS_CERT_FILE: z.string().optional() });
    expect(parseEnv('tool', plain, { TLS_CERT_FILE: path.join(dir, 'missing.pem') })).toEqual({
      TLS_CERT_FILE: path.join(dir, 'missing.pem'),
    });
  });
});
