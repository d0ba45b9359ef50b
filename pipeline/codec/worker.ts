/**
 * A codec thread of `--workers N` (protocol.ts): decodes and locates (GeoIP) a scored batch's raw
 * messages again, assigns what the scorer set on each event, and encodes the events for the sink.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EcsEvent } from '../../collector/ecs/event.js';
import { eventId } from '../../collector/event-id.js';
import { GeoEnricher } from '../../collector/geo/enricher.js';
import { GeoIp } from '../../collector/geo/geoip.js';
import { normalize } from '../../collector/normalize.js';
import { encodeFor } from '../../sinks/encode.js';
import { applyEnrichment } from './enrichment.js';
import { unpackRaws, type CodecReply, type CodecRequest, type CodecWorkerData } from './protocol.js';

const { normalize: context, geoIp } = workerData as CodecWorkerData;
const port = parentPort!;
const geo = geoIp === undefined ? undefined : new GeoEnricher(GeoIp.open(geoIp));

function encode(request: CodecRequest): { reply: CodecReply; transfer: ArrayBuffer[] } {
  const raws = unpackRaws(request.raws);
  const events: EcsEvent[] = new Array(raws.length);
  for (let i = 0; i < raws.length; i++) {
    const event = normalize(raws[i]!, context);
    event.event.id = eventId(raws[i]!);
    events[i] = event;
  }
  geo?.enrich(events);
  applyEnrichment(events, request.enrichment);
  const encoded = encodeFor(request.encoding, events);
  const transfer: ArrayBuffer[] = [];
  for (const bytes of [encoded.ndjson, encoded.anomalies]) if (bytes !== undefined) transfer.push(bytes.buffer as ArrayBuffer);
  return { reply: { id: request.id, encoded }, transfer };
}

port.on('message', (request: CodecRequest) => {
  try {
    const { reply, transfer } = encode(request);
    port.postMessage(reply, transfer);
  } catch (err) {
    port.postMessage({ id: request.id, failed: err instanceof Error ? err.message : String(err) } satisfies CodecReply);
  }
});
