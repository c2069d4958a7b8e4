// The ledger lives in points/ (its store, the posting path and the flows); this name stays only for the
// crash-safety test, whose imports must not change.
export type * from '../points/ledger-store';
