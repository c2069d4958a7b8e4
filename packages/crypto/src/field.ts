import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring';

/**
 * Stored form of an encrypted field: `enc.v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id
 * travels with the value so keys can rotate; the additional authenticated data binds the ciphertext to its
 * document and field, so it cannot be copied onto another member.
 */
const PREFIX = 'enc.v1.';

export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

export interface FieldContext {
  collection: string;
  field: string;
  documentId: string;
}

const aad = (context: FieldContext) =>
  Buffer.from(`${context.collection}.${context.field}.${context.documentId}`);

export const isEncrypted = (value: unknown): value is string =>
  typeof value === 'string' && value.startsWith(PREFIX);

export function encryptField(plaintext: string, keyring: Keyring, context: FieldContext): string {
  const key = keyring.keys.get(keyring.current)!;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'));
  return `${PREFIX}${keyring.current}.${parts.join('.')}`;
}

export function keyIdOf(stored: string): string {
  if (!isEncrypted(stored)) throw new DecryptionError('value is not an encrypted field');
  return stored.slice(PREFIX.length).split('.')[0]!;
}

export function decryptField(stored: string, keyring: Keyring, context: FieldContext): string {
  if (!isEncrypted(stored)) throw new DecryptionError('value is not an encrypted field');
  const [keyId, iv, tag, ciphertext, extra] = stored.slice(PREFIX.length).split('.');
  if (!keyId || !iv || !tag || ciphertext === undefined || extra !== undefined) {
    throw new DecryptionError('malformed encrypted field');
  }
  const key = keyring.keys.get(keyId);
  if (!key) throw new DecryptionError(`no key "${keyId}" in the keyring`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(aad(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new DecryptionError('encrypted field does not authenticate');
  }
}

/** Whether a stored value still needs re-encryption under the current key. */
export const needsRotation = (stored: string, keyring: Keyring): boolean =>
  keyIdOf(stored) !== keyring.current;

/**
 * A keyed hash of a normalised identity-document number, for exact look-ups and unique indexes without the
 * plaintext ever being a query filter. Case, spaces and dashes do not matter.
 */
export function blindIndex(value: string, key: Buffer): string {
  const normalised = value.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '');
  return createHmac('sha256', key).update(normalised).digest('base64url');
}
