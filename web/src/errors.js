// The library's messages on the page: each next to the field it is about
// (found by the field path the library gives), and the CLI's lines in the
// list under the settings.

const $ = (id) => document.getElementById(id);

/** Removes every message from the page. */
export function clearErrors() {
  document.querySelectorAll('.field-error').forEach((e) => e.remove());
  document.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  const g = $('general-errors');
  g.hidden = true;
  g.innerHTML = '';
}

// The element whose data-field is the longest prefix of `field`, ending at
// a path boundary (`deployment[0].rule` holds `deployment[0].rule.k`).
function fieldElement(field) {
  let best = null;
  for (const el of document.querySelectorAll('[data-field]')) {
    const f = el.dataset.field;
    const fits = field === f || (field.startsWith(f) && '.['.includes(field[f.length]));
    if (fits && (!best || f.length > best.dataset.field.length)) best = el;
  }
  return best;
}

// Each message goes next to its field (`place`: the errors are about the
// form), or only into the list under the settings (a file being loaded).
export function showErrors(reply, { place = true } = {}) {
  clearErrors();
  const general = [];
  for (const e of reply.errors ?? []) {
    const el = place && e.field ? fieldElement(e.field) : null;
    if (!el) {
      general.push(e);
      continue;
    }
    const msg = document.createElement('div');
    msg.className = 'field-error';
    msg.setAttribute('role', 'alert');
    msg.dataset.for = e.field;
    msg.textContent = e.message;
    msg.title = e.text;
    // The input the message is about: the field itself, else the first text
    // input in its block (a rule's k), else its first select.
    const input = el.matches('input, select') ? el : el.querySelector('input') ?? el.querySelector('select');
    if (input) input.setAttribute('aria-invalid', 'true');
    if (el.matches('input, select')) el.closest('.field, .dep-head, .dep-row, label')?.after(msg) ?? el.after(msg);
    else if (el.id === 'deployments-card') el.querySelector('.deployments').before(msg);
    else el.append(msg);
  }
  const g = $('general-errors');
  const lines = reply.errors?.length ? reply.errors.map((e) => e.text) : [reply.summary];
  g.innerHTML = '<strong>The study cannot run:</strong>';
  const pre = document.createElement('pre');
  pre.textContent = lines.join('\n');
  g.append(pre);
  g.hidden = false;
  if (general.length === 0) g.classList.add('located');
  else g.classList.remove('located');
  // Bring the first message into view.
  (document.querySelector('.field-error') ?? g).scrollIntoView({ block: 'center', behavior: 'instant' });
}
