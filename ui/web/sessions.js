// #/ : the recorded sessions, newest first, kept current while a proxy records (every frame
// /api/tail reports asks for the list again, at most once a second, and every 5 s anyway).
// The bar takes `--since T --user ID --label 'bug *'` (sent to /api/sessions) and plain words,
// which filter the rows shown by user, client and label as you type.
import { getJson, tail } from './api.js';
import { clear, h, loaded, loading } from './dom.js';
import { parseFilterText, pickFilters, SESSION_FILTERS, filterText, toSearchParams } from './filters.js';
import { count, duration, localTime } from './format.js';
import { navigate, queryText, sessionHash } from './router.js';

const REFRESH_MS = 5000;
const LIVE_MS = 1000;

export class SessionsView {
  constructor(root, params) {
    this.root = root;
    this.list = [];
    this.selectedId = null;
    this.build();
    this.update(params);
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
    this.stream = tail(new URLSearchParams(), () => this.frameArrived());
  }

  destroy() {
    clearInterval(this.timer);
    clearTimeout(this.liveTimer);
    this.stream.close();
    this.abort?.abort();
  }

  build() {
    this.input = h('input', { id: 'filter', type: 'search', class: 'filter-input', spellcheck: 'false', autocomplete: 'off',
      placeholder: "Filter: words in user, client, label · --since 1h --user ID --label 'bug *'   (press / to focus, Enter to apply)" });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.apply();
      }
    });
    this.input.addEventListener('input', () => this.typed());
    this.error = h('div', { id: 'filter-error', class: 'filter-error', hidden: true });
    this.countEl = h('span', { class: 'muted count' });
    this.live = h('span', { class: 'live-dot', title: 'updates while a proxy records' }, 'live');
    this.tbody = h('tbody');
    const head = ['id', 'user', 'client', 'start', 'duration', 'frames', 'ending', 'label']
      .map((name) => h('th', { class: `col-${name}` }, name));
    this.table = h('table', { class: 'sessions' }, h('thead', {}, h('tr', {}, head)), this.tbody);
    this.table.addEventListener('click', (e) => {
      const row = e.target.closest('tr[data-session]');
      if (row) {
        this.open(Number(row.dataset.session));
      }
    });
    this.empty = h('div', { class: 'empty', hidden: true });
    clear(this.root).append(h('div', { class: 'view sessions-view' },
      h('div', { class: 'filterbar' }, this.input, this.countEl, this.live),
      this.error,
      h('div', { class: 'scroll-area' }, this.table, this.empty)));
  }

  // The URL changed (or the view opened): its filters go to the bar and the server.
  async update(params) {
    this.params = pickFilters(params, SESSION_FILTERS, []);
    this.words = (params.get('q') || '').split(/\s+/).filter(Boolean);
    this.input.value = [filterText(this.params, []), this.words.map((w) => (/\s|'/.test(w) ? `'${w}'` : w)).join(' ')]
      .filter(Boolean).join(' ');
    const token = loading();
    await this.refresh(true);
    loaded(token);
  }

  apply() {
    let parsed;
    try {
      parsed = parseFilterText(this.input.value, SESSION_FILTERS);
    } catch (e) {
      this.showError(e.message);
      return;
    }
    const query = toSearchParams(parsed.params);
    if (parsed.words.length) {
      query.set('q', parsed.words.join(' '));
    }
    const text = queryText(query);
    navigate(text ? `#/?${text}` : '#/');
  }

  // Plain words filter the rows at once; flags wait for Enter.
  typed() {
    try {
      this.words = parseFilterText(this.input.value, SESSION_FILTERS).words;
      this.render();
    } catch {
      // an open quote while typing: keep the rows as they are
    }
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }

  frameArrived() {
    if (!this.liveTimer) {
      this.liveTimer = setTimeout(() => {
        this.liveTimer = 0;
        this.refresh();
      }, LIVE_MS);
    }
  }

  async refresh(reportErrors = false) {
    this.abort?.abort();
    this.abort = new AbortController();
    try {
      this.list = await getJson('/api/sessions', toSearchParams(this.params), this.abort.signal);
      this.showError('');
    } catch (e) {
      if (e.name === 'AbortError') {
        return;
      }
      if (reportErrors || e.status === 400) {
        this.list = [];
        this.showError(e.message);
      }
    }
    this.render();
  }

  render() {
    const words = this.words.map((w) => w.toLowerCase());
    const shown = this.list.slice().reverse().filter((session) => {
      const text = [session.user_name, session.user_id, session.client, session.client_ip, session.user_agent,
        session.label].filter((v) => v !== null && v !== undefined).join(' ').toLowerCase();
      return words.every((w) => text.includes(w));
    });
    const rows = shown.map((session) => this.row(session));
    this.tbody.replaceChildren(...rows);
    this.shown = shown;
    this.countEl.textContent = shown.length === this.list.length
      ? `${count(this.list.length)} sessions` : `${count(shown.length)} of ${count(this.list.length)} sessions`;
    this.empty.hidden = shown.length > 0;
    this.empty.textContent = this.list.length ? 'No session matches the words.' :
      'No sessions recorded (yet): run rtmtap proxy with this database and they appear here.';
  }

  row(session) {
    const ending = session.ending || '';
    const abnormal = isAbnormal(session);
    const open = ending === 'open';
    const user = session.user_name || session.user_id
      ? [session.user_name, session.user_id ? `(${session.user_id})` : null].filter(Boolean).join(' ') : '';
    const label = [session.label, session.replay_of ? `replay of ${session.replay_of}` : null,
      session.derived_from ? `from ${session.derived_from}` : null].filter(Boolean).join(' · ');
    const tr = h('tr', { dataset: { session: session.id }, class: [abnormal ? 'abnormal' : '', open ? 'open' : '',
      session.id === this.selectedId ? 'selected' : ''].join(' ').trim() || null, tabindex: -1 },
    h('td', { class: 'col-id num' }, h('a', { href: sessionHash(session.id), tabindex: -1 }, String(session.id))),
    h('td', { class: 'col-user' }, user),
    h('td', { class: 'col-client mono', title: session.user_agent || '' }, session.client || ''),
    h('td', { class: 'col-start mono', title: session.started_at || '' }, localTime(session.started_us)),
    h('td', { class: 'col-duration num' }, open ? `${duration(Date.now() * 1000 - session.started_us)} …` : duration(session.duration_us)),
    h('td', { class: 'col-frames num' }, count(session.frames)),
    h('td', { class: 'col-ending', title: [session.close_reason, session.error].filter(Boolean).join(' · ') },
      h('span', { class: `ending ${abnormal ? 'bad' : open ? 'live' : 'ok'}` }, ending)),
    h('td', { class: 'col-label' }, label));
    return tr;
  }

  open(id) {
    navigate(sessionHash(id));
  }

  // j/k move, Enter opens.
  key(e) {
    const rows = [...this.tbody.querySelectorAll('tr[data-session]')];
    if (rows.length === 0) {
      return false;
    }
    let index = rows.findIndex((r) => Number(r.dataset.session) === this.selectedId);
    if (e.key === 'j' || e.key === 'ArrowDown' || e.key === 'k' || e.key === 'ArrowUp') {
      const down = e.key === 'j' || e.key === 'ArrowDown';
      index = index < 0 ? 0 : Math.max(0, Math.min(rows.length - 1, index + (down ? 1 : -1)));
      this.selectedId = Number(rows[index].dataset.session);
      rows.forEach((r, i) => r.classList.toggle('selected', i === index));
      rows[index].scrollIntoView({ block: 'nearest' });
      return true;
    }
    if (e.key === 'Enter' && index >= 0) {
      this.open(this.selectedId);
      return true;
    }
    return false;
  }
}

// A session that did not end as sessions normally do: not a close 1000 (normal) or 1001 (going
// away), an error, a refused upgrade. An open session is not abnormal, it is live.
export function isAbnormal(session) {
  const ending = session.ending || '';
  if (ending === 'open') {
    return false;
  }
  return Boolean(session.error) || !/^100[01] by /.test(ending);
}
