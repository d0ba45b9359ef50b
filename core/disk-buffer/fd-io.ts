import { close, fdatasync, open, writev } from 'node:fs';

/**
 * The writer's file calls on a raw descriptor: the callback API costs about half the per-call
 * overhead of a FileHandle, which matters when appends are small and frequent.
 */
export function openExclusive(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    open(path, 'wx', (err, fd) => (err === null ? resolve(fd) : reject(err)));
  });
}

export function writeAt(fd: number, buffers: readonly NodeJS.ArrayBufferView[], position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    writev(fd, buffers, position, (err, bytesWritten) => (err === null ? resolve(bytesWritten) : reject(err)));
  });
}

export function dataSync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fdatasync(fd, (err) => (err === null ? resolve() : reject(err)));
  });
}

export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve) => {
    close(fd, () => resolve());
  });
}
