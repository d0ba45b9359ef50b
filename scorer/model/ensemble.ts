import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { ERROR_CODES, SiemadError } from '../../core/errors.js';
import { FAMILIES, FAMILY_FEATURES, FEATURE_COUNT, type Family } from '../features/definitions.js';
import { calibrate } from './calibration.js';
import { loadSidecar, type Sidecar, type SidecarFamily } from './sidecar.js';

const ONNX_RUN_ROWS = 64;

interface LoadedModel {
  name: string;
  session: ort.InferenceSession;
  outputName: string;
  orientation: number;
  weight: number;
  calibration: SidecarFamily['models'][number]['calibration'];
}

/**
 * One event family's models: picks the family's features out of full feature rows, scales them
 * as the sidecar says, runs every ONNX model, calibrates each to a 0–1 risk and combines them.
 */
export class FamilyModel {
  readonly family: Family;
  readonly spec: SidecarFamily;
  /** Global feature indexes this family reads, in model input order. */
  readonly features: readonly number[];
  private readonly models: LoadedModel[];
  private readonly log1p: Uint8Array;
  private readonly centers: Float32Array;
  private readonly scales: Float32Array;
  private readonly totalWeight: number;
  private readonly inputName: string;

  constructor(family: Family, spec: SidecarFamily, models: LoadedModel[], inputName: string) {
    this.family = family;
    this.spec = spec;
    this.features = FAMILY_FEATURES[family];
    this.models = models;
    this.inputName = inputName;
    this.log1p = Uint8Array.from(spec.features, (f) => (f.transform === 'log1p' ? 1 : 0));
    this.centers = Float32Array.from(spec.features, (f) => f.center);
    this.scales = Float32Array.from(spec.features, (f) => f.scale);
    this.totalWeight = models.reduce((sum, model) => sum + model.weight, 0) || 1;
  }

  get modelNames(): string[] {
    return this.models.map((model) => model.name);
  }

  /**
   * Scores the rows `rows` of `raw` (full feature rows, row-major). Writes each row's combined
   * risk to `risks[k]` and its per-model risks to `modelRisks[k * models + m]`, k = position in `rows`.
   */
  async score(raw: Float32Array, rows: readonly number[], risks: Float32Array, modelRisks: Float32Array): Promise<void> {
    const d = this.features.length;
    const n = rows.length;
    if (n === 0) return;
    const scaled = new Float32Array(n * d);
    for (let k = 0; k < n; k++) {
      const base = rows[k]! * FEATURE_COUNT;
      for (let j = 0; j < d; j++) {
        let x = raw[base + this.features[j]!]!;
        // biome-ignore lint/complexity/useMathMinMax: a NaN feature must become 0 here, and Math.max would keep it NaN.
        if (this.log1p[j] === 1) x = Math.log1p(x > 0 ? x : 0);
        scaled[k * d + j] = (x - this.centers[j]!) / this.scales[j]!;
      }
    }
    const m = this.models.length;
    // onnxruntime's tree ensemble is fastest per row on runs of about 64 rows (measured: 2.1 µs
    // per row at 64, 3.6 µs at 256), so larger batches are cut into runs of that size.
    for (let from = 0; from < n; from += ONNX_RUN_ROWS) {
      const rowsInRun = Math.min(ONNX_RUN_ROWS, n - from);
      const input = new ort.Tensor('float32', scaled.subarray(from * d, (from + rowsInRun) * d), [rowsInRun, d]);
      for (let model = 0; model < m; model++) {
        const spec = this.models[model]!;
        const output = await spec.session.run({ [this.inputName]: input }, [spec.outputName]);
        const data = output[spec.outputName]!.data as Float32Array;
        for (let k = 0; k < rowsInRun; k++) {
          modelRisks[(from + k) * m + model] = calibrate(spec.calibration, spec.orientation * data[k]!);
        }
      }
    }
    const method = this.spec.ensemble.method;
    for (let k = 0; k < n; k++) {
      let combined = method === 'noisy_or' ? 1 : 0;
      for (let model = 0; model < m; model++) {
        const risk = modelRisks[k * m + model]!;
        const weight = this.models[model]!.weight;
        // models/README.md and training (siem_training/ensemble.py): max over models of weight × risk.
        if (method === 'max') combined = Math.max(combined, weight * risk);
        else if (method === 'noisy_or') combined *= (1 - risk) ** weight;
        else combined += (weight * risk) / this.totalWeight;
      }
      risks[k] = method === 'noisy_or' ? 1 - combined : combined;
    }
  }

  async close(): Promise<void> {
    for (const model of this.models) await model.session.release();
  }
}

/** The trained models of every family, loaded once (sessions are reused for every batch). */
export class ModelEnsemble {
  readonly sidecar: Sidecar;
  readonly families: Readonly<Record<Family, FamilyModel>>;

  private constructor(sidecar: Sidecar, families: Record<Family, FamilyModel>) {
    this.sidecar = sidecar;
    this.families = families;
  }

  static async load(directory: string, threads = 1): Promise<ModelEnsemble> {
    const sidecar = loadSidecar(directory);
    const families = {} as Record<Family, FamilyModel>;
    for (const family of FAMILIES) {
      const spec = sidecar.families[family];
      const models: LoadedModel[] = [];
      for (const model of spec.models) {
        const session = await loadSession(path.join(directory, model.file), model.sha256, threads);
        if (!session.outputNames.includes(model.output_name)) {
          throw new SiemadError(ERROR_CODES.MODEL_INVALID, `model ${model.file}: no output named ${model.output_name}`, '--model-dir');
        }
        models.push({
          name: model.name,
          session,
          outputName: model.output_name,
          orientation: model.orientation,
          weight: spec.ensemble.weights?.[model.name] ?? model.weight,
          calibration: model.calibration,
        });
      }
      families[family] = new FamilyModel(family, spec, models, sidecar.input_name);
    }
    return new ModelEnsemble(sidecar, families);
  }

  get version(): string {
    return this.sidecar.model_version;
  }

  async close(): Promise<void> {
    for (const family of FAMILIES) await this.families[family].close();
  }
}

async function loadSession(file: string, sha256: string | undefined, threads: number): Promise<ort.InferenceSession> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new SiemadError(ERROR_CODES.MODEL_INVALID, `model ${file}: cannot read: ${(err as NodeJS.ErrnoException).code}`, '--model-dir');
  }
  if (sha256 !== undefined && createHash('sha256').update(bytes).digest('hex') !== sha256) {
    throw new SiemadError(ERROR_CODES.MODEL_INVALID, `model ${file}: sha256 differs from model.json`, '--model-dir');
  }
  return ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
}
