import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface CertificatePair {
  cert: string;
  key: string;
}

export interface TestPki {
  dir: string;
  /** File paths of each certificate and key (PEM) */
  files: {
    routerCa: string;
    serverCa: string;
    server: CertificatePair;
    router: CertificatePair;
    rogue: CertificatePair;
  };
  read(file: string): Buffer;
  remove(): void;
}

/**
 * A self-signed certificate `<dir>/<name>.pem` and its key `<dir>/<name>.key` (EC P-256, two days), made with the
 * machine's `openssl`; with `altNames` (e.g. `IP:127.0.0.1,DNS:localhost`) valid for those names.
 */
export function selfSignedCertificate(dir: string, name: string, altNames?: string): CertificatePair {
  const pair = { cert: path.join(dir, `${name}.pem`), key: path.join(dir, `${name}.key`) };
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      ...(altNames ? ['-addext', `subjectAltName=${altNames}`] : []),
      '-keyout',
      pair.key,
      '-out',
      pair.cert,
    ],
    { stdio: 'pipe' },
  );
  return pair;
}

/**
 * Real X.509 material made with the machine's `openssl` for one test run: a CA for subgraph server
 * certificates, a CA for router client certificates, a server certificate for 127.0.0.1, the router's client
 * certificate, and a client certificate from a CA nobody trusts.
 */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'casino-pki-'));
  const at = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ca = (name: string) => selfSignedCertificate(dir, name);
  const issue = (name: string, issuer: string, extensions: string) => {
    writeFileSync(at(`${name}.ext`), extensions);
    openssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      at(`${name}.key`),
      '-out',
      at(`${name}.csr`),
    );
    openssl(
      'x509',
      '-req',
      '-in',
      at(`${name}.csr`),
      '-CA',
      at(`${issuer}.pem`),
      '-CAkey',
      at(`${issuer}.key`),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      at(`${name}.ext`),
      '-out',
      at(`${name}.pem`),
    );
    return { cert: at(`${name}.pem`), key: at(`${name}.key`) };
  };
  ca('subgraph-ca');
  ca('router-ca');
  ca('rogue-ca');
  const server = issue(
    'subgraph',
    'subgraph-ca',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  const router = issue('router', 'router-ca', 'extendedKeyUsage=clientAuth\n');
  const rogue = issue('router-impostor', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    files: { routerCa: at('router-ca.pem'), serverCa: at('subgraph-ca.pem'), server, router, rogue },
    read: (file) => readFileSync(file),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
