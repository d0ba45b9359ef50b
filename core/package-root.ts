import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding our package.json, found from source (`core/`) or build (`dist/core/`). */
function findPackageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'siem-anomaly-detector') return dir;
    } catch {
      /* keep looking upwards */
    }
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export const PACKAGE_ROOT = findPackageRoot();
