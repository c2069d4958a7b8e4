import { randomBytes } from 'node:crypto';

/** A set of AES-256 keys by id: `current` encrypts, every key decrypts (older ones until rotation is done). */
export interface Keyring {
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

export class KeyringError extends Error {
  override name = 'KeyringError';
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Parses `id:base64key,id:base64key` (each key exactly 32 bytes) and the id of the current key. Any malformed
 * entry stops the service with a message that names the problem but never the key material.
 */
export function parseKeyring(spec: string, current: string): Keyring {
  const keys = new Map<string, Buffer>();
  for (const entry of spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(':');
    const id = separator > 0 ? entry.slice(0, separator) : '';
    if (!KEY_ID.test(id))
      throw new KeyringError(`key id "${id || '(missing)'}" must be 1-32 letters, digits, _ or -`);
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (key.length !== 32)
      throw new KeyringError(`key "${id}" must be 32 bytes of base64 (got ${key.length} bytes)`);
    if (keys.has(id)) throw new KeyringError(`key id "${id}" appears twice`);
    keys.set(id, key);
  }
  if (keys.size === 0) throw new KeyringError('no encryption keys configured');
  if (!keys.has(current)) throw new KeyringError(`the current key id "${current}" is not in the keyring`);
  return { current, keys };
}

/** A fresh key in the keyring's text form, for operators (`pnpm exec tsx -e ...`) and tests. */
export function generateKeySpec(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}
