// Copying to the clipboard: navigator.clipboard where the page may use it, else a selected
// textarea and execCommand('copy') (older browsers, an unfocused page). The copied text is also
// kept in the button's data-copied attribute, for tests and for a look in the inspector.
import { h } from './dom.js';

export async function copyText(text, button) {
  button.dataset.copied = text;
  let copied = false;
  if (navigator.clipboard && window.isSecureContext) {
    try {
      // A browser that asks for permission may never answer: give up after a second.
      await Promise.race([navigator.clipboard.writeText(text),
        new Promise((resolve, reject) => setTimeout(() => reject(new Error('timeout')), 1000))]);
      copied = true;
    } catch {
      copied = false;
    }
  }
  if (!copied) {
    copied = copyBySelection(text);
  }
  flash(button, copied ? 'Copied' : 'Copy failed');
  return copied;
}

function copyBySelection(text) {
  const area = h('textarea', { class: 'offscreen', readonly: true });
  area.value = text;
  document.body.append(area);
  area.select();
  let done = false;
  try {
    done = document.execCommand('copy');
  } catch {
    done = false;
  }
  area.remove();
  return done;
}

function flash(button, message) {
  clearTimeout(button.flashTimer);
  button.dataset.flash = message;
  button.classList.add('flashed');
  button.flashTimer = setTimeout(() => button.classList.remove('flashed'), 1200);
}
