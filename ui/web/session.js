// #/session/ID?FILTERS&seq=N : one session. Above its frames the login (its API calls), the
// lint findings (each a link to its frame) and the timeline; the frames in a virtualised table
// under a filter bar of `rtmtap query` flags; the selected frame's JSON on the right. While the
// session is open, frames recorded into it are appended as they come (/api/tail).
import { apiUrl, getJson, opened, serverInfo, tail } from './api.js';
import { copyText } from './clipboard.js';
import { clear, h, loaded, loading } from './dom.js';
import { filterText, FRAME_FILTERS, FRAME_SWITCHES, parseFilterText, pickFilters, sameFilters, toSearchParams } from './filters.js';
import { bytes, count, cut, duration, isoUs, localTime, shellQuote, sinceStart } from './format.js';
import { frameForDisplay, jsonTree } from './jsontree.js';
import { navigate, replaceHash, sessionHash } from './router.js';
import { isAbnormal } from './sessions.js';
import { Timeline } from './timeline.js';
import { VirtualTable } from './vtable.js';

const LIVE_REFRESH_MS = 3000;
const TOTAL_REFRESH_MS = 500;
const SESSION_NAMES = FRAME_FILTERS.filter((name) => name !== 'session');

export class SessionView {
  constructor(root, id, params) {
    this.root = root;
    this.id = id;
    this.filters = [];
    this.frame = null;
    this.findingsBySeq = new Map();
    this.buffered = [];
    this.queue = Promise.resolve();
    this.build();
    this.loadToken = loading();  // busy from here: the load waits its turn in the queue
    this.enqueue(() => this.load(params));
  }

  destroy() {
    this.gone = true;
    this.table.destroy();
    this.timeline.destroy();
    this.stream?.close();
    clearTimeout(this.liveTimer);
    clearTimeout(this.totalTimer);
  }

  // Loads and updates run one after the other: a click during a load waits for it.
  enqueue(step) {
    this.queue = this.queue.then(step).catch((e) => console.error(e));
    return this.queue;
  }

  // Busy from the call (the route marks the page ready when it returns): the change waits its
  // turn in the queue.
  update(params, force) {
    const token = loading();
    this.enqueue(async () => {
      await this.changed(params, force);
      loaded(token);
    });
  }

  build() {
    this.head = h('div', { class: 'session-head' });
    this.login = h('details', { id: 'login', class: 'panel' });
    this.findings = h('details', { id: 'findings', class: 'panel' });
    this.timeline = new Timeline({
      onSeq: (seq) => this.goToSeq(seq),
      onBrush: (from, to) => this.brushed(from, to),
      onClear: () => this.setFilters(this.filters.filter(([name]) => name !== 'since' && name !== 'until')),
    });
    this.input = h('input', { id: 'filter', type: 'search', class: 'filter-input', spellcheck: 'false', autocomplete: 'off',
      placeholder: "rtmtap query flags: --event 'chat.*' --dir s2c --since 10m --where payload.channel_id=5 --malformed   (/ to focus, Enter to apply)" });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.applyBar();
      }
    });
    this.total = h('span', { id: 'frame-total', class: 'count' }, '0');
    this.error = h('div', { id: 'filter-error', class: 'filter-error', hidden: true });
    this.table = new VirtualTable({
      columns: frameColumns(),
      gridClass: 'frames-grid',
      rowClass: 'frame-row',
      empty: 'No frame of this session matches the filters.',
      decorate: (row, frame) => this.decorate(row, frame),
      onSelect: (index, frame) => this.selected(frame),
      onOpen: () => this.focusDetail(),
      onCellClick: (e) => this.cellClicked(e),
      onTotal: (total) => {
        this.total.textContent = count(total);
      },
      onError: (e) => this.showError(e.message),
    });
    this.detailTitle = h('span', { class: 'detail-title muted' }, 'No frame selected');
    this.copyJson = h('button', { id: 'copy-json', type: 'button', disabled: true, title: 'the frame as rtmtap query --jsonl prints it, indented',
      onclick: () => this.frame && copyText(JSON.stringify(this.frame, null, 2), this.copyJson) }, 'Copy as JSON');
    this.copyQuery = h('button', { id: 'copy-query', type: 'button', disabled: true, title: 'an rtmtap query command line that prints this frame',
      onclick: () => this.frame && copyText(this.queryCommand(this.frame), this.copyQuery) }, 'Copy as rtmtap query');
    this.json = h('pre', { id: 'frame-json', class: 'frame-json', tabindex: 0 });
    this.hint = h('div', { class: 'detail-hint muted' }, 'Select a frame: click a row, or j / k.');
    this.detail = h('aside', { class: 'detail' },
      h('div', { class: 'detail-bar' }, this.detailTitle, h('span', { class: 'spacer' }), this.copyJson, this.copyQuery),
      h('div', { class: 'detail-body' }, this.hint, this.json));
    clear(this.root).append(h('div', { class: 'view session-view' },
      this.head,
      h('div', { class: 'panels' }, this.login, this.findings),
      this.timeline.el,
      h('div', { class: 'filterbar' }, this.input, h('span', { class: 'muted' }, 'frames'), this.total),
      this.error,
      h('div', { class: 'split' }, h('div', { class: 'table-pane' }, this.table.el), this.detail)));
  }

  async load(params) {
    try {
      [this.info, this.data] = await Promise.all([serverInfo(), getJson(`/api/sessions/${this.id}`)]);
    } catch (e) {
      this.fail(e.message);
      return;
    }
    document.title = `rtmtap · session ${this.id}`;
    this.renderHead();
    this.renderLogin();
    this.renderFindings();
    this.filters = pickFilters(params, SESSION_NAMES);
    if (this.isLive()) {
      this.openTail();
      await opened(this.stream);
    }
    await Promise.all([this.loadTimeline(), this.loadFrames(seqOf(params))]);
    loaded(this.loadToken);
  }

  fail(message) {
    clear(this.root).append(h('div', { class: 'view' }, h('div', { class: 'fatal' },
      h('h1', {}, `Session ${this.id}`), h('p', { class: 'error' }, message), h('a', { href: '#/' }, '← all sessions'))));
    loaded(this.loadToken);
  }

  // The URL changed while this session is open: new filters reload the table, a new seq selects.
  async changed(params, force) {
    if (this.gone || !this.data) {
      return;
    }
    const filters = pickFilters(params, SESSION_NAMES);
    const seq = seqOf(params);
    if (force || !sameFilters(filters, this.filters)) {
      const token = loading();
      this.filters = filters;
      if (this.stream) {
        this.openTail();
      }
      await this.loadFrames(seq);
      loaded(token);
    } else if (seq !== null && seq !== this.frame?.seq) {
      const token = loading();
      await this.selectSeq(seq);
      loaded(token);
    }
  }

  isLive() {
    return this.data.session.ending === 'open' || this.data.session.ended_us === null;
  }

  query(extra) {
    return toSearchParams([['session', this.id], ...this.filters, ...extra]);
  }

  async loadFrames(seq) {
    this.input.value = filterText(this.filters);
    this.showError('');
    this.showFrame(null);
    this.buffered = [];
    const fetcher = ({ offset, limit, at }) => getJson('/api/frames',
      this.query(at !== null && at !== undefined ? [['at', at], ['limit', limit]] : [['offset', offset], ['limit', limit]]));
    this.table.o.empty = this.filters.length ? 'No frame of this session matches the filters.' : 'This session has no frames.';
    try {
      await this.table.reset(fetcher, seq);
    } catch (e) {
      this.showError(e.message);
      this.table.loaded = true;
      this.table.setTotal(0);
    }
    this.timeline.setSpan(this.spanOfFilters());
    const waiting = this.buffered;
    this.buffered = [];
    waiting.forEach((frame) => this.arrived(frame));
  }

  async selectSeq(seq) {
    try {
      const answer = await getJson('/api/frames', this.query([['at', seq], ['limit', this.table.o.pageSize]]));
      if (answer.total !== this.table.total) {
        this.table.setTotal(answer.total);
      }
      this.table.storeAnswer(answer);
      if (answer.total > 0) {
        await this.table.select(answer.at_index ?? 0, 'center');
      }
    } catch (e) {
      this.showError(e.message);
    }
  }

  async loadTimeline() {
    try {
      const stats = await getJson('/api/stats', new URLSearchParams({ session: this.id, buckets: this.timeline.bucketsWanted() }));
      if (stats.timeline) {
        this.startUs = stats.timeline.start_us;
        this.timeline.setData(stats.timeline);
        this.timeline.setSpan(this.spanOfFilters());
      }
    } catch (e) {
      this.timeline.showError(`timeline: ${e.message}`);
    }
  }

  // since/until of the filters as µs since the session's start, when they are ISO times.
  spanOfFilters() {
    const start = this.startUs ?? this.data?.session.started_us;
    const value = (name) => this.filters.find(([n]) => n === name)?.[1];
    const since = parseIsoUs(value('since'));
    const until = parseIsoUs(value('until'));
    if (since === null && until === null) {
      return null;
    }
    return { from: since === null ? null : since - start, to: until === null ? null : until - start };
  }

  renderHead() {
    const s = this.data.session;
    const bad = isAbnormal(s);
    const live = this.isLive();
    const user = [s.user_name, s.user_id ? `(${s.user_id})` : null].filter(Boolean).join(' ') || 'unknown user';
    const replay = this.data.commands?.replay || '';
    const copyReplay = h('button', { id: 'copy-replay', type: 'button', title: 'copy the command line',
      onclick: () => copyText(replay, copyReplay) }, 'Copy');
    clear(this.head).append(
      h('div', { class: 'head-line' },
        h('a', { class: 'back', href: '#/', title: 'all sessions' }, '←'),
        h('h1', {}, `Session ${s.id}`),
        h('span', { class: 'fact' }, user),
        h('span', { class: 'fact mono', title: s.user_agent || '' }, s.client || ''),
        h('span', { class: 'fact mono', title: s.started_at || '' }, localTime(s.started_us)),
        h('span', { class: 'fact' }, live ? 'live' : duration(s.duration_us)),
        h('span', { class: 'fact' }, `${count(s.frames)} frames`, s.bytes ? ` · ${bytes(s.bytes)} B` : ''),
        h('span', { class: `ending ${bad ? 'bad' : live ? 'live' : 'ok'}`, title: [s.close_reason, s.error].filter(Boolean).join(' · ') },
          s.ending || ''),
        s.label ? h('span', { class: 'fact label' }, s.label) : null,
        s.replay_of ? h('a', { class: 'fact', href: sessionHash(s.replay_of) }, `replay of ${s.replay_of}`) : null,
        h('span', { class: 'spacer' }),
        h('span', { class: 'muted' }, 'Export'),
        h('a', { id: 'export-jsonl', class: 'button', download: `session-${s.id}.jsonl`,
          href: apiUrl('/api/export', { session: s.id, format: 'jsonl' }) }, 'JSONL'),
        h('a', { id: 'export-har', class: 'button', download: `session-${s.id}.har`,
          href: apiUrl('/api/export', { session: s.id, format: 'har' }) }, 'HAR')),
      h('div', { class: 'head-line replay' },
        h('span', { class: 'muted' }, 'Replay this'),
        h('code', { id: 'replay-cmd', class: 'mono' }, replay),
        copyReplay));
  }

  renderLogin() {
    const calls = this.data.api_calls || [];
    const summary = calls.length ? calls.map((c) => `${c.method} ${shortPath(c.path)} ${c.status ?? '–'}`).join(' · ') : 'none recorded';
    this.login.open = calls.length > 0;
    clear(this.login).append(
      h('summary', {}, h('span', { class: 'section-title' }, 'Login'), h('span', { class: 'muted summary-text' }, ` ${calls.length} API calls: ${summary}`)),
      h('div', { class: 'panel-body' },
        calls.length ? calls.map((call) => apiCall(call)) :
          h('div', { class: 'muted' }, 'No API call belongs to this session (record with rtmtap proxy --api-upstream to see its login).')));
  }

  renderFindings() {
    const findings = this.data.findings || [];
    this.findingsBySeq.clear();
    const rank = { error: 3, warn: 2, warning: 2, info: 1 };
    for (const f of findings) {
      const seen = this.findingsBySeq.get(f.seq);
      if (!seen || (rank[f.severity] || 0) > (rank[seen] || 0)) {
        this.findingsBySeq.set(f.seq, f.severity);
      }
    }
    const bySeverity = {};
    findings.forEach((f) => {
      bySeverity[f.severity] = (bySeverity[f.severity] || 0) + 1;
    });
    this.findings.open = findings.length > 0;
    this.findings.hidden = false;
    clear(this.findings).append(
      h('summary', {}, h('span', { class: 'section-title' }, 'Findings'), h('span', { class: 'muted summary-text' },
        findings.length ? ` ${findings.length}: ${Object.entries(bySeverity).map(([k, v]) => `${v} ${k}`).join(', ')}` : ' none stored')),
      h('div', { class: 'panel-body' },
        findings.length ? findings.map((f) => h('a', { class: `finding sev-${f.severity}`, dataset: { seq: f.seq },
          href: this.hashWith(f.seq), title: f.section || '' },
        h('span', { class: `sev sev-${f.severity}` }, f.severity),
        h('span', { class: 'mono seqref' }, `#${f.seq}`),
        h('span', { class: 'rule mono' }, f.rule),
        h('span', { class: 'sentence' }, f.sentence))) :
          h('div', { class: 'muted' }, 'No lint finding is stored for this session (rtmtap lint --store, or proxy --lint).')));
  }

  hashWith(seq) {
    return sessionHash(this.id, [...this.filters, ...(seq !== null && seq !== undefined ? [['seq', seq]] : [])]);
  }

  goToSeq(seq) {
    navigate(this.hashWith(seq));
  }

  setFilters(filters) {
    navigate(sessionHash(this.id, filters));
  }

  applyBar() {
    let parsed;
    try {
      parsed = parseFilterText(this.input.value, SESSION_NAMES, FRAME_SWITCHES);
    } catch (e) {
      this.showError(e.message);
      return;
    }
    if (parsed.words.length) {
      parsed.params.push(['text', parsed.words.join(' ')]);
    }
    this.setFilters(parsed.params);
  }

  brushed(fromUs, toUs) {
    const start = this.startUs ?? this.data.session.started_us;
    const rest = this.filters.filter(([name]) => name !== 'since' && name !== 'until');
    this.setFilters([...rest, ['since', isoUs(start + fromUs)], ['until', isoUs(start + toUs)]]);
  }

  addFilter(name, value) {
    if (!this.filters.some(([n, v]) => n === name && v === String(value))) {
      this.setFilters([...this.filters, [name, String(value)]]);
    }
  }

  cellClicked(e) {
    const button = e.target.closest('.add-filter');
    if (!button) {
      return false;
    }
    this.addFilter(button.dataset.flag, button.dataset.value);
    return true;
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }

  decorate(row, frame) {
    row.dataset.seq = frame.seq;
    row.dataset.session = frame.session;
    row.classList.add(`dir-${frame.dir}`);
    const severity = this.findingsBySeq.get(frame.seq);
    if (severity) {
      row.classList.add('has-finding', `sev-${severity}`);
      row.title = `lint: ${severity}`;
    }
    if (frame.flags.includes('malformed')) {
      row.classList.add('malformed');
    }
  }

  selected(frame) {
    this.showFrame(frame);
    replaceHash(this.hashWith(frame.seq));
  }

  showFrame(frame) {
    this.frame = frame;
    this.copyJson.disabled = !frame;
    this.copyQuery.disabled = !frame;
    delete this.copyJson.dataset.copied;
    delete this.copyQuery.dataset.copied;
    this.hint.hidden = Boolean(frame);
    clear(this.json);
    if (!frame) {
      this.detailTitle.textContent = 'No frame selected';
      return;
    }
    this.detailTitle.textContent = `#${frame.seq} · ${frame.dir === 'c2s' ? 'client → server' : 'server → client'} · ${
      cut(frame.name || frame.op)} · ${sinceStart(frame.t_us)} ms`;
    this.json.append(jsonTree(frameForDisplay(frame)));
  }

  focusDetail() {
    this.json.focus();
    this.detail.scrollIntoView({ block: 'nearest' });
  }

  // A command line that prints exactly this frame: the session and the filters applied, and
  // --since/--until set to the frame's own wall-clock µs (a narrower span than any the filters
  // may hold), the first such frame only. Two frames of one session recorded in the same µs
  // would both match; --limit 1 prints the first.
  queryCommand(frame) {
    const at = isoUs(frame.wall_us);
    const rest = this.filters.filter(([name]) => name !== 'since' && name !== 'until');
    return ['rtmtap query', '--db', shellQuote(this.info?.db || 'rtmtap.db'), '--session', String(this.id), filterText(rest),
      '--since', at, '--until', at, '--limit 1 --jsonl'].filter(Boolean).join(' ');
  }

  // Live: frames recorded into the open session, through /api/tail with the table's filters.
  openTail() {
    this.stream?.close();
    const query = this.query(this.lastEventId ? [['from', this.lastEventId]] : []);
    this.stream = tail(query, (frame, eventId) => {
      this.lastEventId = eventId || this.lastEventId;
      this.arrived(frame);
    });
  }

  arrived(frame) {
    if (this.gone || frame.session !== this.id) {
      return;
    }
    if (!this.table.loaded) {
      this.buffered.push(frame);
      return;
    }
    this.liveChanged();
    const last = this.table.lastItem();
    if (this.table.total > 0 && !last) {
      this.refreshTotal();
      return;
    }
    if (last && frame.seq <= last.seq) {
      return;  // the table has it already (it was recorded while the table loaded)
    }
    const follow = this.table.isAtBottom();
    this.table.append(frame);
    if (follow) {
      this.table.scrollToEnd();
    }
  }

  // The last row is not loaded: ask the server how many frames there are now.
  refreshTotal() {
    if (this.totalTimer) {
      return;
    }
    this.totalTimer = setTimeout(async () => {
      try {
        const answer = await getJson('/api/frames', this.query([['order', 'desc'], ['limit', 1]]));
        if (!this.gone && answer.total > this.table.total) {
          const follow = this.table.isAtBottom();
          this.table.setTotal(answer.total);
          if (follow) {
            this.table.scrollToEnd();
          }
        }
      } catch {
        // the next frame asks again
      }
      this.totalTimer = 0;
    }, TOTAL_REFRESH_MS);
  }

  // The head and the timeline follow a live session now and then; an ended one stops the stream.
  liveChanged() {
    if (this.liveTimer) {
      return;
    }
    this.liveTimer = setTimeout(async () => {
      try {
        this.data = await getJson(`/api/sessions/${this.id}`);
        if (this.gone) {
          return;
        }
        this.renderHead();
        await this.loadTimeline();
        if (!this.isLive()) {
          this.stream?.close();
        }
      } catch {
        // kept as it was
      }
      this.liveTimer = 0;
    }, LIVE_REFRESH_MS);
  }

  // j/k move through the frames, g/G to the first/last, Enter to the frame's JSON.
  key(e) {
    const moves = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1, PageDown: 20, PageUp: -20 };
    if (e.key in moves) {
      this.table.move(moves[e.key]);
      return true;
    }
    if (e.key === 'g' || e.key === 'Home') {
      this.table.select(0);
      return true;
    }
    if (e.key === 'G' || e.key === 'End') {
      this.table.select(this.table.total - 1);
      return true;
    }
    if (e.key === 'Enter') {
      if (!this.frame) {
        this.table.move(1);
      } else {
        this.focusDetail();
      }
      return true;
    }
    return false;
  }
}

function seqOf(params) {
  const seq = params.get('seq');
  return seq !== null && /^\d+$/.test(seq) ? Number(seq) : null;
}

// "2026-11-30T17:56:31.503462Z" as µs since the epoch; null for anything else (10m, 2h, ...).
export function parseIsoUs(text) {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?Z$/.exec(text || '');
  if (!m) {
    return null;
  }
  return Date.parse(`${m[1]}Z`) * 1000 + Number((m[2] || '').padEnd(6, '0'));
}

function shortPath(path) {
  return (path || '').replace(/^\/api\/v\d+\//, '').replace(/\?.*/, '');
}

function apiCall(call) {
  const status = call.status ?? 0;
  const cls = status >= 500 || status === 0 ? 'bad' : status >= 400 ? 'warn' : 'ok';
  return h('details', { class: 'api-call' },
    h('summary', {},
      h('span', { class: 'method mono' }, call.method),
      h('span', { class: 'path mono' }, call.path),
      h('span', { class: `status ${cls}` }, String(call.status ?? 'no answer')),
      h('span', { class: 'muted mono', title: call.started_at || '' }, localTime(Date.parse(call.started_at) * 1000, true))),
    h('div', { class: 'api-exchange' },
      message('Request', call.request_headers, call.request_body),
      message('Response', call.response_headers, call.response_body)));
}

function message(title, headers, body) {
  const rows = Object.entries(headers || {}).map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', { class: 'mono' }, String(v))));
  return h('div', { class: 'api-message' },
    h('div', { class: 'section-title' }, title),
    rows.length ? h('table', { class: 'headers' }, rows) : h('div', { class: 'muted' }, 'no headers'),
    bodyView(body));
}

// A body as export writes it: JSON as JSON, other text as a string, bytes as {"base64": ...}.
function bodyView(body) {
  if (body === null || body === undefined || body === '') {
    return h('div', { class: 'muted' }, 'no body');
  }
  if (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 1 && typeof body.base64 === 'string') {
    return h('div', { class: 'muted' }, `binary body, ${Math.floor(body.base64.length * 3 / 4)} bytes (base64)`);
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  return h('pre', { class: 'body mono' }, text);
}

// The frames table's columns. The cells of name, channel, message, user, dir and kind carry a
// button (shown on hover) that adds their value to the filters.
function frameColumns() {
  return [
    { title: '#', cls: 'num col-seq', render: (f) => String(f.seq) },
    { title: 'time ms', cls: 'num col-time', help: 'ms since the session began', render: (f) => sinceStart(f.t_us),
      tip: (f) => localTime(f.wall_us, true) },
    { title: '', cls: 'col-dir', help: 'direction', render: (f) => h('span', { class: `arrow ${f.dir}`, title: f.dir },
      f.dir === 'c2s' ? '→' : '←') },
    { title: 'kind', cls: 'col-kind', render: (f) => withFilter(f.kind, 'kind', f.kind) },
    { title: 'name', cls: 'col-name', render: nameCell },
    { title: 'channel', cls: 'num col-channel', render: (f) => withFilter(f.channel_id, 'channel', f.channel_id) },
    { title: 'message', cls: 'num col-message', render: (f) => withFilter(f.message_id, 'message', f.message_id) },
    { title: 'user', cls: 'num col-user', render: (f) => withFilter(f.user_id, 'user', f.user_id) },
    { title: 'size', cls: 'num col-size', render: (f) => bytes(f.size), tip: (f) => `${f.size} bytes` },
    { title: 'flags', cls: 'col-flags', render: (f) => f.flags.join(' ') },
  ];
}

function nameCell(frame) {
  if (frame.name) {
    const flag = frame.kind === 'command' ? 'command' : frame.kind === 'event' ? 'event' : null;
    return withFilter(frame.name, flag, frame.name);
  }
  const code = frame.op === 'close' ? closeCode(frame.data) : null;
  return h('span', { class: 'op' }, withFilter(`${frame.op}${code ? ` ${code}` : ''}`, 'op', frame.op));
}

function withFilter(text, flag, value) {
  if (text === null || text === undefined) {
    return '';
  }
  const label = h('span', { class: 'cell-text' }, cut(text));
  if (!flag) {
    return label;
  }
  // The button's "+" is drawn by CSS: the cell's text stays the value alone.
  return [label, h('button', { type: 'button', class: 'add-filter', tabindex: -1, title: `filter: --${flag} ${value}`,
    'aria-label': `filter by --${flag} ${value}`, dataset: { flag, value } })];
}

// The status code of a close frame's payload (two bytes, big-endian), if it has one.
function closeCode(data) {
  if (!data || typeof data !== 'object' || !data.base64) {
    return null;
  }
  try {
    const raw = atob(data.base64);
    return raw.length >= 2 ? (raw.charCodeAt(0) << 8) | raw.charCodeAt(1) : null;
  } catch {
    return null;
  }
}
