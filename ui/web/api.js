// The JSON API of `rtmtap ui` (docs/ui-api.md). A page opened with ?token=... (a server bound
// beyond loopback) passes the token on with every request too, in case its cookie is refused.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const token = new URLSearchParams(location.search).get('token');

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
    body = await answer.json();
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
      frame = JSON.parse(e.data);
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
