import { API } from '../../../shared/api';
import { isErrorCode } from '../../../shared/errors';
import type { UploadResponse } from '../../../shared/hosts';
import { describeError } from '../../api/error-text';

export interface SendFileOptions {
  apiBase: string;
  token: string | undefined;
  host: string;
  file: File;
  onProgress: (sent: number) => void;
  /** Every byte is sent; the host is hashing the file until the answer comes. */
  onAllSent: () => void;
}

export type SendFileResult =
  { ok: true; model: UploadResponse } | { ok: false; cancelled: boolean; message: string };

export interface SendingFile {
  result: Promise<SendFileResult>;
  cancel: () => void;
}

/**
 * PUTs one file with XMLHttpRequest rather than fetch: XHR reports upload progress, and
 * `send(file)` streams the File from disk, so a multi-GB model is never read into memory
 * (fetch streams a request body only over HTTP/2 with `duplex: 'half'`, which the daemon's
 * HTTP/1.1 server does not speak). The browser sets Content-Length from the File's size.
 */
export function sendFile(options: SendFileOptions): SendingFile {
  const { file, host } = options;
  const xhr = new XMLHttpRequest();
  const result = new Promise<SendFileResult>((resolve) => {
    xhr.open('PUT', `${options.apiBase}${API.hostModel(host, file.name)}`);
    if (options.token) xhr.setRequestHeader('Authorization', `Bearer ${options.token}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => options.onProgress(event.loaded);
    xhr.upload.onload = () => options.onAllSent();
    xhr.onload = () => resolve(answerOf(xhr, file.name, host));
    xhr.onerror = () =>
      resolve({
        ok: false,
        cancelled: false,
        message: `The upload of ${file.name} to ${host} stopped: the rbees daemon could not be reached.`,
      });
    xhr.onabort = () =>
      resolve({ ok: false, cancelled: true, message: `The upload of ${file.name} was cancelled.` });
    xhr.send(file);
  });
  return { result, cancel: () => xhr.abort() };
}

function answerOf(xhr: XMLHttpRequest, fileName: string, host: string): SendFileResult {
  const body = parseJson(xhr.responseText);
  if (xhr.status === 201 && isUploadResponse(body)) return { ok: true, model: body };
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (error && isErrorCode(error.code) && typeof error.message === 'string') {
    return {
      ok: false,
      cancelled: false,
      message: describeError({ code: error.code, message: error.message }),
    };
  }
  return {
    ok: false,
    cancelled: false,
    message: `The daemon answered the upload of ${fileName} to ${host} with HTTP ${xhr.status}.`,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isUploadResponse(value: unknown): value is UploadResponse {
  const v = value as Partial<UploadResponse> | undefined;
  return (
    typeof v?.id === 'string' && typeof v.sha256 === 'string' && typeof v.size_bytes === 'number'
  );
}
