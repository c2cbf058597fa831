// The JSON API of `rtmtap ui` (docs/ui-api.md). A page opened with ?token=... (a server bound
// beyond loopback) passes the token on with every request too, in case its cookie is refused.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const token = new URLSearchParams(location.search).get('token');

// The ids a recorded payload gives (user, channel, message) past 2^53 as the digits recorded: a
// number would round them, and the page would show another id and filter by it. Where the
// browser gives no source text (JSON.parse source access: Chromium 114, Firefox 135) they stay
// numbers.
const EXACT_IDS = new Set(['user_id', 'channel_id', 'message_id']);

export function parseJson(text) {
  return JSON.parse(text, (key, value, context) => (EXACT_IDS.has(key) && typeof value === 'number' &&
    !Number.isSafeInteger(value) && context?.source ? context.source : value));
}

export function apiUrl(path, params) {
  const query = new URLSearchParams(params || undefined);
  if (token && !query.has('token')) {
    query.set('token', token);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

// GET path?params as JSON; throws ApiError with the server's one-line error.
export async function getJson(path, params, signal) {
  let answer;
  try {
    answer = await fetch(apiUrl(path, params), { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if (e.name === 'AbortError') {
      throw e;
    }
    throw new ApiError(0, `the rtmtap ui server cannot be reached (${e.message})`);
  }
  let body = null;
  try {
    body = parseJson(await answer.text());
  } catch {
    body = null;
  }
  if (!answer.ok) {
    throw new ApiError(answer.status, body?.error || `${answer.status} ${answer.statusText}`);
  }
  return body;
}

let info = null;
// /api/info, once: the database path for the command lines the page writes.
export function serverInfo() {
  info = info || getJson('/api/info').catch(() => ({ db: 'rtmtap.db' }));
  return info;
}

// The /api/tail stream: onFrame(frame, lastEventId) for every frame. Returns the EventSource.
export function tail(params, onFrame) {
  const source = new EventSource(apiUrl('/api/tail', params));
  source.addEventListener('frame', (e) => {
    let frame;
    try {
      frame = parseJson(e.data);
    } catch {
      return;
    }
    onFrame(frame, e.lastEventId);
  });
  return source;
}

// Resolves when source is open (or after ms, so a slow stream never holds a view up).
export function opened(source, ms = 3000) {
  return new Promise((resolve) => {
    if (source.readyState === EventSource.OPEN) {
      resolve();
      return;
    }
    const timer = setTimeout(resolve, ms);
    source.addEventListener('open', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
    source.addEventListener('error', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
