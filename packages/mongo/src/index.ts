export * from './client';
export * from './documents';
export * from './loaders';
export * from './paginate';
export * from './retention';
export * from './dead-letters';
export * from './index-check';
export * from './seed';
