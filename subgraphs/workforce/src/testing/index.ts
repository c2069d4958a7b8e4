/** Fixtures other packages' tests use: `import { ... } from '@casino/workforce/testing'`. */
export * from './fixtures';
