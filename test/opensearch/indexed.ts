/** Questions tests ask the real cluster about what was indexed: counts and duplicate ids. */
import { waitFor } from '../helpers/wait.js';

async function call<T>(url: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, json: (await response.json()) as T };
}

/** Documents in `index` (a data stream), after a refresh; 0 when it does not exist. */
export async function countDocuments(url: string, index: string): Promise<number> {
  await call(url, `/${index}/_refresh`, {});
  const { status, json } = await call<{ count?: number }>(url, `/${index}/_count`);
  return status === 404 ? 0 : (json.count ?? 0);
}

/** `event.id`s held by more than one document (exact: the streams have one shard). */
export async function duplicateIds(url: string, index: string): Promise<string[]> {
  await call(url, `/${index}/_refresh`, {});
  const { json } = await call<{ aggregations?: { ids?: { buckets: { key: string }[] } } }>(url, `/${index}/_search`, {
    size: 0,
    aggs: { ids: { terms: { field: 'event.id', min_doc_count: 2, size: 100 } } },
  });
  return (json.aggregations?.ids?.buckets ?? []).map((bucket) => bucket.key);
}

/** Distinct `_id`s equals the count and no `event.id` twice: each event is there exactly once. */
export async function waitForCount(url: string, index: string, count: number, timeoutMs: number): Promise<number> {
  let seen = 0;
  try {
    await waitFor(`${count} documents in ${index}`, async () => (seen = await countDocuments(url, index).catch(() => seen)) >= count, {
      timeoutMs,
      intervalMs: 500,
    });
  } catch (error) {
    throw new Error(`${(error as Error).message} (have ${seen})`);
  }
  return seen;
}

/** A search after a refresh, so everything indexed so far is visible. */
export async function search<T = Record<string, any>>(url: string, index: string, body: unknown): Promise<T> {
  await call(url, `/${index}/_refresh`, {});
  return (await call<T>(url, `/${index}/_search`, body)).json;
}
