/** Error codes of runtime failures (shape and type errors are RangeError / TypeError). */
export type TdMpcErrorCode = 'ERR_DISPOSED' | 'ERR_CUDA' | 'ERR_OOM' | 'ERR_NATIVE_LOAD';

/** A runtime failure of the package: use after dispose, a CUDA error, out of memory. */
export class TdMpcError extends Error {
  readonly code: TdMpcErrorCode;
  constructor(code: TdMpcErrorCode, message: string) {
    super(message);
    this.name = 'TdMpcError';
    this.code = code;
  }
}
