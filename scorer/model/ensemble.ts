import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { ERROR_CODES, SiemadError } from '../../pipeline/errors.js';
import { FEATURE_COUNT } from '../features/definitions.js';
import { calibrate } from './calibration.js';
import { loadSidecar, type Sidecar } from './sidecar.js';

interface LoadedModel {
  name: string;
  session: ort.InferenceSession;
  outputName: string;
  orientation: number;
  weight: number;
  calibration: Sidecar['models'][number]['calibration'];
}

/**
 * The trained ensemble: scales raw feature rows as the sidecar says, runs every ONNX model on the
 * batch, calibrates each model's score to a 0–1 risk and combines them. Sessions are created once.
 */
export class ModelEnsemble {
  readonly sidecar: Sidecar;
  private readonly models: LoadedModel[];
  private readonly log1p: Uint8Array;
  private readonly centers: Float32Array;
  private readonly scales: Float32Array;
  private readonly totalWeight: number;

  private constructor(sidecar: Sidecar, models: LoadedModel[]) {
    this.sidecar = sidecar;
    this.models = models;
    this.log1p = Uint8Array.from(sidecar.features, (f) => (f.transform === 'log1p' ? 1 : 0));
    this.centers = Float32Array.from(sidecar.features, (f) => f.center);
    this.scales = Float32Array.from(sidecar.features, (f) => f.scale);
    this.totalWeight = models.reduce((sum, model) => sum + model.weight, 0) || 1;
  }

  static async load(directory: string, threads = 1): Promise<ModelEnsemble> {
    const sidecar = loadSidecar(directory);
    const models: LoadedModel[] = [];
    for (const spec of sidecar.models) {
      const file = path.join(directory, spec.file);
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(file);
      } catch (err) {
        throw new SiemadError(ERROR_CODES.MODEL_INVALID, `model ${file}: cannot read: ${(err as NodeJS.ErrnoException).code}`, '--model-dir');
      }
      const digest = createHash('sha256').update(bytes).digest('hex');
      if (spec.sha256 !== undefined && spec.sha256 !== digest) {
        throw new SiemadError(ERROR_CODES.MODEL_INVALID, `model ${file}: sha256 differs from model.json`, '--model-dir');
      }
      const session = await ort.InferenceSession.create(bytes, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
      if (!session.outputNames.includes(spec.output_name)) {
        throw new SiemadError(ERROR_CODES.MODEL_INVALID, `model ${file}: no output named ${spec.output_name}`, '--model-dir');
      }
      models.push({
        name: spec.name,
        session,
        outputName: spec.output_name,
        orientation: spec.orientation,
        weight: sidecar.ensemble.weights?.[spec.name] ?? spec.weight,
        calibration: spec.calibration,
      });
    }
    return new ModelEnsemble(sidecar, models);
  }

  get version(): string {
    return this.sidecar.model_version;
  }

  get modelNames(): string[] {
    return this.models.map((model) => model.name);
  }

  /** Writes the scaled version of `rows` raw feature rows from `raw` into `scaled`. */
  scale(raw: Float32Array, rows: number, scaled: Float32Array): void {
    for (let r = 0; r < rows; r++) {
      const base = r * FEATURE_COUNT;
      for (let j = 0; j < FEATURE_COUNT; j++) {
        let x = raw[base + j]!;
        if (this.log1p[j] === 1) x = Math.log1p(x > 0 ? x : 0);
        scaled[base + j] = (x - this.centers[j]!) / this.scales[j]!;
      }
    }
  }

  /**
   * Scores `rows` scaled rows. Per-model risks go to `modelRisks` (rows × models, row-major),
   * the combined risk to `risks`.
   */
  async score(scaled: Float32Array, rows: number, modelRisks: Float32Array, risks: Float32Array): Promise<void> {
    const input = new ort.Tensor('float32', scaled.subarray(0, rows * FEATURE_COUNT), [rows, FEATURE_COUNT]);
    const m = this.models.length;
    for (let k = 0; k < m; k++) {
      const model = this.models[k]!;
      const output = await model.session.run({ [this.sidecar.input_name]: input }, [model.outputName]);
      const data = output[model.outputName]!.data as Float32Array;
      for (let r = 0; r < rows; r++) {
        modelRisks[r * m + k] = calibrate(model.calibration, model.orientation * data[r]!);
      }
    }
    const method = this.sidecar.ensemble.method;
    for (let r = 0; r < rows; r++) {
      let combined = method === 'noisy_or' ? 1 : 0;
      for (let k = 0; k < m; k++) {
        const risk = modelRisks[r * m + k]!;
        const weight = this.models[k]!.weight;
        if (method === 'max') combined = Math.max(combined, risk);
        else if (method === 'noisy_or') combined *= Math.pow(1 - risk, weight);
        else combined += (weight * risk) / this.totalWeight;
      }
      risks[r] = method === 'noisy_or' ? 1 - combined : combined;
    }
  }

  async close(): Promise<void> {
    for (const model of this.models) await model.session.release();
  }
}
