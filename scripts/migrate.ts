// `npm run migrate` (and the compose stack's one-shot `setup` service): creates the database if
// need be and applies the migrations, once, before the api and worker replicas start. With
// `--demo`, it also creates the demo commune (Beaucouzé, its agent, its régies) if absent.
import 'reflect-metadata';
import { loadConfig } from '../config';
import { openDatabase } from '../db/data-source';
import { seedDemo } from '../db/seed';

async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = await openDatabase(config.databaseUrl, { poolSize: 1 });
  try {
    if (process.argv.includes('--demo')) {
      const { commune } = await seedDemo(dataSource);
      console.log(`Commune de démonstration prête : ${commune.name}`);
    }
    console.log('Base de données à jour.');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
