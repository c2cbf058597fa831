// Hash routes, so that every view is a URL to share:
//   #/                                 the sessions list (since, user, label, q)
//   #/session/ID?FILTERS&seq=N         one session, its frames filtered, frame N selected
//   #/search?FILTERS                   frames across sessions
// FILTERS are /api/frames's query parameters, unchanged (docs/ui-api.md).

import { loading } from './dom.js';

let handler = () => {};

export function onRoute(fn) {
  handler = fn;
  window.addEventListener('hashchange', () => handler(false));
}

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const session = path.match(/^\/session\/(\d+)\/?$/);
  if (session) {
    return { name: 'session', id: Number(session[1]), params };
  }
  if (path === '/search' || path === '/search/') {
    return { name: 'search', params };
  }
  return { name: 'sessions', params };
}

// Goes to hash (a history entry); the same hash again re-runs its view's update. The page is
// not ready from here: the route runs on the hashchange event, after the address already shows
// the new hash, and the old view's "ready" must not stand for the new one meanwhile.
export function navigate(hash) {
  loading();
  if (location.hash === hash) {
    handler(true);
  } else {
    location.hash = hash;
  }
}

// Puts hash into the address bar without a history entry or a route (the view did the change).
export function replaceHash(hash) {
  if (location.hash !== hash) {
    history.replaceState(history.state, '', hash);
  }
}

export function sessionHash(id, params) {
  const text = params ? queryText(params) : '';
  return `#/session/${id}${text ? `?${text}` : ''}`;
}

export function searchHash(params) {
  const text = queryText(params);
  return `#/search${text ? `?${text}` : ''}`;
}

// Query parameters as a URL's hash shows them best: escaped where they must be, but with : / , @ *
// as they are, so that since=2026-11-30T17:56:31Z stays readable in a shared link.
export function queryText(params) {
  const entries = params instanceof URLSearchParams ? [...params.entries()] : [...params];
  const encode = (text) => encodeURIComponent(String(text)).replace(/%(3A|2F|2C|40)/gi, (m) => decodeURIComponent(m));
  return entries.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
}
