/** A Member is owned by loyalty; gaming only knows its id and hands out references the gateway resolves. */
export interface MemberReference {
  __typename?: 'Member';
  id: string;
}

export const memberReference = (id: string): MemberReference => ({ __typename: 'Member', id });
