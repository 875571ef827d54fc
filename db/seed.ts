// The demo commune, Beaucouzé, and its agent, so `npm run dev` shows a working portal at once.
// Idempotent: run at every dev start. Never run in production (scripts/dev.ts only).
import type { DataSource } from 'typeorm';
import { Agent, Commune } from './entities';
import { hashSecret } from '../api/services/secrets';

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

export async function seedDemo(dataSource: DataSource): Promise<{ commune: Commune; agent: Agent }> {
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
  return { commune, agent };
}
