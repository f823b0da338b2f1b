import type { NonceStore } from '../identity/index.js';
import type { Db } from '../store/index.js';

/**
 * Replay protection that survives a restart: a nonce is claimed by inserting it; a second
 * insert finds it. Old nonces are pruned, since their timestamps are refused as stale anyway.
 */
export class DbNonceStore implements NonceStore {
  private claims = 0;

  constructor(
    private readonly db: Db,
    private readonly retainMs: number,
  ) {}

  async claim(sender: string, nonce: string, ts: number): Promise<boolean> {
    const rows = await this.db.query(
      `insert into seen_nonces (sender, nonce, ts) values ($1, $2, $3)
       on conflict do nothing returning nonce`,
      [sender, nonce, ts],
    );
    if (++this.claims % 1000 === 0) {
      await this.db.query('delete from seen_nonces where ts < $1', [Date.now() - this.retainMs]);
    }
    return rows.length > 0;
  }
}
