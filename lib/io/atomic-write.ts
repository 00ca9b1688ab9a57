// Writing a file so that a crash or a full disk never leaves a half-written one under its name:
// the bytes go to a temporary file next to it, which is then renamed over the target.
import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';

/**
 * Writes `bytes` to `path` atomically (temp file + rename); on failure the temp file is removed
 * and an Error `${path}: cannot write ${what} (reason)` is thrown.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, what: string): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw new Error(`${path}: cannot write ${what} (${(e as Error).message})`);
  }
}
