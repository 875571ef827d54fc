// The demo commune, Beaucouzé, and its agent, so `npm run dev` shows a working portal at once.
// Idempotent: run at every dev start, and by the compose demo stack (scripts/migrate.ts --demo).
// A real commune's data comes from its own setup, not from here.
import type { DataSource } from 'typeorm';
import { Agent, Commune, Regie } from './entities';
import { hashSecret } from '../api/services/secrets';
import { hashApiKey } from '../api/services/invoice-import.service';

export const DEMO_COMMUNE = {
  slug: 'beaucouze',
  name: 'Beaucouzé',
  holidayZone: 'FR',
  postalAddress: 'Mairie de Beaucouzé\nService Citoyenneté\nPlace Jacques Prévert\n49070 Beaucouzé',
  agentsEmail: 'accueil@beaucouze.localhost',
};

export const DEMO_AGENT = {
  login: 'agent.beaucouze',
  password: 'Démo-Beaucouzé-2026!',
  email: 'agent@beaucouze.localhost',
  displayName: 'Agent d’accueil (démo)',
};

/**
 * The demo's two régies, paid through the sandbox (a local card page). The billing software's
 * API keys are demo values too: a real commune sets its own (only their SHA-256 is stored).
 */
export const DEMO_REGIES = [
  { code: 'ville', name: 'Ville', services: ['Scolaire', 'Périscolaire', 'Petite enfance'], apiKey: 'demo-regie-ville-cle-api-2026' },
  { code: 'ccas', name: 'CCAS', services: ['Action sociale'], apiKey: 'demo-regie-ccas-cle-api-2026' },
] as const;

export async function seedDemo(dataSource: DataSource): Promise<{ commune: Commune; agent: Agent; regies: Regie[] }> {
  const communes = dataSource.getRepository(Commune);
  let commune = await communes.findOneBy({ slug: DEMO_COMMUNE.slug });
  if (!commune) {
    await communes.insert(DEMO_COMMUNE);
    commune = await communes.findOneByOrFail({ slug: DEMO_COMMUNE.slug });
  }
  const agents = dataSource.getRepository(Agent);
  let agent = await agents.findOneBy({ login: DEMO_AGENT.login });
  if (!agent) {
    await agents.insert({
      communeId: commune.id,
      login: DEMO_AGENT.login,
      email: DEMO_AGENT.email,
      displayName: DEMO_AGENT.displayName,
      passwordHash: await hashSecret(DEMO_AGENT.password),
      role: 'admin',
    });
    agent = await agents.findOneByOrFail({ login: DEMO_AGENT.login });
  }
  const regies = dataSource.getRepository(Regie);
  for (const r of DEMO_REGIES) {
    if (await regies.findOneBy({ communeId: commune.id, code: r.code })) continue;
    await regies.insert({
      communeId: commune.id, code: r.code, name: r.name, services: [...r.services], provider: 'sandbox',
      payfipNumcli: null, payfipMode: null, apiKeyHash: hashApiKey(r.apiKey),
    });
  }
  return { commune, agent, regies: await regies.findBy({ communeId: commune.id }) };
}
