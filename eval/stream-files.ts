/** A generated stream on disk: the log file and its labels beside it in `FILE.labels.jsonl`. */
import { readFile, writeFile } from 'node:fs/promises';
import { formatLabelsJsonl, parseLabelsJsonl, type Label } from './labels.js';

export const labelsPathFor = (logFile: string): string => `${logFile}.labels.jsonl`;

export async function writeStreamFiles(logFile: string, stream: { lines: readonly string[]; labels: readonly Label[] }): Promise<void> {
  if (stream.lines.length !== stream.labels.length) throw new RangeError(`${stream.lines.length} lines but ${stream.labels.length} labels`);
  await writeFile(logFile, stream.lines.length === 0 ? '' : `${stream.lines.join('\n')}\n`);
  await writeFile(labelsPathFor(logFile), formatLabelsJsonl(stream.labels));
}

/** Reads a log file and its labels, and checks that they align one to one. */
export async function readStreamFiles(logFile: string): Promise<{ lines: string[]; labels: Label[] }> {
  const text = await readFile(logFile, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const labels = parseLabelsJsonl(await readFile(labelsPathFor(logFile), 'utf8'));
  if (labels.length !== lines.length) throw new RangeError(`${logFile} has ${lines.length} lines but ${labels.length} labels`);
  return { lines, labels };
}
