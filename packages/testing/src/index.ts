export * from './subgraph-harness';
export * from './identities';
export * from './bench';
export * from './tls-certificates';
