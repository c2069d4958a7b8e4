/** Fixtures other packages' tests use: `import { ... } from '@casino/gaming/testing'`. */
export * from './dead-service';
export * from './fixtures';
export * from './gaming';
export * from './loyalty';
