export * from './subgraph-harness';
export * from './identities';
export * from './bench';
export * from './in-process-subgraph';
export * from './tls-certificates';
export * from './retention';
export * from './rules';
