import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, SiemadError } from '../../core/errors.js';
import { FAMILIES, FAMILY_FEATURES, FEATURES, type Family } from '../features/definitions.js';

/**
 * The JSON sidecar written by models/train.py next to the ONNX files (schema in models/README.md):
 * per event family, the features its models read, their scaling and benign statistics, the ONNX
 * models with their calibration, and how their risks combine.
 */
export interface FamilyFeature {
  name: string;
  transform: 'log1p' | 'none';
  center: number;
  scale: number;
  /** Benign statistics of the raw value within the family (explanations: "normal: ≤ p99"). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface Calibration {
  raw: number[];
  risk: number[];
  tail_scale: number;
}

export interface SidecarModel {
  name: string;
  file: string;
  sha256: string;
  output_name: string;
  /** Multiplies the raw output so that higher = more anomalous. */
  orientation: number;
  weight: number;
  calibration: Calibration;
}

export interface SidecarFamily {
  rows: number;
  features: FamilyFeature[];
  models: SidecarModel[];
  ensemble: { method: 'weighted_mean' | 'max' | 'noisy_or'; weights: Record<string, number> };
  benign_flag_rate_per_10k: number;
}

export interface Sidecar {
  schema: 2;
  model_version: string;
  created: string;
  training_data: { rows: number; sha256: string; sources: string[] };
  features: { name: string; kind: string; windowed: boolean; families: string[] }[];
  input_name: string;
  families: Record<Family, SidecarFamily>;
  levels: { low: number; medium: number; high: number; critical: number };
  benign_flag_rate_per_10k: number;
}

function invalid(file: string, reason: string): SiemadError {
  return new SiemadError(ERROR_CODES.MODEL_INVALID, `model ${file}: ${reason}`, '--model-dir');
}

/**
 * Reads and checks a sidecar: schema, the feature list against the one this build computes (so a
 * model trained on other features is refused, not silently mis-fed), each family's feature
 * subset, scaling and calibration shapes.
 */
export function loadSidecar(directory: string): Sidecar {
  const file = path.join(directory, 'model.json');
  let sidecar: Sidecar;
  try {
    sidecar = JSON.parse(fs.readFileSync(file, 'utf8')) as Sidecar;
  } catch (err) {
    throw invalid(file, `cannot read: ${(err as Error).message}`);
  }
  if (sidecar.schema !== 2) throw invalid(file, `unsupported schema ${String(sidecar.schema)}; retrain with npm run train`);
  const names = sidecar.features?.map((feature) => feature.name) ?? [];
  const expected = FEATURES.map((feature) => feature.name);
  if (names.join(',') !== expected.join(',')) {
    throw invalid(file, `trained on other features (${names.length} vs ${expected.length}); retrain with npm run train`);
  }
  for (const family of FAMILIES) {
    const spec = sidecar.families?.[family];
    if (spec === undefined) throw invalid(file, `no models for the ${family} family`);
    const wanted = FAMILY_FEATURES[family].map((index) => FEATURES[index]!.name).join(',');
    if (spec.features.map((feature) => feature.name).join(',') !== wanted)
      throw invalid(file, `${family}: other features than this build's`);
    for (const feature of spec.features) {
      if (!(feature.scale > 0) || !Number.isFinite(feature.center)) throw invalid(file, `${family}: bad scaling for ${feature.name}`);
    }
    if (!Array.isArray(spec.models) || spec.models.length === 0) throw invalid(file, `${family}: no models`);
    for (const model of spec.models) {
      const { raw, risk, tail_scale } = model.calibration ?? {};
      if (!Array.isArray(raw) || !Array.isArray(risk) || raw.length !== risk.length || raw.length < 2 || !(tail_scale > 0)) {
        throw invalid(file, `${family}: bad calibration for ${model.name}`);
      }
      for (let i = 1; i < raw.length; i++) {
        if (!(raw[i]! >= raw[i - 1]!) || !(risk[i]! >= risk[i - 1]!))
          throw invalid(file, `${family}: calibration of ${model.name} is not monotone`);
      }
    }
  }
  return sidecar;
}
