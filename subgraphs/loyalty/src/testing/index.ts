/** Fixtures other packages' tests use: `import { ... } from '@casino/loyalty/testing'`. */
export * from './fixtures';
export * from './dashboard';
export * from './crash';
