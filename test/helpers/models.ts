/** The committed models (models/current), loaded as `siemad serve` loads them, for in-process tests. */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/package-root.js';
import { FAMILIES } from '../../scorer/features/definitions.js';
import type { Sidecar } from '../../scorer/model/sidecar.js';

export const MODEL_DIR = join(PACKAGE_ROOT, 'models', 'current');

/**
 * Copies the committed models into `directory` with `change` applied to their sidecar (another
 * ensemble method, other weights), so a test can load the real ONNX files under other settings.
 */
export async function modelCopy(directory: string, change: (sidecar: Sidecar) => void): Promise<string> {
  await mkdir(directory, { recursive: true });
  const sidecar = JSON.parse(await readFile(join(MODEL_DIR, 'model.json'), 'utf8')) as Sidecar;
  for (const family of FAMILIES) {
    for (const model of sidecar.families[family].models) await copyFile(join(MODEL_DIR, model.file), join(directory, model.file));
  }
  change(sidecar);
  await writeFile(join(directory, 'model.json'), JSON.stringify(sidecar));
  return directory;
}
