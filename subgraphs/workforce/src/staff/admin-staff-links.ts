import type { ServiceClient } from '@casino/auth';

/** The link look-up workforce sends compliance (compliance's contract test runs this very document). */
export const STAFF_MEMBER_OF_ADMIN = /* GraphQL */ `
  query StaffMemberOfAdmin($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on AdminUser {
        staffMember {
          id
        }
      }
    }
  }
`;

/** Which staff record a back-office account belongs to: compliance owns the link, so workforce asks it. */
export class AdminStaffLinks {
  constructor(private readonly compliance: ServiceClient) {}

  /** The staff member behind the admin account, or null when the account has none (or does not exist). */
  async staffMemberIdOf(adminUserId: string): Promise<string | null> {
    const data = await this.compliance.request<{
      _entities: ({ staffMember: { id: string } | null } | null)[];
    }>(STAFF_MEMBER_OF_ADMIN, { representations: [{ __typename: 'AdminUser', id: adminUserId }] });
    return data._entities[0]?.staffMember?.id ?? null;
  }
}
