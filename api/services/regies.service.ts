// A régie's payment settings, changed by the commune's administrator: its provider (PayFiP with
// its client number and mode, or the sandbox outside production) and the billing software's API
// key, of which only the SHA-256 is kept (the key is shown once, when it is made).
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Regie, type Commune } from '../../db/entities';
import { NotFoundError, ValidationError } from '../errors';
import { hashApiKey } from './invoice-import.service';

export const PAYFIP_MODES = { T: 'T — test', X: 'X — activation', W: 'W — production' } as const;

export interface RegieSettingsInput {
  provider: unknown;
  numcli: unknown;
  mode: unknown;
}

export class RegieSettingsService {
  constructor(private readonly deps: { dataSource: DataSource; sandboxAllowed: boolean }) {}

  get sandboxAllowed(): boolean {
    return this.deps.sandboxAllowed;
  }

  async get(commune: Commune, code: string): Promise<Regie> {
    const regie = await this.deps.dataSource.getRepository(Regie).findOneBy({ communeId: commune.id, code: code.trim().toLowerCase() });
    if (!regie) throw new NotFoundError("Cette régie n'existe pas dans votre commune.");
    return regie;
  }

  async update(commune: Commune, code: string, input: RegieSettingsInput): Promise<Regie> {
    const regie = await this.get(commune, code);
    const provider = typeof input.provider === 'string' ? input.provider : '';
    const numcli = typeof input.numcli === 'string' ? input.numcli.trim() : '';
    const mode = typeof input.mode === 'string' ? input.mode.trim().toUpperCase() : '';
    const errors: Record<string, string> = {};
    if (provider !== 'payfip' && provider !== 'sandbox') errors.prestataire = 'Choisissez le prestataire de paiement de la régie.';
    if (provider === 'sandbox' && !this.deps.sandboxAllowed) {
      errors.prestataire = 'Le bac à sable n’est pas disponible en production : choisissez PayFiP.';
    }
    if (provider === 'payfip') {
      if (!/^\d{6}$/.test(numcli)) errors.numcli = 'Le numéro client PayFiP compte 6 chiffres (il figure dans la convention d’adhésion).';
      if (!Object.prototype.hasOwnProperty.call(PAYFIP_MODES, mode)) errors.mode = 'Choisissez le mode PayFiP : T (test), X (activation) ou W (production).';
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const settings = provider === 'payfip'
      ? { provider: 'payfip' as const, payfipNumcli: numcli, payfipMode: mode as 'T' | 'X' | 'W' }
      : { provider: 'sandbox' as const, payfipNumcli: null, payfipMode: null };
    await this.deps.dataSource.getRepository(Regie).update({ id: regie.id }, settings);
    return { ...regie, ...settings };
  }

  /** A new key for the billing software; the previous one stops working at once. */
  async rotateApiKey(commune: Commune, code: string): Promise<string> {
    const regie = await this.get(commune, code);
    const key = `${regie.code}-${randomBytes(24).toString('base64url')}`;
    await this.deps.dataSource.getRepository(Regie).update({ id: regie.id }, { apiKeyHash: hashApiKey(key) });
    return key;
  }
}
