import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DEV_PROTECTION_ENV } from '@casino/crypto';

/**
 * docker-compose.yml is how users run the full stack, and no engine runs here to try it: this keeps the
 * development defaults it hands every service identical to the ones the code knows (and refuses in production).
 */
describe('docker-compose.yml', () => {
  const compose = readFileSync(path.resolve(__dirname, '../docker-compose.yml'), 'utf8');

  it.each(Object.entries(DEV_PROTECTION_ENV))(
    'defaults %s to the development value the services recognise',
    (name, value) => {
      expect(compose).toContain(`${name}: \${${name}:-${value}}`);
    },
  );

  it('starts every service the stack has', () => {
    for (const service of [
      'loyalty',
      'gaming',
      'workforce',
      'marketing',
      'compliance',
      'gateway',
      'seed',
      'mongo',
    ]) {
      expect(compose).toMatch(new RegExp(`^  ${service}:$`, 'm'));
    }
  });
});

describe('docker-compose.yml exposure', () => {
  const compose = readFileSync(path.resolve(__dirname, '../docker-compose.yml'), 'utf8');

  it('publishes only the gateway port: MongoDB, Redis and the subgraphs stay on the compose network', () => {
    expect([...compose.matchAll(/^\s+ports: \[(.*)\]$/gm)].map((m) => m[1])).toEqual(["'4000:4000'"]);
  });

  it.each(['loyalty', 'gaming', 'workforce', 'marketing', 'compliance', 'gateway'])(
    'gives %s a signing key of its own',
    (service) => {
      const block = compose.split(/^ {2}(?=\w)/m).find((b) => b.startsWith(`${service}:`))!;
      expect(block).toContain(`SERVICE_SIGNING_KEY: '\${${service.toUpperCase()}_SIGNING_KEY:-}'`);
    },
  );
});

describe('Dockerfile', () => {
  it('copies the manifest of every workspace package before installing, so each gets its dependencies', () => {
    const dockerfile = readFileSync(path.resolve(__dirname, '../Dockerfile'), 'utf8');
    const root = path.resolve(__dirname, '..');
    const workspaces = ['gateway', 'schema', 'tests'].concat(
      ...['packages', 'subgraphs'].map((dir) =>
        readdirSync(path.join(root, dir), { withFileTypes: true })
          .filter(
            (entry) => entry.isDirectory() && existsSync(path.join(root, dir, entry.name, 'package.json')),
          )
          .map((entry) => `${dir}/${entry.name}`),
      ),
    );
    const install = dockerfile.indexOf('RUN pnpm install');
    for (const workspace of workspaces) {
      const copy = dockerfile.indexOf(`COPY ${workspace}/package.json ${workspace}/`);
      expect([workspace, copy >= 0 && copy < install]).toEqual([workspace, true]);
    }
  });
});
