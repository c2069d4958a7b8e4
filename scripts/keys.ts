/**
 * `pnpm keys`: fresh keys for a deployment, printed once as environment lines and stored nowhere.
 *  - request credentials: an Ed25519 key for the gateway and each subgraph (`<SERVICE>_SIGNING_KEY`, given to
 *    that service as SERVICE_SIGNING_KEY; docker compose does this) and the public keys of all of them
 *    (SERVICE_PUBLIC_KEYS, for every service);
 *  - access tokens: compliance's signing key (ACCESS_TOKEN_SIGNING_KEY) and its public key
 *    (ACCESS_TOKEN_PUBLIC_KEYS, for the gateway and every subgraph);
 *  - router mode: the secret of Hive Router's per-request signature (ROUTER_SIGNING_SECRET).
 */
import { randomBytes } from 'node:crypto';
import { CALLER_NAMES, privateKeyFromSeed, publicKeyString } from '@casino/auth';

const seeds = CALLER_NAMES.map((name) => ({ name, seed: randomBytes(32) }));
const publicKeys = seeds
  .map(({ name, seed }) => `${name}:${publicKeyString(privateKeyFromSeed(seed))}`)
  .join(',');
const accessToken = randomBytes(32);
const lines = [
  ...seeds.map(({ name, seed }) => `${name.toUpperCase()}_SIGNING_KEY=${seed.toString('base64')}`),
  `SERVICE_PUBLIC_KEYS=${publicKeys}`,
  `ACCESS_TOKEN_SIGNING_KEY=${accessToken.toString('base64')}`,
  `ACCESS_TOKEN_PUBLIC_KEYS=${publicKeyString(privateKeyFromSeed(accessToken))}`,
  `ROUTER_SIGNING_SECRET=${randomBytes(32).toString('base64url')}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
