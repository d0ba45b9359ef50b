import type { AnomalyLevel, EcsEvent } from '../collector/ecs/event.js';
import type { EventEnricher } from '../pipeline/pipeline.js';
import { FAMILIES, FEATURE_COUNT } from './features/definitions.js';
import { FeatureExtractor, NO_FAMILY, type ExtractorOptions } from './features/extract.js';
import { anomalyEntity, reasonText, recommendedAction, type Contribution } from './explain.js';
import type { FamilyModel, ModelEnsemble } from './model/ensemble.js';
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
/** An explanation is reused for the same entity and features within this risk and event time. */
const REUSE_RISK_DELTA = 0.1;
const REUSE_MS = 300_000;
const MAX_CACHED_EXPLANATIONS = 10_000;

interface CachedExplanation {
  contributions: Contribution[];
  risk: number;
  time: number;
}

/**
 * The inline scorer: features from window state, the ONNX models of the event's family,
 * calibrated risk, levels, and for anomalies the reasons. Reasons come from the model itself:
 * each feature of an anomalous event is reset in turn to its benign median for the family and the
 * event rescored; the features whose reset lowers the risk most are the reasons. Events outside
 * the scored families (cron, service messages) carry nothing these features measure: risk 0.
 */
export class AnomalyScorer implements EventEnricher {
  readonly name = 'scorer';
  private readonly extractor: FeatureExtractor;
  private readonly levels: Levels;
  private raw = new Float32Array(0);
  private families = new Int8Array(0);
  private risks = new Float32Array(0);
  private modelRisks = new Float32Array(0);
  private readonly maxModels: number;
  private readonly explanations = new Map<string, CachedExplanation>();

  constructor(
    private readonly ensemble: ModelEnsemble,
    private readonly store: WindowStore,
    private readonly options: ScorerOptions,
  ) {
    this.extractor = new FeatureExtractor(store, options);
    this.levels = options.levels ?? ensemble.sidecar.levels;
    this.maxModels = Math.max(...FAMILIES.map((family) => ensemble.families[family].modelNames.length));
  }

  get modelVersion(): string {
    return this.ensemble.version;
  }

  async enrich(events: EcsEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += this.options.batchSize) {
      await this.scoreChunk(start === 0 && events.length <= this.options.batchSize ? events : events.slice(start, start + this.options.batchSize));
    }
  }

  private ensureCapacity(rows: number): void {
    if (this.families.length >= rows) return;
    this.raw = new Float32Array(rows * FEATURE_COUNT);
    this.families = new Int8Array(rows);
    this.risks = new Float32Array(rows);
    this.modelRisks = new Float32Array(rows * this.maxModels);
  }

  private async scoreChunk(events: EcsEvent[]): Promise<void> {
    const n = events.length;
    this.ensureCapacity(n);
    await this.extractor.extract(events, this.raw, this.families);
    const version = this.ensemble.version;
    const anomalous: number[][] = FAMILIES.map(() => []);
    for (let f = 0; f < FAMILIES.length; f++) {
      const model = this.ensemble.families[FAMILIES[f]!];
      const rows: number[] = [];
      for (let i = 0; i < n; i++) if (this.families[i] === f) rows.push(i);
      if (rows.length === 0) continue;
      const names = model.modelNames;
      await model.score(this.raw, rows, this.risks, this.modelRisks);
      for (let k = 0; k < rows.length; k++) {
        const risk = this.risks[k]!;
        const modelScores: Record<string, number> = {};
        for (let m = 0; m < names.length; m++) modelScores[names[m]!] = round4(this.modelRisks[k * names.length + m]!);
        const level = this.annotate(events[rows[k]!]!, risk, modelScores, version);
        if (level !== 'none') anomalous[f]!.push(rows[k]!);
      }
    }
    for (let i = 0; i < n; i++) if (this.families[i] === NO_FAMILY) this.annotate(events[i]!, 0, {}, version);
    for (let f = 0; f < FAMILIES.length; f++) {
      if (anomalous[f]!.length > 0) await this.explain(events, this.ensemble.families[FAMILIES[f]!], anomalous[f]!);
    }
  }

  private annotate(event: EcsEvent, risk: number, modelScores: Record<string, number>, version: string): AnomalyLevel {
    const level = this.levelOf(risk);
    event.event.risk_score = round4(risk);
    event.event.risk_score_norm = Math.round(risk * 1000) / 10;
    event.event.severity = SEVERITY[level];
    event.anomaly = {
      is_anomaly: level !== 'none',
      score: round4(risk),
      level,
      model_scores: modelScores,
      reasons: [],
      model_version: version,
    };
    return level;
  }

  private levelOf(risk: number): AnomalyLevel {
    const { low, medium, high, critical } = this.levels;
    if (risk >= critical) return 'critical';
    if (risk >= high) return 'high';
    if (risk >= medium) return 'medium';
    if (risk >= low) return 'low';
    return 'none';
  }

  /**
   * Perturbation reasons for the anomalous rows of one family, in one extra scoring run. An attack
   * makes the same entity anomalous event after event for the same features: the ranking found
   * for it is reused (texts are rebuilt with the current values) while the entity, its set of
   * above-normal features and its risk stay about the same, so bursts do not multiply the work.
   */
  private async explain(events: EcsEvent[], model: FamilyModel, anomalous: number[]): Promise<void> {
    const stats = model.spec.features;
    const features = model.features;
    const rankings = new Map<number, Contribution[]>();
    const keys = new Map<number, string>();
    // Candidate (row, feature) pairs: only features above what most benign events have can explain
    // an anomaly (and perturbing only those keeps the extra scoring small).
    const candidates: [row: number, local: number][] = [];
    for (const i of anomalous) {
      let signature = '';
      const before = candidates.length;
      for (let j = 0; j < features.length; j++) {
        const value = this.raw[i * FEATURE_COUNT + features[j]!]!;
        if (value > stats[j]!.p90 && value !== stats[j]!.p50) {
          candidates.push([i, j]);
          signature += String.fromCharCode(65 + j);
        }
      }
      const event = events[i]!;
      const key = `${model.family}|${event.source?.ip ?? event.user?.name ?? event.host?.hostname ?? ''}|${signature}`;
      const cached = this.explanations.get(key);
      const time = Date.parse(event['@timestamp']);
      if (cached !== undefined && Math.abs(cached.risk - event.anomaly!.score) <= REUSE_RISK_DELTA && Math.abs(time - cached.time) <= REUSE_MS) {
        rankings.set(i, cached.contributions);
        candidates.length = before;
      } else {
        keys.set(i, key);
      }
    }
    if (candidates.length > 0) {
      const perturbed = new Float32Array(candidates.length * FEATURE_COUNT);
      candidates.forEach(([i, j], r) => {
        perturbed.set(this.raw.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT), r * FEATURE_COUNT);
        perturbed[r * FEATURE_COUNT + features[j]!] = stats[j]!.p50;
      });
      const rows = candidates.map((_, r) => r);
      const risks = new Float32Array(rows.length);
      await model.score(perturbed, rows, risks, new Float32Array(rows.length * model.modelNames.length));
      candidates.forEach(([i, j], r) => {
        const weight = events[i]!.anomaly!.score - risks[r]!;
        if (weight < MIN_CONTRIBUTION) return;
        let list = rankings.get(i);
        if (list === undefined) rankings.set(i, (list = []));
        list.push({ feature: j, weight });
      });
    }
    for (const i of anomalous) {
      const event = events[i]!;
      const anomaly = event.anomaly!;
      let contributions = rankings.get(i);
      const key = keys.get(i);
      if (key !== undefined) {
        contributions = (contributions ?? []).sort((a, b) => b.weight - a.weight).slice(0, this.options.maxReasons);
        // No single feature explains it: name those furthest above normal instead.
        if (contributions.length === 0) contributions = this.furthestAboveNormal(i, model);
        this.remember(key, { contributions, risk: anomaly.score, time: Date.parse(event['@timestamp']) });
      }
      const ranking = contributions ?? [];
      anomaly.reasons = ranking.map((c) => reasonText(features[c.feature]!, this.raw[i * FEATURE_COUNT + features[c.feature]!]!, event, stats[c.feature]));
      const top = ranking[0];
      if (top !== undefined) {
        anomaly.recommended_action = recommendedAction(features[top.feature]!, event);
        const entity = anomalyEntity(features[top.feature]!, event);
        if (entity !== undefined) anomaly.entity = entity;
      }
      if (anomaly.reasons[0] !== undefined) event.event.reason = anomaly.reasons[0];
    }
  }

  private remember(key: string, explanation: CachedExplanation): void {
    if (this.explanations.size >= MAX_CACHED_EXPLANATIONS) {
      const oldest = this.explanations.keys().next().value;
      if (oldest !== undefined) this.explanations.delete(oldest);
    }
    this.explanations.delete(key);
    this.explanations.set(key, explanation);
  }

  private furthestAboveNormal(i: number, model: FamilyModel): Contribution[] {
    const stats = model.spec.features;
    const list: Contribution[] = [];
    model.features.forEach((feature, j) => {
      const value = this.raw[i * FEATURE_COUNT + feature]!;
      if (value > stats[j]!.p99) list.push({ feature: j, weight: (value - stats[j]!.p99) / (stats[j]!.max - stats[j]!.p50 || 1) });
    });
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
