// What every test page does around its flow: a deadline that names the step the page stopped at,
// and a failure kept in the page's result (window.rtmtapResult) instead of thrown. Served beside
// the pages by open-page.mjs.
export async function runWithDeadline(flow, { timeoutMs, where, result, onFailure }) {
  const deadline = new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`no end after ${timeoutMs} ms, at ${where()}`)), timeoutMs));
  try {
    await Promise.race([flow(), deadline]);
  } catch (e) {
    result.ok = false;
    result.error = e.message;
    onFailure(e.message);
  }
}
