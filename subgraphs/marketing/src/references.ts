/** Entities owned by other subgraphs, as the stubs this subgraph hands to the gateway. */
export interface MemberReference {
  __typename?: 'Member';
  id: string;
}

export interface AdminUserReference {
  __typename?: 'AdminUser';
  id: string;
}

export const memberReference = (id: string | null | undefined): MemberReference | null =>
  id ? { __typename: 'Member', id } : null;

export const adminUserReference = (id: string | null | undefined): AdminUserReference | null =>
  id ? { __typename: 'AdminUser', id } : null;
