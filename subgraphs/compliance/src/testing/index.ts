/** Fixtures other packages' tests use: `import { ... } from '@casino/compliance/testing'`. */
export * from './fixtures';
export * from './upstreams';
export * from './dashboard';
