// rtmtap ui: the page. Plain ES modules, no build step; everything it reads comes from the
// JSON API of the server that serves it (docs/ui-api.md).
import { serverInfo } from './api.js';
import { isTypingTarget, loaded, loading } from './dom.js';
import { onRoute, parseHash } from './router.js';
import { SearchView } from './search.js';
import { SessionView } from './session.js';
import { SessionsView } from './sessions.js';

const root = document.getElementById('view');
let current = null;

// Every route is a load: a view that fetches takes a newer token, and one with nothing to fetch
// (the same filters again) leaves this one to mark the page ready.
function route(force) {
  const token = loading();
  const place = parseHash();
  markNavigation(place.name);
  if (current && current.name === place.name && current.id === place.id) {
    current.view.update(place.params, force);
  } else {
    current?.view.destroy();
    let view;
    if (place.name === 'session') {
      view = new SessionView(root, place.id, place.params);
    } else if (place.name === 'search') {
      view = new SearchView(root, place.params);
    } else {
      document.title = 'rtmtap · sessions';
      view = new SessionsView(root, place.params);
    }
    current = { name: place.name, id: place.id, view };
  }
  loaded(token);
}

function markNavigation(name) {
  for (const link of document.querySelectorAll('.topbar nav a')) {
    link.classList.toggle('active', link.dataset.view === name);
  }
}

// / focuses the filter bar, Escape leaves it; j/k, Enter and the rest go to the view.
document.addEventListener('keydown', (e) => {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) {
    return;
  }
  const typing = isTypingTarget(e.target);
  if (e.key === 'Escape') {
    if (typing) {
      e.target.blur();
      e.preventDefault();
    }
    return;
  }
  if (typing) {
    return;
  }
  if (e.key === '/') {
    const bar = document.querySelector('#filter, #search');
    if (bar) {
      e.preventDefault();
      bar.focus();
      bar.select();
    }
    return;
  }
  if ((e.key === 'Enter' || e.key === ' ') && e.target instanceof Element && e.target.closest('a, button, summary')) {
    return;
  }
  if (current?.view.key?.(e)) {
    e.preventDefault();
  }
});

serverInfo().then((info) => {
  const db = document.getElementById('db-name');
  db.textContent = info.db || '';
  db.title = `rtmtap ${info.version || ''} · ${info.listen || ''}`;
});

onRoute(route);
route(false);
