/** The walk-in mutations as the floor registers and lets out a guest (the guest tests share them). */
export const REGISTER_WALK_IN_GUEST = /* GraphQL */ `
  mutation ($input: RegisterWalkInGuestInput!) {
    registerWalkInGuest(input: $input) {
      id
    }
  }
`;

export const RECORD_GUEST_EXIT = /* GraphQL */ `
  mutation ($input: RecordGuestExitInput!) {
    recordGuestExit(input: $input) {
      id
      exitTime
      spendAmount
      gamesPlayed
      servicesUsed
      notes
    }
  }
`;
