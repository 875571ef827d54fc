// One series of request numbers per commune and year, shared by démarches and civil-status
// requests, so a number quoted on an envelope or on the phone names one request only.
import type { EntityManager } from 'typeorm';
import type { Commune } from '../../db/entities';
import { communePrefix, formatRequestNumber, requestYear } from '../../domain/request-number';

/** BEA-2026-000123, inside the caller's transaction (the counter row is locked until it commits). */
export async function allocateRequestNumber(em: EntityManager, commune: Commune, submittedAt: Date): Promise<string> {
  const year = requestYear(submittedAt);
  // One counter row per commune and year; LAST_INSERT_ID hands this transaction its number.
  await em.query(
    `INSERT INTO request_counter (commune_id, year, last_sequence) VALUES (?, ?, LAST_INSERT_ID(1))
     ON DUPLICATE KEY UPDATE last_sequence = LAST_INSERT_ID(last_sequence + 1)`,
    [commune.id, year],
  );
  const [{ sequence }] = (await em.query('SELECT LAST_INSERT_ID() AS sequence')) as Array<{ sequence: number | string }>;
  return formatRequestNumber(communePrefix(commune.slug), year, Number(sequence));
}
