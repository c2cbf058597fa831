// A session's life from /api/stats?session=ID&buckets=N ("timeline"): events and commands a
// second by name as stacked bars (left scale), ping and ws_ping round trips as points (right
// scale), unanswered pings, silences (shaded) and closes (lines). Every marker carries the seq
// of its frame (data-seq) and opens it; dragging across the plot picks a span of time.
import { clear, h, s } from './dom.js';
import { axisTime, cut, duration } from './format.js';

const HEIGHT = 132;
const M = { left: 44, right: 52, top: 14, bottom: 18 };
const DRAG_PX = 4;

export class Timeline {
  // handlers: onSeq(seq), onBrush(fromUs, toUs) (µs since the session's start), onClear().
  constructor(handlers) {
    this.handlers = handlers;
    this.data = null;
    this.span = null;
    this.legend = h('div', { class: 'tl-legend' });
    this.readout = h('span', { class: 'tl-readout muted' });
    this.clearButton = h('button', { type: 'button', class: 'tl-clear', hidden: true, title: 'show every frame again',
      onclick: () => this.handlers.onClear() }, 'Clear span ×');
    this.box = h('div', { id: 'timeline', class: 'tl-box' });
    this.el = h('section', { class: 'tl' },
      h('div', { class: 'tl-head' }, h('span', { class: 'section-title' }, 'Timeline'), this.legend,
        h('span', { class: 'spacer' }), this.readout, this.clearButton),
      this.box);
    this.resize = new ResizeObserver(() => {
      if (this.data && this.box.clientWidth !== this.width) {
        this.render();
      }
    });
    this.resize.observe(this.box);
  }

  destroy() {
    this.resize.disconnect();
  }

  // How many buckets suit the box's width (the API takes up to 2000).
  bucketsWanted() {
    const width = this.box.clientWidth || 900;
    return Math.max(50, Math.min(2000, Math.round((width - M.left - M.right) / 4)));
  }

  setData(timeline) {
    this.data = timeline;
    this.render();
  }

  // The span the filters show ({from, to} in µs since the start, either may be null), or null.
  setSpan(span) {
    this.span = span;
    this.clearButton.hidden = !span;
    if (this.data) {
      this.render();
    }
  }

  showError(message) {
    clear(this.box).append(h('div', { class: 'error' }, message));
  }

  render() {
    const t = this.data;
    this.width = this.box.clientWidth || 900;
    const W = this.width;
    const pw = Math.max(10, W - M.left - M.right);
    const ph = HEIGHT - M.top - M.bottom;
    const buckets = t.names[0]?.counts.length ?? 0;
    const total = Math.max(t.end_us - t.start_us, t.bucket_us * buckets, 1);
    const x = (us) => M.left + (Math.max(0, Math.min(total, us)) / total) * pw;
    const geometry = { W, pw, ph, total, x, buckets };
    this.geometry = geometry;

    const svg = s('svg', { class: 'tl-svg', width: W, height: HEIGHT, viewBox: `0 0 ${W} ${HEIGHT}`,
      role: 'img', 'aria-label': 'timeline of the session' });
    svg.append(s('rect', { class: 'tl-bg', x: M.left, y: M.top, width: pw, height: ph }));
    this.drawSpan(svg, geometry);
    this.drawSilences(svg, geometry);
    const rateMax = this.drawBars(svg, geometry);
    this.drawTimeAxis(svg, geometry);
    const rttMax = this.drawRoundTrips(svg, geometry);
    this.drawAxes(svg, geometry, rateMax, rttMax);
    this.drawUnanswered(svg, geometry);
    this.drawCloses(svg, geometry);
    this.brush = s('rect', { class: 'tl-brush', x: 0, y: M.top, width: 0, height: ph, visibility: 'hidden' });
    svg.append(this.brush);
    this.listen(svg);
    clear(this.box).append(svg);
    this.drawLegend();
  }

  drawSpan(svg, g) {
    if (!this.span) {
      return;
    }
    const from = this.span.from ?? 0;
    const to = this.span.to ?? g.total;
    svg.append(s('rect', { class: 'tl-span', x: g.x(from), y: M.top, width: Math.max(1, g.x(to) - g.x(from)), height: g.ph }));
  }

  drawSilences(svg, g) {
    for (const silence of thin(this.data.silences, g, (m) => [m.t_us])) {
      const x0 = g.x(silence.t_us);
      const rect = s('rect', { class: 'tl-silence', x: x0, y: M.top, width: Math.max(2, g.x(silence.t_us + silence.length_us) - x0),
        height: g.ph, tabindex: 0, dataset: { seq: silence.seq } },
      s('title', {}, `silence of ${duration(silence.length_us)} after frame ${silence.seq} (at ${axisTime(silence.t_us)})`));
      svg.append(rect);
    }
  }

  // Stacked bars, one path per name; returns the scale's top (frames a second).
  drawBars(svg, g) {
    const t = this.data;
    const seconds = t.bucket_us / 1e6;
    const sums = new Array(g.buckets).fill(0);
    for (const name of t.names) {
      name.counts.forEach((c, b) => {
        sums[b] += c / seconds;
      });
    }
    const top = niceCeil(Math.max(1, ...sums));
    const y = (rate) => M.top + g.ph - (rate / top) * g.ph;
    const base = new Array(g.buckets).fill(0);
    t.names.forEach((name, k) => {
      let d = '';
      name.counts.forEach((c, b) => {
        if (c === 0) {
          return;
        }
        const x0 = g.x(b * t.bucket_us);
        const w = Math.max(1, g.x((b + 1) * t.bucket_us) - x0 - (g.pw / g.buckets > 3 ? 0.5 : 0));
        const rate = c / seconds;
        const y1 = y(base[b] + rate);
        d += `M${x0.toFixed(1)} ${y1.toFixed(1)}h${w.toFixed(1)}V${y(base[b]).toFixed(1)}h${(-w).toFixed(1)}Z`;
        base[b] += rate;
      });
      if (d) {
        svg.append(s('path', { class: `tl-bar ${colorClass(name.name, k)}`, d }));
      }
    });
    return top;
  }

  drawRoundTrips(svg, g) {
    const trips = this.data.round_trips || [];
    const top = niceCeil(Math.max(1000, ...trips.map((r) => r.rtt_us)));
    const y = (trip) => M.top + g.ph - (trip.rtt_us / top) * g.ph;
    for (const trip of thin(trips, g, (m) => [m.t_us, y(m)])) {
      const cy = y(trip);
      svg.append(s('circle', { class: `tl-rtt tl-rtt-${trip.kind}`, cx: g.x(trip.t_us), cy, r: 3, tabindex: 0, dataset: { seq: trip.seq } },
        s('title', {}, `${trip.kind} round trip ${duration(trip.rtt_us)} at ${axisTime(trip.t_us)} (frame ${trip.seq})`)));
    }
    return top;
  }

  drawUnanswered(svg, g) {
    for (const ping of thin(this.data.unanswered, g, (m) => [m.t_us])) {
      const cx = g.x(ping.t_us);
      svg.append(s('path', { class: 'tl-unanswered', d: `M${cx - 5} ${M.top - 10}h10l-5 8Z`, tabindex: 0, dataset: { seq: ping.seq } },
        s('title', {}, `${ping.kind} never answered, at ${axisTime(ping.t_us)} (frame ${ping.seq})`)));
    }
  }

  drawCloses(svg, g) {
    for (const close of thin(this.data.closes, g, (m) => [m.t_us])) {
      const cx = g.x(close.t_us);
      const right = cx > g.W - M.right - 30;
      // The code's label is beside the marker, not in it: the marker's box stays centred on its line.
      svg.append(s('text', { class: 'tl-close-label', x: cx + (right ? -6 : 6), y: M.top - 3, 'text-anchor': right ? 'end' : 'start' },
        `${close.code ?? ''}`));
      svg.append(s('g', { class: `tl-close tl-close-${close.dir}`, tabindex: 0, dataset: { seq: close.seq } },
        s('title', {}, `close ${close.code ?? '(no code)'}${close.reason ? ` "${close.reason}"` : ''} from the ${
          close.dir === 'c2s' ? 'client' : 'server'} at ${axisTime(close.t_us)} (frame ${close.seq})`),
        s('rect', { class: 'tl-hit', x: cx - 5, y: M.top - 12, width: 10, height: g.ph + 12 }),
        s('line', { x1: cx, x2: cx, y1: M.top, y2: M.top + g.ph })));
    }
  }

  drawTimeAxis(svg, g) {
    const step = niceStep(g.total, Math.max(2, Math.floor(g.pw / 90)));
    const y = M.top + g.ph;
    svg.append(s('line', { class: 'tl-axis', x1: M.left, x2: M.left + g.pw, y1: y, y2: y }));
    for (let us = 0; us <= g.total + 1; us += step) {
      const tx = g.x(us);
      svg.append(s('line', { class: 'tl-tick', x1: tx, x2: tx, y1: y, y2: y + 3 }),
        s('text', { class: 'tl-label', x: tx, y: y + 14, 'text-anchor': us === 0 ? 'start' : 'middle' }, axisTime(us)));
    }
  }

  drawAxes(svg, g, rateMax, rttMax) {
    const yTop = M.top;
    const yMid = M.top + g.ph / 2;
    const xl = M.left - 4;
    const xr = M.left + g.pw + 4;
    svg.append(
      s('line', { class: 'tl-grid', x1: M.left, x2: M.left + g.pw, y1: yTop, y2: yTop }),
      s('line', { class: 'tl-grid', x1: M.left, x2: M.left + g.pw, y1: yMid, y2: yMid }),
      s('text', { class: 'tl-label', x: xl, y: yTop + 4, 'text-anchor': 'end' }, `${fmt(rateMax)}/s`),
      s('text', { class: 'tl-label', x: xl, y: yMid + 4, 'text-anchor': 'end' }, `${fmt(rateMax / 2)}/s`));
    if ((this.data.round_trips || []).length) {
      svg.append(
        s('text', { class: 'tl-label tl-label-rtt', x: xr, y: yTop + 4 }, rtt(rttMax)),
        s('text', { class: 'tl-label tl-label-rtt', x: xr, y: yMid + 4 }, rtt(rttMax / 2)));
    }
  }

  drawLegend() {
    clear(this.legend);
    const t = this.data;
    t.names.forEach((name, k) => {
      const sum = name.counts.reduce((a, b) => a + b, 0);
      if (sum === 0) {
        return;
      }
      this.legend.append(h('span', { class: 'tl-key', title: `${name.name}: ${sum} frames` },
        h('span', { class: `swatch ${colorClass(name.name, k)}` }), cut(name.name)));
    });
    if ((t.round_trips || []).length) {
      this.legend.append(h('span', { class: 'tl-key', title: 'ping/pong and ws_ping/pong round trips (right scale)' },
        h('span', { class: 'swatch swatch-rtt' }), 'round trip'));
    }
    const marks = [['silences', 'swatch-silence', 'silence'], ['unanswered', 'swatch-unanswered', 'unanswered ping'],
      ['closes', 'swatch-close', 'close']];
    for (const [key, cls, label] of marks) {
      if ((t[key] || []).length) {
        this.legend.append(h('span', { class: 'tl-key' }, h('span', { class: `swatch ${cls}` }), label));
      }
    }
  }

  // A press that moves less than DRAG_PX opens the marker under it; a drag picks a span.
  listen(svg) {
    let start = null;
    const offset = (e) => e.clientX - svg.getBoundingClientRect().left;
    const usAt = (px) => ((Math.max(M.left, Math.min(M.left + this.geometry.pw, px)) - M.left) / this.geometry.pw) * this.geometry.total;
    svg.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) {
        return;
      }
      start = { px: offset(e), marker: e.target.closest('[data-seq]'), dragging: false };
      svg.setPointerCapture(e.pointerId);
      e.preventDefault();
    });
    svg.addEventListener('pointermove', (e) => {
      const px = offset(e);
      this.showReadout(px);
      if (!start) {
        return;
      }
      if (!start.dragging && Math.abs(px - start.px) >= DRAG_PX) {
        start.dragging = true;
      }
      if (start.dragging) {
        const a = Math.max(M.left, Math.min(start.px, px));
        const b = Math.min(M.left + this.geometry.pw, Math.max(start.px, px));
        this.brush.setAttribute('x', a);
        this.brush.setAttribute('width', Math.max(0, b - a));
        this.brush.setAttribute('visibility', 'visible');
      }
    });
    svg.addEventListener('pointerup', (e) => {
      if (!start) {
        return;
      }
      const was = start;
      start = null;
      this.brush.setAttribute('visibility', 'hidden');
      const px = offset(e);
      if (was.dragging) {
        const from = usAt(Math.min(was.px, px));
        const to = usAt(Math.max(was.px, px));
        if (to > from) {
          this.handlers.onBrush(Math.floor(from), Math.ceil(to));
        }
      } else if (was.marker) {
        this.handlers.onSeq(Number(was.marker.dataset.seq));
      }
    });
    svg.addEventListener('pointercancel', () => {
      start = null;
      this.brush.setAttribute('visibility', 'hidden');
    });
    svg.addEventListener('pointerleave', () => {
      this.readout.textContent = '';
    });
    svg.addEventListener('keydown', (e) => {
      const marker = e.target.closest('[data-seq]');
      if (marker && (e.key === 'Enter' || e.key === ' ')) {
        e.preventDefault();
        e.stopPropagation();
        this.handlers.onSeq(Number(marker.dataset.seq));
      }
    });
  }

  // What the bucket under the pointer holds: "12s–13s  chat.postMessage 3 · pong 1".
  showReadout(px) {
    const g = this.geometry;
    const t = this.data;
    if (!g || px < M.left || px > M.left + g.pw || g.buckets === 0) {
      this.readout.textContent = '';
      return;
    }
    const b = Math.min(g.buckets - 1, Math.floor(((px - M.left) / g.pw) * g.buckets));
    const parts = t.names.filter((n) => n.counts[b] > 0).map((n) => `${cut(n.name)} ${n.counts[b]}`);
    this.readout.textContent = `${axisTime(b * t.bucket_us)}–${axisTime((b + 1) * t.bucket_us)}  ${parts.join(' · ') || 'no frames'}`;
  }
}

// Markers that would be drawn on the same pixel as an earlier one are left out: a session of
// 15,000 unanswered pings gets a marker per pixel column, not 15,000 (the first of each opens).
function thin(markers, g, place) {
  const seen = new Set();
  return (markers || []).filter((m) => {
    const [t, y = 0] = place(m);
    const key = `${Math.round(g.x(t))},${Math.round(y / 3)}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

// The colour of a name: its rank among the session's top names; "(other)" grey.
function colorClass(name, rank) {
  return name === '(other)' ? 'c-other' : `c${rank % 8}`;
}

function niceCeil(value) {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * power >= value) {
      return m * power;
    }
  }
  return 10 * power;
}

const STEPS_US = [1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 15e6, 3e7, 6e7, 12e7, 3e8, 6e8,
  9e8, 18e8, 36e8, 72e8, 144e8, 288e8, 864e8];

function niceStep(total, ticks) {
  return STEPS_US.find((step) => total / step <= ticks) ?? STEPS_US[STEPS_US.length - 1] * Math.ceil(total / ticks / STEPS_US[STEPS_US.length - 1]);
}

function fmt(n) {
  return n >= 10 || Number.isInteger(n) ? String(Math.round(n)) : n.toFixed(1);
}

function rtt(us) {
  return us >= 1e6 ? `${fmt(us / 1e6)} s` : `${fmt(us / 1000)} ms`;
}
