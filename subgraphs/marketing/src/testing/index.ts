/** Fixtures other packages' tests use: `import { ... } from '@casino/marketing/testing'`. */
export * from './identities';
export * from './play-and-members';
export * from './dashboard';
