import 'reflect-metadata';
import { DataSource } from 'typeorm';
import mysql from 'mysql2/promise';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DataSourceOptions {
  poolSize?: number;
  /** Only tests may build the schema from the entities; everywhere else migrations do. */
  synchronize?: boolean;
}

export function createDataSource(databaseUrl: string, options: DataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'mysql',
    url: databaseUrl.replace(/^mariadb:/, 'mysql:'),
    charset: 'utf8mb4_unicode_ci',
    // Dates are stored in UTC; Europe/Paris is applied by the domain rules and the pages.
    timezone: 'Z',
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: options.synchronize ?? false,
    poolSize: options.poolSize ?? 10,
    logging: ['error'],
  });
}

/** Creates the database named in the URL when it does not exist yet (first `npm run dev`). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'));
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Nom de base de données invalide : « ${name} »`);
  url.pathname = '/';
  const connection = await mysql.createConnection({ uri: url.toString() });
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
}

/** Creates the database if missing and applies pending migrations; returns an initialised source. */
export async function openDatabase(databaseUrl: string, options: DataSourceOptions = {}): Promise<DataSource> {
  await ensureDatabase(databaseUrl);
  const dataSource = createDataSource(databaseUrl, options);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
