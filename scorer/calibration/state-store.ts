import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { CalibrationState } from './site-calibration.js';

/** Where the site calibration survives restarts: the data directory, or Redis beside the windows. */
export interface CalibrationStore {
  readonly name: string;
  /** The saved state, or undefined when there is none (or it cannot be read: start afresh). */
  load(): Promise<unknown>;
  save(state: CalibrationState): Promise<void>;
  close(): Promise<void>;
}

/** `<data-dir>/calibration.json`, replaced atomically (write + rename). */
export class FileCalibrationStore implements CalibrationStore {
  readonly name: string;

  constructor(private readonly file: string) {
    this.name = `file ${file}`;
  }

  async load(): Promise<unknown> {
    try {
      return JSON.parse(await fs.promises.readFile(this.file, 'utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  async save(state: CalibrationState): Promise<void> {
    const temporary = `${this.file}.${process.pid}.tmp`;
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    await fs.promises.writeFile(temporary, JSON.stringify(state));
    await fs.promises.rename(temporary, this.file);
  }

  async close(): Promise<void> {}
}

/**
 * One key in the Redis the windows live in. Collectors that share Redis share one saved state:
 * each adapts on the events it receives and the last to save wins (README of scorer/).
 */
export class RedisCalibrationStore implements CalibrationStore {
  readonly name: string;
  private readonly client: Redis;

  constructor(
    url: string,
    private readonly key: string,
  ) {
    this.name = `redis key ${key}`;
    this.client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    this.client.on('error', () => undefined);
  }

  async load(): Promise<unknown> {
    try {
      const text = await this.client.get(this.key);
      return text === null ? undefined : (JSON.parse(text) as unknown);
    } catch {
      return undefined;
    }
  }

  async save(state: CalibrationState): Promise<void> {
    await this.client.set(this.key, JSON.stringify(state));
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
