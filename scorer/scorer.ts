import type { AnomalyLevel, EcsEvent } from '../collector/ecs/event.js';
import type { EventEnricher } from '../pipeline/pipeline.js';
import { FEATURE_COUNT } from './features/definitions.js';
import { FeatureExtractor, type ExtractorOptions } from './features/extract.js';
import { anomalyEntity, reasonText, recommendedAction, type Contribution } from './explain.js';
import type { ModelEnsemble } from './model/ensemble.js';
import type { WindowStore } from './windows/ops.js';

export interface Levels {
  low: number;
  medium: number;
  high: number;
  critical: number;
}

export interface ScorerOptions extends ExtractorOptions {
  /** Rows per ONNX run. */
  batchSize: number;
  /** Risk thresholds of the levels; an event at or above `low` is an anomaly. */
  levels?: Levels;
  /** Reasons kept per anomaly. */
  maxReasons: number;
}

/** ECS `event.severity` per level (the numbers Elastic detection rules use). */
const SEVERITY: Record<AnomalyLevel, number> = { none: 0, low: 21, medium: 47, high: 73, critical: 99 };

/** A contribution below this (in risk) is not worth a reason. */
const MIN_CONTRIBUTION = 0.02;

/**
 * The inline scorer: features from window state, the ONNX ensemble, calibrated risk, levels, and
 * for anomalies the reasons. Reasons come from the model itself: each feature of an anomalous
 * event is reset to its benign median in turn and the event rescored; the features whose reset
 * lowers the risk most are the reasons (one extra ONNX run per batch with anomalies).
 */
export class AnomalyScorer implements EventEnricher {
  readonly name = 'scorer';
  private readonly extractor: FeatureExtractor;
  private readonly levels: Levels;
  private raw = new Float32Array(0);
  private scaled = new Float32Array(0);
  private risks = new Float32Array(0);
  private modelRisks = new Float32Array(0);

  constructor(
    private readonly ensemble: ModelEnsemble,
    private readonly store: WindowStore,
    private readonly options: ScorerOptions,
  ) {
    this.extractor = new FeatureExtractor(store, options);
    this.levels = options.levels ?? ensemble.sidecar.levels;
  }

  get modelVersion(): string {
    return this.ensemble.version;
  }

  async enrich(events: EcsEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += this.options.batchSize) {
      await this.scoreChunk(events.slice(start, start + this.options.batchSize));
    }
  }

  /** Raw feature rows of the last scored chunk (row-major), for tests and `siemad features`. */
  get lastFeatures(): Float32Array {
    return this.raw;
  }

  private ensureCapacity(rows: number): void {
    if (this.raw.length >= rows * FEATURE_COUNT) return;
    this.raw = new Float32Array(rows * FEATURE_COUNT);
    this.scaled = new Float32Array(rows * FEATURE_COUNT);
    this.risks = new Float32Array(rows);
    this.modelRisks = new Float32Array(rows * this.ensemble.modelNames.length);
  }

  private async scoreChunk(events: EcsEvent[]): Promise<void> {
    const n = events.length;
    this.ensureCapacity(n);
    await this.extractor.extract(events, this.raw);
    this.ensemble.scale(this.raw, n, this.scaled);
    await this.ensemble.score(this.scaled, n, this.modelRisks, this.risks);
    const names = this.ensemble.modelNames;
    const anomalous: number[] = [];
    for (let i = 0; i < n; i++) {
      const event = events[i]!;
      const risk = this.risks[i]!;
      const level = this.levelOf(risk);
      const modelScores: Record<string, number> = {};
      for (let k = 0; k < names.length; k++) modelScores[names[k]!] = round4(this.modelRisks[i * names.length + k]!);
      event.event.risk_score = round4(risk);
      event.event.risk_score_norm = Math.round(risk * 1000) / 10;
      event.event.severity = SEVERITY[level];
      event.anomaly = {
        is_anomaly: level !== 'none',
        score: round4(risk),
        level,
        model_scores: modelScores,
        reasons: [],
        model_version: this.ensemble.version,
      };
      if (level !== 'none') anomalous.push(i);
    }
    if (anomalous.length > 0) await this.explain(events, anomalous);
  }

  private levelOf(risk: number): AnomalyLevel {
    const { low, medium, high, critical } = this.levels;
    if (risk >= critical) return 'critical';
    if (risk >= high) return 'high';
    if (risk >= medium) return 'medium';
    if (risk >= low) return 'low';
    return 'none';
  }

  /** Perturbation reasons for the anomalous rows, in one extra ensemble run. */
  private async explain(events: EcsEvent[], anomalous: number[]): Promise<void> {
    const features = this.ensemble.sidecar.features;
    // Which features of each anomalous row are away from their benign median (only those can explain).
    const candidates: [row: number, feature: number][] = [];
    for (const i of anomalous) {
      for (let j = 0; j < FEATURE_COUNT; j++) {
        if (this.raw[i * FEATURE_COUNT + j] !== features[j]!.p50) candidates.push([i, j]);
      }
    }
    const rows = candidates.length;
    const scaled = new Float32Array(rows * FEATURE_COUNT);
    candidates.forEach(([i, j], r) => {
      scaled.set(this.scaled.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT), r * FEATURE_COUNT);
      const median = features[j]!.p50;
      const x = features[j]!.transform === 'log1p' ? Math.log1p(Math.max(0, median)) : median;
      scaled[r * FEATURE_COUNT + j] = (x - features[j]!.center) / features[j]!.scale;
    });
    const risks = new Float32Array(rows);
    if (rows > 0) await this.ensemble.score(scaled, rows, new Float32Array(rows * this.ensemble.modelNames.length), risks);
    const byRow = new Map<number, Contribution[]>();
    candidates.forEach(([i, j], r) => {
      const weight = this.risks[i]! - risks[r]!;
      if (weight < MIN_CONTRIBUTION) return;
      let list = byRow.get(i);
      if (list === undefined) byRow.set(i, (list = []));
      list.push({ feature: j, weight });
    });
    for (const i of anomalous) {
      const event = events[i]!;
      const anomaly = event.anomaly!;
      const contributions = (byRow.get(i) ?? []).sort((a, b) => b.weight - a.weight).slice(0, this.options.maxReasons);
      if (contributions.length === 0) {
        // No single feature explains it: name the ones furthest above normal instead.
        contributions.push(...this.furthestAboveNormal(i));
      }
      anomaly.reasons = contributions.map((c) => reasonText(c.feature, this.raw[i * FEATURE_COUNT + c.feature]!, event, features[c.feature]));
      const top = contributions[0];
      if (top !== undefined) {
        anomaly.recommended_action = recommendedAction(top.feature, event);
        const entity = anomalyEntity(top.feature, event);
        if (entity !== undefined) anomaly.entity = entity;
      }
      event.event.reason = anomaly.reasons[0];
    }
  }

  private furthestAboveNormal(i: number): Contribution[] {
    const features = this.ensemble.sidecar.features;
    const list: Contribution[] = [];
    for (let j = 0; j < FEATURE_COUNT; j++) {
      const value = this.raw[i * FEATURE_COUNT + j]!;
      const stats = features[j]!;
      if (value > stats.p99) list.push({ feature: j, weight: (value - stats.p99) / (stats.scale || 1) });
    }
    return list.sort((a, b) => b.weight - a.weight).slice(0, this.options.maxReasons);
  }

  async close(): Promise<void> {
    await this.ensemble.close();
    await this.store.close();
  }
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
