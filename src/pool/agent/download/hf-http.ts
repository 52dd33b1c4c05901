/**
 * HTTP to the Hugging Face Hub (or whatever HF_ENDPOINT names).
 *
 * node:http rather than fetch, for throughput: a model is GBs and the benchmark compares us with
 * curl. An IncomingMessage hands over Buffers straight from the socket; fetch's WHATWG stream adds
 * a promise per chunk. Measured on the stand-in, 106 MiB to nowhere: fetch 386 ms, node:http
 * 281 ms (medians of 7). It also lets us follow redirects by hand, which we need anyway: HF
 * redirects LFS files to a CDN on another host, and the token must not follow it there (the CDN
 * URL is signed; sending the bearer elsewhere would leak it).
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { RbeesError } from '../../../shared/errors';

/**
 * HF_TOKEN together with the one origin it may ever be sent to: the configured endpoint's
 * (HF_ENDPOINT, else https://huggingface.co). Binding them in one value means no request, page
 * link or redirect can carry the token anywhere else, whatever URL it was handed.
 */
export interface HfAuth {
  readonly token: string;
  readonly origin: string;
}

/** The token pinned to `endpoint`'s origin; undefined when there is no token. */
export function hfAuth(endpoint: string, token: string | undefined): HfAuth | undefined {
  if (!token) return undefined;
  const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:') {
    throw new RbeesError(
      'BAD_REQUEST',
      `HF_ENDPOINT="${endpoint}" is not an http(s) URL: set it to the Hub or a mirror, ` +
        'for example https://huggingface.co.',
    );
  }
  return { token, origin: url.origin };
}

export interface HfRequest {
  url: string;
  auth: HfAuth | undefined;
  headers?: Record<string, string>;
  method?: 'GET' | 'HEAD';
  signal?: AbortSignal | undefined;
}

export interface HfResponse {
  res: IncomingMessage;
  /** Where the body came from after redirects. */
  finalUrl: string;
}

const MAX_REDIRECTS = 5;
const USER_AGENT = 'rbees-pool';

/** A failure worth retrying (a dropped connection, a 5xx, a 429): callers retry these. */
export class TransientError extends Error {
  override name = 'TransientError';
}

function send(req: HfRequest, url: URL): Promise<IncomingMessage> {
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT, ...req.headers };
  // Decided per hop against the endpoint's origin, not the first URL's: a page link or a
  // redirect to a CDN (another origin) goes there without the token, as the official clients do.
  if (req.auth && url.origin === req.auth.origin) {
    headers.Authorization = `Bearer ${req.auth.token}`;
  }
  const requestFn = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = requestFn(url, { method: req.method ?? 'GET', headers, signal: req.signal });
    r.once('response', resolve);
    r.once('error', reject);
    r.end();
  });
}

/** Sends a request, following redirects; the token goes only to the endpoint's own origin. */
export async function hfRequest(req: HfRequest): Promise<HfResponse> {
  let url = new URL(req.url);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await send(req, url);
    const location = res.headers.location;
    if (res.statusCode !== undefined && res.statusCode >= 300 && res.statusCode < 400 && location) {
      res.resume();
      url = new URL(location, url);
      continue;
    }
    return { res, finalUrl: url.toString() };
  }
  throw new RbeesError('DOWNLOAD_FAILED', `${req.url}: more than ${MAX_REDIRECTS} redirects`);
}

async function readSmallBody(res: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) {
    text += String(chunk);
    if (text.length > 64 * 1024) break;
  }
  res.destroy();
  return text;
}

/**
 * Turns a non-2xx answer into an error naming the subject. HF's `X-Error-Code` tells a missing
 * repo, revision or file apart; 401/403 mean private or gated repos (or a bad HF_TOKEN).
 */
export async function responseError(
  res: IncomingMessage,
  subject: string,
  auth: HfAuth | undefined,
): Promise<Error> {
  const status = res.statusCode ?? 0;
  const errorCode = String(res.headers['x-error-code'] ?? '');
  const body = await readSmallBody(res).catch(() => '');
  let said = body.slice(0, 300);
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === 'string') said = parsed.error;
  } catch {
    // not JSON: keep the raw text
  }
  const details = { status, hf_error_code: errorCode || undefined, hf_message: said };
  if (status === 404 || /NotFound$/.test(errorCode)) {
    return new RbeesError(
      'MODEL_NOT_FOUND',
      `${subject}: not found on Hugging Face (${said}).`,
      details,
    );
  }
  if (status === 401 || status === 403) {
    const hint = auth
      ? 'HF_TOKEN was sent: check that it is valid and can read this repo (gated repos need their terms accepted).'
      : 'The repo may be private or gated: set HF_TOKEN to a token that can read it (or run `huggingface-cli login` on the host).';
    return new RbeesError(
      'DOWNLOAD_FAILED',
      `${subject}: Hugging Face answered ${status} (${said}). ${hint}`,
      details,
    );
  }
  const message = `${subject}: Hugging Face answered ${status} (${said}).`;
  if (status >= 500 || status === 429) return new TransientError(message);
  return new RbeesError('DOWNLOAD_FAILED', message, details);
}

/** GETs JSON, following HF's `Link: <…>; rel="next"` pagination. */
export async function getJsonPages(
  firstUrl: string,
  subject: string,
  auth: HfAuth | undefined,
  signal: AbortSignal | undefined,
): Promise<unknown[]> {
  const pages: unknown[] = [];
  let next: string | undefined = firstUrl;
  while (next !== undefined) {
    const { res, finalUrl } = await hfRequest({ url: next, auth, signal });
    if (res.statusCode !== 200) throw await responseError(res, subject, auth);
    pages.push(JSON.parse(await readBody(res)) as unknown);
    const link = /<([^>]+)>;\s*rel="next"/.exec(String(res.headers.link ?? ''));
    next = link?.[1] ? new URL(link[1], finalUrl).toString() : undefined;
  }
  return pages;
}

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
