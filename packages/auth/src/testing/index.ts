/** Identities for tests, here and in every package above auth: `import { ... } from '@casino/auth/testing'`. */
export * from './identities';
