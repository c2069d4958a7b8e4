import type { Db, IndexDescription } from 'mongodb';
import { CollectionStore } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';

export type GameKind = 'table' | 'machine';

/** A game and the numbers theoretical win is computed from. */
export interface GameTypeDocument {
  id: string;
  code: string;
  name: string;
  kind: GameKind;
  /** House advantage as a fraction, e.g. 0.0106 */
  house_edge: number;
  /** Tables only; null for machines */
  decisions_per_hour: number | null;
  /** Machines only; null for tables */
  hold_pct: number | null;
  /** Points per unit of theo, before the tier multiplier */
  points_rate: number;
  is_active: boolean;
  created_at: Date;
}

export interface GameTypeFilterInput {
  kind?: GameKind | null;
  isActive?: boolean | null;
}

export const GAME_TYPES = 'game_types';

export const gameTypeIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { code: 1 }, name: 'code_1', unique: true },
];

/** The document field each key of the list filter matches (see equalityFilter). */
const GAME_TYPE_FILTER_FIELDS = { kind: 'kind', isActive: 'is_active' } as const;

export class GameTypeStore extends CollectionStore<GameTypeDocument> {
  constructor(db: Db) {
    super(db, GAME_TYPES);
  }

  /** Ordered by code: the list is short and read by people picking a game. */
  page(input: GameTypeFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.filteredPage(input, GAME_TYPE_FILTER_FIELDS, args, paging, {
      field: 'code',
      direction: 1,
      type: 'string',
    });
  }

  findActiveByCode(code: string): Promise<GameTypeDocument | null> {
    return this.collection.findOne({ code, is_active: true }, { projection: { _id: 0 } });
  }

  /** The game type's points rate; undefined when there is no such game type. */
  async pointsRateOf(id: string): Promise<number | undefined> {
    const gameType = await this.collection.findOne({ id }, { projection: { _id: 0, points_rate: 1 } });
    return gameType?.points_rate;
  }
}
