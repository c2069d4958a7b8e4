export * from './field-resolver';
export * from './scalars';
export * from './date-range';
export * from './projection';
export * from './subgraph-sdl';
