/**
 * Who may sign in as a user id, and which Xbox Live xuids belong to which user. A user id is bound
 * to the secret of the first process that signed in with it (each process makes one at random), and
 * stays bound after it signs out: another process cannot take over a user who lost its connection,
 * nor claim the xuids of one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { PeerId } from '../base/peer_id.js';

/**
 * User ids remembered with their secret: every signed-in one, and the most recently signed out up
 * to this many in all (the oldest sign-out is forgotten first, and its id may be taken again).
 */
export const MAX_REMEMBERED_USERS = 65536;
/** Xbox Live xuids one user (a console) may claim. */
export const MAX_XUIDS_PER_USER = 256;

interface Account {
  readonly digest: Buffer;
  readonly xuids: Set<string>;
  signedIn: boolean;
}

const NO_XUIDS: ReadonlySet<string> = new Set();

const digestOf = (secret: string): Buffer => createHash('sha256').update(secret).digest();

export class PlatformAccounts {
  /** Oldest sign-out first (a sign-out moves its account to the end). */
  private readonly accounts = new Map<PeerId, Account>();
  private readonly xuidOwners = new Map<string, PeerId>();

  /** Sign `user` in with `secret`; undefined when it may, else why not (nothing changes then). */
  signIn(user: PeerId, secret: string): string | undefined {
    const digest = digestOf(secret);
    const account = this.accounts.get(user);
    if (account?.signedIn) return `user ${user} is already signed in`;
    if (account && !timingSafeEqual(account.digest, digest)) return `user ${user} belongs to another process (its secret does not match)`;
    if (account) account.signedIn = true;
    else this.accounts.set(user, { digest, xuids: new Set(), signedIn: true });
    this.forgetOldest();
    return undefined;
  }

  signOut(user: PeerId): void {
    const account = this.accounts.get(user);
    if (!account) return;
    account.signedIn = false;
    this.accounts.delete(user);
    this.accounts.set(user, account);
    this.forgetOldest();
  }

  /** Bind `xuid` to `user` (signed in); undefined when it may, else why not (nothing changes then). */
  claimXuid(user: PeerId, xuid: string): string | undefined {
    const owner = this.xuidOwners.get(xuid);
    if (owner === user) return undefined;
    if (owner !== undefined) return `xuid ${xuid} belongs to ${owner}`;
    const account = this.accounts.get(user)!;
    if (account.xuids.size >= MAX_XUIDS_PER_USER) return `${user} has ${MAX_XUIDS_PER_USER} xuids already`;
    account.xuids.add(xuid);
    this.xuidOwners.set(xuid, user);
    return undefined;
  }

  /** The xuids `user` (a console) has claimed: its Xbox Live users, then and now. */
  xuidsOf(user: PeerId): ReadonlySet<string> {
    return this.accounts.get(user)?.xuids ?? NO_XUIDS;
  }

  xuidOwner(xuid: string): PeerId | undefined {
    return this.xuidOwners.get(xuid);
  }

  get remembered(): number {
    return this.accounts.size;
  }

  private forgetOldest(): void {
    if (this.accounts.size <= MAX_REMEMBERED_USERS) return;
    // Signed-in users are never forgotten; at most one account is over the bound per call.
    for (const [user, account] of this.accounts) {
      if (account.signedIn) continue;
      this.accounts.delete(user);
      for (const xuid of account.xuids) this.xuidOwners.delete(xuid);
      return;
    }
  }
}
