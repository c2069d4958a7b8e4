/**
 * `pnpm keys`: a fresh Ed25519 key pair for the gateway and each subgraph, printed as environment lines.
 * Give each service its own `SERVICE_SIGNING_KEY` (docker compose reads `<SERVICE>_SIGNING_KEY`) and every
 * service the same `SERVICE_PUBLIC_KEYS`. Keys are printed once and stored nowhere.
 */
import { randomBytes } from 'node:crypto';
import { CALLER_NAMES, privateKeyFromSeed, publicKeyString } from '@casino/auth';

const seeds = CALLER_NAMES.map((name) => ({ name, seed: randomBytes(32) }));
const lines = seeds.map(({ name, seed }) => `${name.toUpperCase()}_SIGNING_KEY=${seed.toString('base64')}`);
const publicKeys = seeds
  .map(({ name, seed }) => `${name}:${publicKeyString(privateKeyFromSeed(seed))}`)
  .join(',');
process.stdout.write(`${lines.join('\n')}\nSERVICE_PUBLIC_KEYS=${publicKeys}\n`);
