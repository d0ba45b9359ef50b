import type { AnomalyLevel, EcsEvent } from '../collector/ecs/event.js';
import type { EnrichOptions, EventEnricher } from '../collector/enricher.js';
import {
  SiteCalibration,
  DEFAULT_CALIBRATION,
  type CalibrationOptions,
  type FamilyCalibrationStatus,
} from './calibration/site-calibration.js';
import type { CalibrationStore } from './calibration/state-store.js';
import { FAMILIES, FEATURE_COUNT } from './features/definitions.js';
import { FeatureExtractor, NO_FAMILY, type ExtractorOptions } from './features/extract.js';
import {
  anomalyEntity,
  detectionKind,
  entityOf,
  isAbnormal,
  reasonText,
  recommendedAction,
  type Contribution,
  type ReasonContext,
} from './explain.js';
import type { FamilyModel, ModelEnsemble } from './model/ensemble.js';
import { externalDetection, noveltyCap, unambiguousEvidence } from './policy.js';
import type { WindowStore } from './windows/ops.js';
import { applySuppression, type SuppressionSource } from './suppressions.js';

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
  /** Site calibration settings (defaults: DEFAULT_CALIBRATION). */
  calibration?: Partial<Omit<CalibrationOptions, 'low'>>;
  /** Where the site calibration persists between runs (none: it starts afresh each run). */
  calibrationStore?: CalibrationStore;
}

/** ECS `event.severity` per level (the numbers Elastic detection rules use). */
const SEVERITY: Record<AnomalyLevel, number> = { none: 0, low: 21, medium: 47, high: 73, critical: 99 };
const LEVEL_RANK: Record<AnomalyLevel, number> = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** A contribution below this (in risk) is not worth a reason. */
const MIN_CONTRIBUTION = 0.02;
/** An explanation is reused for the same entity and abnormal features within this risk and event time. */
const REUSE_RISK_DELTA = 0.1;
const REUSE_MS = 300_000;
const MAX_CACHED_EXPLANATIONS = 10_000;
/** How often (wall clock) the site calibration is saved while serving. */
const SAVE_INTERVAL_MS = 60_000;

interface CachedExplanation {
  contributions: Contribution[];
  risk: number;
  time: number;
}

/** An anomalous event the models flagged, waiting for its reasons. */
interface Pending {
  row: number;
  family: number;
  abnormal: number[];
  context: ReasonContext;
}

/**
 * The inline scorer: features from window state, the ONNX models of the event's family, the
 * site calibration (scorer/README.md), domain policy, levels, and for anomalies the reasons.
 * Reasons come from the model: each abnormal feature of an anomalous event (beyond its benign
 * range) is reset in turn to its benign median and the event rescored; those whose reset lowers
 * the risk most are the reasons. Events outside the scored families (cron, service messages)
 * carry nothing these features measure: risk 0.
 *
 * Everything is decided in stream order on event time, so the same stream gives the same result
 * through `serve`, `analyze` or `replay`, whatever the batch boundaries.
 */
export class AnomalyScorer implements EventEnricher {
  readonly name = 'scorer';
  private readonly extractor: FeatureExtractor;
  private readonly levels: Levels;
  private readonly calibration: SiteCalibration;
  private raw = new Float32Array(0);
  private families = new Int8Array(0);
  private shippedRisks = new Float32Array(0);
  private risks = new Float32Array(0);
  private modelRisks = new Float32Array(0);
  private readonly maxModels: number;
  private readonly explanations = new Map<string, CachedExplanation>();
  private saveTimer: NodeJS.Timeout | undefined;
  /** Analysts' suppressions in force (serve: polled from the database). */
  private suppressions: SuppressionSource | undefined;
  /** Whether `start` found and restored a saved site calibration. */
  calibrationRestored = false;
  /** Anomalies muted or lowered by a suppression so far. */
  suppressedCount = 0;
  /** The feature rows of anomalous events, for the alert writer (feedback becomes training data). */
  private readonly anomalyFeatures = new WeakMap<EcsEvent, Float32Array>();
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly ensemble: ModelEnsemble,
    private readonly store: WindowStore,
    private readonly options: ScorerOptions,
  ) {
    this.extractor = new FeatureExtractor(store, options);
    this.levels = options.levels ?? ensemble.sidecar.levels;
    this.maxModels = Math.max(...FAMILIES.map((family) => ensemble.families[family].modelNames.length));
    this.calibration = new SiteCalibration({ ...DEFAULT_CALIBRATION, ...options.calibration, low: this.levels.low });
  }

  get modelVersion(): string {
    return this.ensemble.version;
  }

  /** The window store's connection: undefined for an in-process store, else whether it is usable now. */
  get windowStoreConnected(): boolean | undefined {
    return this.store.connected?.();
  }

  /** Restores the saved site calibration and saves it periodically from then on. */
  async start(): Promise<void> {
    const store = this.options.calibrationStore;
    if (store === undefined) return;
    const state = await store.load();
    this.calibrationRestored = state !== undefined && this.calibration.load(state);
    this.saveTimer = setInterval(() => void this.save(), SAVE_INTERVAL_MS).unref();
  }

  /** Where the site calibration persists, if anywhere. */
  get calibrationStoreName(): string | undefined {
    return this.options.calibrationStore?.name;
  }

  /**
   * The feature row (FEATURES order) an anomalous event was scored on, while the event object is
   * alive; undefined for events that are not anomalies (or were scored by another scorer).
   */
  featuresOf(event: EcsEvent): Float32Array | undefined {
    return this.anomalyFeatures.get(event);
  }

  calibrationStatus(): FamilyCalibrationStatus[] {
    return this.calibration.status();
  }

  /**
   * Scores `events` in stream order. A dry run reads the window state, the site calibration and
   * the connection state without changing them (each event is scored as if it came alone).
   */
  async enrich(events: EcsEvent[], options?: EnrichOptions): Promise<void> {
    const dryRun = options?.dryRun === true;
    for (let start = 0; start < events.length; start += this.options.batchSize) {
      await this.scoreChunk(
        start === 0 && events.length <= this.options.batchSize ? events : events.slice(start, start + this.options.batchSize),
        dryRun,
      );
    }
  }

  private ensureCapacity(rows: number): void {
    if (this.families.length >= rows) return;
    this.raw = new Float32Array(rows * FEATURE_COUNT);
    this.families = new Int8Array(rows);
    this.shippedRisks = new Float32Array(rows);
    this.risks = new Float32Array(rows);
    this.modelRisks = new Float32Array(rows * this.maxModels);
  }

  private async scoreChunk(events: EcsEvent[], dryRun: boolean): Promise<void> {
    const n = events.length;
    this.ensureCapacity(n);
    await this.extractor.extract(events, this.raw, this.families, dryRun);
    const modelScores: (Record<string, number> | undefined)[] = new Array(n);
    for (let f = 0; f < FAMILIES.length; f++) {
      const model = this.ensemble.families[FAMILIES[f]!];
      const rows: number[] = [];
      for (let i = 0; i < n; i++) if (this.families[i] === f) rows.push(i);
      if (rows.length === 0) continue;
      const names = model.modelNames;
      await model.score(this.raw, rows, this.risks, this.modelRisks);
      for (let k = 0; k < rows.length; k++) {
        const scores: Record<string, number> = {};
        for (let m = 0; m < names.length; m++) scores[names[m]!] = round4(this.modelRisks[k * names.length + m]!);
        modelScores[rows[k]!] = scores;
        this.shippedRisks[rows[k]!] = this.risks[k]!;
      }
    }
    const version = this.ensemble.version;
    const pending: Pending[] = [];
    for (let i = 0; i < n; i++) {
      const event = events[i]!;
      const time = this.extractor.timeOf(i);
      if (!dryRun) this.calibration.advance(time);
      const f = this.families[i]!;
      const context: ReasonContext = {
        event,
        ip: this.extractor.sourceOf(i),
        travel: this.extractor.travelOf(i),
        travelSpeedKmh: this.extractor.travelSpeed,
      };
      const base = i * FEATURE_COUNT;
      let risk = 0;
      let level: AnomalyLevel = 'none';
      if (f !== NO_FAMILY) {
        risk = this.calibration.risk(f, this.shippedRisks[i]!, time, actorOf(context), !dryRun);
        level = this.levelOf(risk);
      }
      const evidence = f === NO_FAMILY ? externalDetection(event) : unambiguousEvidence(this.raw, base, context);
      if (f === NO_FAMILY && evidence === undefined) {
        this.annotate(event, 0, 'none', {}, version);
        continue;
      }
      if (evidence !== undefined) {
        if (LEVEL_RANK[evidence.level] > LEVEL_RANK[level]) {
          level = evidence.level;
          risk = Math.max(risk, this.levels[evidence.level as Exclude<AnomalyLevel, 'none'>]);
        }
        this.annotate(event, risk, level, modelScores[i] ?? {}, version);
        const anomaly = event.anomaly!;
        anomaly.reasons = [evidence.reason];
        anomaly.kind = evidence.kind;
        anomaly.recommended_action = evidence.action;
        const entity = anomalyEntity(evidence.feature, context);
        if (entity !== undefined) anomaly.entity = entity;
        event.event.reason = evidence.reason;
        // An external detection (no family) has no feature row to keep.
        if (level !== 'none' && f !== NO_FAMILY) this.anomalyFeatures.set(event, this.raw.slice(base, base + FEATURE_COUNT));
        continue;
      }
      const abnormal = level === 'none' ? [] : this.abnormalFeatures(f, base);
      const cap = noveltyCap(abnormal, event);
      if (cap !== undefined && LEVEL_RANK[cap] < LEVEL_RANK[level]) {
        level = cap;
        risk = Math.min(risk, cap === 'none' ? this.levels.low * 0.99 : this.levels.low);
      }
      this.annotate(event, risk, level, modelScores[i]!, version);
      if (level !== 'none') {
        pending.push({ row: i, family: f, abnormal, context });
        this.anomalyFeatures.set(event, this.raw.slice(base, base + FEATURE_COUNT));
      }
    }
    if (pending.length > 0) await this.explain(pending);
    this.suppress(events, dryRun);
  }

  /** From now on, anomalies an analyst's suppression matches are muted or lowered. */
  useSuppressions(source: SuppressionSource): void {
    this.suppressions = source;
  }

  /** Mutes or lowers the anomalies an analyst's suppression matches; the models' risk stays. */
  private suppress(events: readonly EcsEvent[], dryRun: boolean): void {
    const index = this.suppressions?.current();
    if (index === undefined || index.size === 0) return;
    const now = Date.now();
    for (const event of events) {
      const anomaly = event.anomaly;
      if (anomaly?.is_anomaly !== true) continue;
      const suppression = index.match(anomaly, now);
      if (suppression === undefined) continue;
      const level = applySuppression(anomaly, suppression);
      anomaly.level = level;
      anomaly.is_anomaly = level !== 'none';
      event.event.severity = SEVERITY[level];
      if (!dryRun) this.suppressedCount++;
    }
  }

  /** Global indexes of the family's features whose value is beyond the benign range. */
  private abnormalFeatures(f: number, base: number): number[] {
    const model = this.ensemble.families[FAMILIES[f]!];
    const stats = model.spec.features;
    const out: number[] = [];
    model.features.forEach((feature, j) => {
      if (isAbnormal(this.raw[base + feature]!, stats[j])) out.push(feature);
    });
    return out;
  }

  private annotate(event: EcsEvent, risk: number, level: AnomalyLevel, modelScores: Record<string, number>, version: string): void {
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
   * Perturbation reasons for the anomalous events of a chunk, one extra scoring run per family.
   * An attack makes the same entity anomalous event after event for the same features: the
   * ranking found for it is reused (texts are rebuilt with the current values) while the entity,
   * its abnormal features and its risk stay about the same. Reuse is decided in stream order,
   * as if events came one at a time, so batch boundaries do not change the reasons.
   */
  private async explain(pending: Pending[]): Promise<void> {
    const rankings = new Map<Pending, Contribution[]>();
    /** Pending entries computed in this chunk whose ranking later entries copy. */
    const sameAs = new Map<Pending, Pending>();
    const computedHere = new Map<string, Pending>();
    const toCompute: Pending[] = [];
    for (const p of pending) {
      if (p.abnormal.length === 0) continue;
      const key = this.explanationKey(p);
      const risk = p.context.event.anomaly!.score;
      const time = this.extractor.timeOf(p.row);
      const first = computedHere.get(key);
      if (first !== undefined) {
        const firstRisk = first.context.event.anomaly!.score;
        if (Math.abs(firstRisk - risk) <= REUSE_RISK_DELTA && Math.abs(time - this.extractor.timeOf(first.row)) <= REUSE_MS) {
          sameAs.set(p, first);
          continue;
        }
      } else {
        const cached = this.explanations.get(key);
        if (cached !== undefined && Math.abs(cached.risk - risk) <= REUSE_RISK_DELTA && Math.abs(time - cached.time) <= REUSE_MS) {
          rankings.set(p, cached.contributions);
          continue;
        }
      }
      computedHere.set(key, p);
      toCompute.push(p);
    }
    for (let f = 0; f < FAMILIES.length; f++) {
      const batch = toCompute.filter((p) => p.family === f);
      if (batch.length > 0) await this.rank(this.ensemble.families[FAMILIES[f]!], batch, rankings);
    }
    for (const p of toCompute) {
      this.remember(this.explanationKey(p), {
        contributions: rankings.get(p)!,
        risk: p.context.event.anomaly!.score,
        time: this.extractor.timeOf(p.row),
      });
    }
    for (const [p, first] of sameAs) rankings.set(p, rankings.get(first)!);
    for (const p of pending) this.writeReasons(p, rankings.get(p) ?? []);
  }

  private explanationKey(p: Pending): string {
    const event = p.context.event;
    return `${p.family}|${p.context.ip ?? event.user?.name ?? event.host?.hostname ?? ''}|${p.abnormal.join(',')}`;
  }

  /** Ranks each entry's abnormal features by how much resetting them to normal lowers its risk. */
  private async rank(model: FamilyModel, batch: Pending[], rankings: Map<Pending, Contribution[]>): Promise<void> {
    const stats = model.spec.features;
    const local = new Map<number, number>(model.features.map((feature, j) => [feature, j]));
    const candidates: [p: Pending, feature: number][] = [];
    for (const p of batch) for (const feature of p.abnormal) candidates.push([p, feature]);
    const perturbed = new Float32Array(candidates.length * FEATURE_COUNT);
    candidates.forEach(([p, feature], r) => {
      perturbed.set(this.raw.subarray(p.row * FEATURE_COUNT, (p.row + 1) * FEATURE_COUNT), r * FEATURE_COUNT);
      perturbed[r * FEATURE_COUNT + feature] = stats[local.get(feature)!]!.p50;
    });
    const rows = candidates.map((_, r) => r);
    const risks = new Float32Array(rows.length);
    await model.score(perturbed, rows, risks, new Float32Array(rows.length * model.modelNames.length));
    for (const p of batch) rankings.set(p, []);
    candidates.forEach(([p, feature], r) => {
      rankings.get(p)!.push({ feature, weight: this.shippedRisks[p.row]! - risks[r]! });
    });
    for (const p of batch) {
      const all = rankings.get(p)!.sort((a, b) => b.weight - a.weight || a.feature - b.feature);
      const strong = all.filter((c) => c.weight >= MIN_CONTRIBUTION);
      // No single reset explains it: every abnormal feature is a reason, strongest effect first.
      rankings.set(p, (strong.length > 0 ? strong : all).slice(0, this.options.maxReasons));
    }
  }

  private writeReasons(p: Pending, ranking: Contribution[]): void {
    const event = p.context.event;
    const anomaly = event.anomaly!;
    const model = this.ensemble.families[FAMILIES[p.family]!];
    const local = new Map<number, number>(model.features.map((feature, j) => [feature, j]));
    const base = p.row * FEATURE_COUNT;
    if (ranking.length === 0) {
      // Every value is inside its benign range: the combination is what the models find rare.
      const scores = Object.entries(anomaly.model_scores)
        .map(([name, value]) => `${name} ${value}`)
        .join(', ');
      anomaly.reasons = [`unusual combination of values that are each normal for a ${FAMILIES[p.family]} event (model risks: ${scores})`];
      anomaly.kind = 'unusual_combination';
      anomaly.recommended_action = 'Review the event and its entity in context';
      const entity = entityOf(undefined, p.context);
      if (entity !== undefined) anomaly.entity = entity;
    } else {
      anomaly.reasons = ranking.map((c) =>
        reasonText(c.feature, this.raw[base + c.feature]!, p.context, model.spec.features[local.get(c.feature)!]),
      );
      const top = ranking[0]!.feature;
      anomaly.kind = detectionKind(top, FAMILIES[p.family]!);
      anomaly.recommended_action = recommendedAction(top, p.context);
      const entity = anomalyEntity(top, p.context);
      if (entity !== undefined) anomaly.entity = entity;
    }
    event.event.reason = anomaly.reasons[0]!;
  }

  private remember(key: string, explanation: CachedExplanation): void {
    if (this.explanations.size >= MAX_CACHED_EXPLANATIONS) {
      const oldest = this.explanations.keys().next().value;
      if (oldest !== undefined) this.explanations.delete(oldest);
    }
    this.explanations.delete(key);
    this.explanations.set(key, explanation);
  }

  private save(): Promise<void> {
    const store = this.options.calibrationStore;
    if (store === undefined) return Promise.resolve();
    // One save at a time; a failed save is retried at the next interval.
    this.saving = this.saving.then(() => store.save(this.calibration.save())).catch(() => undefined);
    return this.saving;
  }

  async close(): Promise<void> {
    if (this.saveTimer !== undefined) clearInterval(this.saveTimer);
    await this.save();
    await this.options.calibrationStore?.close();
    await this.ensemble.close();
    await this.store.close();
  }
}

/** Who acted, for the site calibration's familiarity: the source address, else the user, else the host. */
function actorOf(context: ReasonContext): string | undefined {
  if (context.ip !== undefined) return context.ip;
  const user = context.event.user?.name;
  if (user !== undefined) return 'u:' + user;
  const host = context.event.host?.hostname;
  return host === undefined ? undefined : 'h:' + host;
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
