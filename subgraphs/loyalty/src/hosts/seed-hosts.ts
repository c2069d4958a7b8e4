import type { Db } from 'mongodb';
import type { MemberDocument } from '../members/member-store';

/** A seeded staff member as the workforce seed reports it. */
export interface HostCandidateSeed {
  id: string;
  department: string;
  active: boolean;
}

/**
 * Assigns the demo's hosts once workforce is seeded: every member above Ruby, and every fifth Ruby member, is
 * hosted by an active Gaming staff member, taken in turn. No faker draws. Returns how many members got a host.
 */
export async function seedLoyaltyHosts(db: Db, staff: HostCandidateSeed[]): Promise<number> {
  const hosts = staff.filter((s) => s.active && s.department === 'Gaming').map((s) => s.id);
  if (hosts.length === 0) return 0;
  const members = db.collection<MemberDocument>('members');
  const hosted = await members
    .find({}, { projection: { _id: 0, id: 1, tier: 1 }, sort: { id: 1 } })
    .toArray();
  let assigned = 0;
  for (const [n, member] of hosted.entries()) {
    if (member.tier === 'Ruby' && n % 5 !== 0) continue;
    await members.updateOne({ id: member.id }, { $set: { host_staff_id: hosts[assigned % hosts.length]! } });
    assigned += 1;
  }
  return assigned;
}
