import { createHash } from 'node:crypto';
import type { Logger } from '../../shared/logger';
import { SIGNATURE_WINDOW_MS } from '../../shared/relay-protocol/request-signing';
import { updateItem } from '../state/conditional-update';
import { ETagConflictError } from '../state/state-store';
import type { StateStore } from '../state/state-store';

/** Remembers the nonces of signed requests, so each is accepted once. */
export interface NonceRegistry {
  /** Records `keyId`/`nonce`; false when it was already used. */
  use(keyId: string, nonce: string, timestamp: number, now?: number): Promise<boolean>;
}

/** Options of {@link NonceLedger}. */
export interface NonceLedgerOptions {
  /** How far a timestamp may be from now, either way; a nonce is kept at least this long past it. */
  windowMs?: number;
  /** How much time one slot of nonces covers; old slots are dropped whole. */
  slotMs?: number;
  /** Where a failed sweep is reported; it never fails a request. */
  logger?: Logger;
}

/** The slots that hold nonces, so a sweep can find them (the store cannot list keys). */
const SLOTS_KEY = 'relay/nonce-slots';
/** The nonces of one slot, so a sweep can delete them. */
const SLOT_KEY = (slot: number) => `relay/nonce-slots/${slot}`;
/** One nonce: its existence is the record. One folder for all, so the file store keeps no empty ones. */
const NONCE_KEY = (slot: number, digest: string) => `relay/nonces/${slot}-${digest}`;

interface SlotList {
  slots: number[];
}

interface SlotIndex {
  digests: string[];
}

/**
 * Relay request nonces in the shared state store: a request replayed to another instance is
 * refused as it is on the instance that saw it first. Each nonce is a key created only if absent
 * (`expectedETag: null`), so of two instances receiving the same request at once exactly one
 * accepts it. Nonces are grouped in time slots by their signed timestamp; a slot is dropped whole
 * once every timestamp in it is outside the signature window (plus one more window, for clocks
 * that differ between instances), swept at most once a slot by whichever instance notices.
 *
 * Keys hold a SHA-256 of key id and nonce, never the relay's text, so no header can shape a key.
 */
export class NonceLedger implements NonceRegistry {
  private readonly windowMs: number;
  private readonly slotMs: number;
  /** Slots this instance already saw listed. */
  private readonly listed = new Set<number>();
  private lastSweep = 0;
  private sweeping: Promise<unknown> | null = null;

  constructor(
    private readonly store: StateStore,
    private readonly options: NonceLedgerOptions = {},
  ) {
    this.windowMs = options.windowMs ?? SIGNATURE_WINDOW_MS;
    this.slotMs = options.slotMs ?? 60_000;
  }

  /**
   * Records the nonce; false when any instance recorded it before. The slot's index is written
   * first, so a nonce is never stored where no sweep would find it.
   */
  async use(keyId: string, nonce: string, timestamp: number, now: number = Date.now()): Promise<boolean> {
    const slot = Math.floor(timestamp / this.slotMs);
    const digest = createHash('sha256').update(`${keyId}\n${nonce}`, 'utf8').digest('hex');
    await this.list(slot, now);
    await updateItem<SlotIndex>(this.store, SLOT_KEY(slot), (index) =>
      index?.digests.includes(digest) ? undefined : { digests: [...(index?.digests ?? []), digest] },
    );
    try {
      await this.store.write(NONCE_KEY(slot, digest), { at: new Date(now).toISOString() }, null);
    } catch (err) {
      if (err instanceof ETagConflictError) return false;
      throw err;
    }
    this.sweepSoon(now);
    return true;
  }

  /**
   * Drops every slot whose nonces can no longer be replayed: each nonce, the slot's index, and the
   * slot from the list. Returns the slots dropped.
   */
  async sweep(now: number = Date.now()): Promise<number[]> {
    const slots = (await this.store.read<SlotList>(SLOTS_KEY))?.value.slots ?? [];
    const dropped = slots.filter((slot) => this.outdated(slot, now));
    for (const slot of dropped) {
      const digests = (await this.store.read<SlotIndex>(SLOT_KEY(slot)))?.value.digests ?? [];
      for (const digest of digests) await this.store.delete(NONCE_KEY(slot, digest));
      await this.store.delete(SLOT_KEY(slot));
      await updateItem<SlotList>(this.store, SLOTS_KEY, (list) =>
        list?.slots.includes(slot) ? { slots: list.slots.filter((s) => s !== slot) } : undefined,
      );
    }
    return dropped;
  }

  /** True once the newest timestamp of `slot` is more than two windows old. */
  private outdated(slot: number, now: number): boolean {
    return (slot + 1) * this.slotMs + 2 * this.windowMs <= now;
  }

  /** Adds `slot` to the list of slots, once per instance. */
  private async list(slot: number, now: number): Promise<void> {
    if (this.listed.has(slot)) return;
    await updateItem<SlotList>(this.store, SLOTS_KEY, (list) =>
      list?.slots.includes(slot) ? undefined : { slots: [...(list?.slots ?? []), slot] },
    );
    for (const old of this.listed) if (this.outdated(old, now)) this.listed.delete(old);
    this.listed.add(slot);
  }

  /** Sweeps in the background, at most once a slot; a failure is logged and tried again later. */
  private sweepSoon(now: number): void {
    if (this.sweeping || now - this.lastSweep < this.slotMs) return;
    this.lastSweep = now;
    this.sweeping = this.sweep(now)
      .catch((err: unknown) => this.options.logger?.warn({ err }, 'dropping old relay nonces failed'))
      .finally(() => (this.sweeping = null));
  }
}
