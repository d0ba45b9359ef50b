import t from 'tap';
import { classifyItem, errorReason, errorType, itemBody } from '../../../opensearch/indexer/item-result.js';

t.test('bulk item statuses map to created, duplicate, retry or dead letter', async (t) => {
  const cases: [unknown, string][] = [
    [{ status: 201 }, 'created'],
    [{ status: 200 }, 'created'],
    [{ status: 409, error: { type: 'version_conflict_engine_exception' } }, 'duplicate'],
    [{ status: 429, error: { type: 'es_rejected_execution_exception' } }, 'retry'],
    [{ status: 503, error: { type: 'unavailable_shards_exception' } }, 'retry'],
    [{ status: 403, error: { type: 'cluster_block_exception' } }, 'retry'],
    [{ status: 404, error: { type: 'index_not_found_exception' } }, 'retry'],
    [{ status: 400, error: { type: 'mapper_parsing_exception' } }, 'dead_letter'],
    [{ status: 400, error: { type: 'illegal_argument_exception' } }, 'dead_letter'],
    [{ status: 413 }, 'dead_letter'],
    [{}, 'retry'],
    [undefined, 'retry'],
    [{ status: 'weird' }, 'retry'],
  ];
  for (const [item, outcome] of cases) t.equal(classifyItem(item as never), outcome, JSON.stringify(item));
});

t.test('error type and reason are one bounded line, with the cause', async (t) => {
  const item = {
    status: 400,
    error: {
      type: 'mapper_parsing_exception',
      reason: 'failed to parse',
      caused_by: { type: 'illegal_argument_exception', reason: 'bad\nvalue' },
    },
  };
  t.equal(errorType(item), 'mapper_parsing_exception');
  t.equal(errorReason(item), 'failed to parse (caused by illegal_argument_exception: bad value)');
  t.ok(errorReason({ status: 400, error: { reason: 'x'.repeat(10_000) } }).length < 1100, 'long reasons are cut');
  t.equal(errorType({ status: 500 }), 'unknown');
  t.equal(errorReason({ status: 500 }), 'status 500');
  t.equal(errorReason({ status: 500, error: 'plain text' }), 'plain text');
});

t.test('an item is the single value of its action object', async (t) => {
  t.same(itemBody({ create: { status: 201 } }), { status: 201 });
  t.equal(itemBody(null), undefined);
  t.equal(itemBody({}), undefined);
  t.equal(itemBody('x'), undefined);
});
