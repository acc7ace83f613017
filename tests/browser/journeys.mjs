#!/usr/bin/env node
// journeys.mjs: Postern as people use it, in Debian's headless Chromium
// driven by playwright-core (no browser is downloaded).  Prints TAP.
//
// tests/e2e/browser.py starts the real stack (lighttpd, the FastCGI
// programs, the SMTP sink, SQLite) and runs this script with:
//
//   POSTERN_URL      base URL of the stack (http://127.0.0.1:PORT)
//   POSTERN_MAILDIR  the SMTP sink's folder (NNNNNN.eml, first line
//                    "X-Postern-Rcpt: <envelope recipients>")
//   POSTERN_SMS_LOG  tests/sms-capture's log (one JSON object a line)
//   POSTERN_DB       the SQLite file (read only, for a few cross-checks)
//   POSTERN_BIN      bin/postern, run as `postern mailer --once` to deliver
//   POSTERN_CONF     its configuration
//   POSTERN_AGE      a command, as a JSON list, that ages an account
//                    (R9) when a username is appended (ageAccount())
//   POSTERN_SHOTS    where the screenshots go (emptied of *.png first)
//   CHROMIUM         the browser (default /usr/bin/chromium)
//
// Every page a journey visits is looked at the same way (look()): its
// status and heading, a label for every visible input, autocomplete
// values for password managers, no inline script, no CSP violation or
// console error, no sideways scrolling at 375 px, accessibility
// (accessible()), and a screenshot at 1280 and at 375 px.  The run
// fails unless every page template was seen (unseenTemplates()).
// Forms are filled by typing and clicking what a person sees (labels,
// button texts); signup and the first login use the keyboard alone.

import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = (k, dflt) => {
  const v = process.env[k] ?? dflt;
  if (v === undefined || v === '') {
    process.stderr.write(`journeys.mjs: ${k} is not set (run tests/e2e/browser.py)\n`);
    process.exit(2);
  }
  return v;
};

const BASE = env('POSTERN_URL').replace(/\/+$/, '');
const MAILDIR = env('POSTERN_MAILDIR');
const SMS_LOG = env('POSTERN_SMS_LOG');
const DB = env('POSTERN_DB');
const POSTERN = env('POSTERN_BIN');
const CONF = env('POSTERN_CONF');
const AGE = JSON.parse(env('POSTERN_AGE'));
const SHOTS = env('POSTERN_SHOTS');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };
const PASSWORD = 'correct horse battery 7';
const NEW_PASSWORD = 'lantern orchard velvet 42';
const TIME_LIMIT_MS = Number(process.env.POSTERN_BROWSER_TIME_LIMIT || 900) * 1000;

// Problems found in the pages and reported to the lead: a failing check
// whose name matches is printed as "not ok ... # TODO reason" (prove
// counts it as expected to fail, and says so once it passes).
const KNOWN = [];

// ------------------------------------------------------------------ //
// TAP.

let n = 0;
let failed = 0;
const out = (s) => process.stdout.write(s + '\n');
const diag = (s) => {
  for (const line of String(s).split('\n')) process.stderr.write(`# ${line}\n`);
};
const note = (s) => {
  for (const line of String(s).split('\n')) out(`# ${line}`);
};
const clean = (name) => String(name).replace(/\s+/g, ' ').replace(/#/g, '\\#').trim();

function ok(cond, name, more) {
  n += 1;
  name = clean(name);
  if (cond) {
    out(`ok ${n} - ${name}`);
    return true;
  }
  const known = KNOWN.find(([re]) => re.test(name));
  // Like Test::More, the details of an expected failure go to stdout,
  // where prove does not show them.
  const tell = known ? note : diag;
  if (known) {
    out(`not ok ${n} - ${name} # TODO ${clean(known[1])}`);
  } else {
    failed += 1;
    out(`not ok ${n} - ${name}`);
    diag(`  Failed test '${name}'`);
  }
  if (more !== undefined) tell(typeof more === 'string' ? more : JSON.stringify(more, null, 2));
  return false;
}

function is(got, want, name) {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  return ok(g === w, name, g === w ? undefined : `         got: ${g}\n    expected: ${w}`);
}

function like(text, re, name) {
  const t = text == null ? null : String(text);
  return ok(t !== null && re.test(t), name, `                  ${JSON.stringify(t)}\n    doesn't match ${re}`);
}

function skip(name, why) {
  n += 1;
  out(`ok ${n} - ${clean(name)} # SKIP ${clean(why)}`);
}

// ------------------------------------------------------------------ //
// Mail, SMS and the mailer.

const mailsSeen = new Set();
let smsSeen = 0;

function decodeWords(s) {
  // RFC 2047 encoded words, enough for Postern's subjects.
  return s.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g, (_m, _cs, enc, text) => {
    if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
    const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  });
}

function parseMail(name, raw) {
  const text = raw.toString('utf8').replace(/\r\n/g, '\n');
  const cut = text.indexOf('\n\n');
  const head = cut < 0 ? text : text.slice(0, cut);
  let body = cut < 0 ? '' : text.slice(cut + 2);
  const headers = {};
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) {
      const k = line.slice(0, i).trim().toLowerCase();
      (headers[k] ||= []).push(line.slice(i + 1).trim());
    }
  }
  const cte = (headers['content-transfer-encoding'] || [''])[0].toLowerCase();
  if (cte === 'base64') {
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  } else if (cte === 'quoted-printable') {
    const bin = body.replace(/=\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_x, h) => String.fromCharCode(parseInt(h, 16)));
    body = Buffer.from(bin, 'latin1').toString('utf8');
  }
  const rcpt = (headers['x-postern-rcpt'] || []).join(',').split(',')
    .map((a) => a.trim().replace(/^<|>$/g, '').toLowerCase()).filter(Boolean);
  return { name, to: rcpt, subject: decodeWords((headers.subject || [''])[0]), body, headers };
}

function allMails() {
  let names = [];
  try {
    names = fs.readdirSync(MAILDIR).filter((f) => /^\d+\.eml$/.test(f)).sort();
  } catch {
    return [];
  }
  return names.map((f) => parseMail(f, fs.readFileSync(path.join(MAILDIR, f))));
}

function allSms() {
  let text = '';
  try {
    text = fs.readFileSync(SMS_LOG, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

// One `postern mailer --once`, then what arrived since the last look:
// { mails, sms }, each message with .to (a list for mails) and the text.
function deliver() {
  const r = spawnSync(POSTERN, ['mailer', '--once'], {
    env: { ...process.env, POSTERN_CONF: CONF },
    encoding: 'utf8',
    timeout: 30000,
  });
  if (r.status !== 0) diag(`postern mailer --once exited ${r.status}: ${r.stderr || r.error}`);
  const mails = allMails().filter((m) => !mailsSeen.has(m.name));
  for (const m of mails) mailsSeen.add(m.name);
  const all = allSms();
  const sms = all.slice(smsSeen);
  smsSeen = all.length;
  return { mails, sms };
}

const mailsTo = (mails, who) => mails.filter((m) => m.to.includes(who.toLowerCase()));
const smsTo = (sms, who) => sms.filter((m) => m.to === who);

// The lines of a text that are exactly a link to BASE + prefix.
function linksIn(text, prefix) {
  return String(text).split('\n').map((l) => l.trim())
    .filter((l) => l.startsWith(BASE + prefix) && /^https?:\/\/\S+$/.test(l));
}

// The lines of a text that are exactly an 8-digit code.
const codesIn = (text) => [...String(text).matchAll(/^\s*(\d{8})\s*$/gm)].map((m) => m[1]);

function sql(query) {
  const r = spawnSync('sqlite3', ['-readonly', '-separator', '\t', DB, query], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr || r.error}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

// Time passing, for R9: a way in (the primary address, a contact, the
// recovery code, the authenticator) younger than reset_delay gets no
// reset code, and a journey cannot wait that long.  browser.py's hook
// moves every such time of the account back two days, as the other
// end-to-end tests do with harness.age_account(); sessions keep theirs.
// True when it did, and the primary address now counts from then.
function ageAccount(username) {
  const r = spawnSync(AGE[0], [...AGE.slice(1), username], { encoding: 'utf8', timeout: 30000 });
  if (r.status !== 0) {
    diag(`${AGE.join(' ')} ${username} exited ${r.status}: ${r.stderr || r.error}`);
    return false;
  }
  const [row] = sql(`SELECT email_since > 0 AND email_since <= CAST(strftime('%s', 'now') AS INTEGER) - 86400 FROM accounts WHERE username = '${username}'`);
  return row?.[0] === '1';
}

// ------------------------------------------------------------------ //
// TOTP, RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps.

function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean32 = s.replace(/[\s=-]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const bytes = [];
  for (const ch of clean32) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${JSON.stringify(ch)}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

function totpAt(secret, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const bin = mac.readUInt32BE(off) & 0x7fffffff;
  return String(bin % 1000000).padStart(6, '0');
}

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
let lastTotpStep = -1;

// A code from the authenticator app.  Postern accepts one step of skew
// either side and no step twice (DESIGN section 2): the code of step s
// is taken until step s + 1 ends.  The lowest unused step still taken
// for at least 20 s more is used (the previous one first, then the
// current, then the next), so that typing and a slow server on a
// loaded machine still arrive in time; when there is none the script
// waits, like a person, for the app's next code.
async function nextTotp(secret) {
  for (;;) {
    const now = Date.now() / 1000;
    const step = Math.floor(now / 30);
    for (let s = Math.max(step - 1, lastTotpStep + 1); s <= step + 1; s++) {
      if ((s + 2) * 30 - now >= 20) {
        lastTotpStep = s;
        return totpAt(secret, s);
      }
    }
    const wait = (step + 1) * 30000 - Date.now() + 200;
    note(`waiting ${Math.ceil(wait / 1000)} s for the authenticator's next code`);
    await sleep(Math.max(wait, 100));
  }
}

// ------------------------------------------------------------------ //
// Looking at pages.

let shot = 0;
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);

// Per page: console errors, page errors and CSP violations since the
// page was last looked at.
const troubles = new WeakMap();

// Chromium logs "Failed to load resource: ... status of 422" for a
// page that answers 4xx; that is the page's status, checked apart, not
// an error of the page.  The documents loaded, as "URL STATUS".
const documents = new Set();
// Requests for /favicon.ico that failed (the layout names no icon, so
// Chromium asks for one): one check at the end, not one per page.
const faviconMisses = [];

function watch(page) {
  const t = [];
  troubles.set(page, t);
  page.on('response', (r) => {
    if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) {
      documents.add(`${r.url()} ${r.status()}`);
    }
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) {
      const url = m.location()?.url || '';
      const st = /status of (\d{3})/.exec(m.text());
      if (st && new URL(url || BASE).pathname === '/favicon.ico') {
        faviconMisses.push(`${url} ${st[1]}`);
        return;
      }
      if (st && documents.has(`${url} ${st[1]}`)) return;
      t.push({ kind: 'console', text: m.text(), url });
    }
  });
  page.on('pageerror', (e) => t.push({ kind: 'pageerror', text: String(e) }));
  return page;
}

async function newPage(browser) {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', javaScriptEnabled: true });
  // Generous: on a loaded machine a login (Argon2id) can take seconds.
  context.setDefaultTimeout(30000);
  context.setDefaultNavigationTimeout(45000);
  // Instrumentation, injected by the DevTools protocol and so outside
  // the page's CSP: it records every CSP violation the page causes.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile || ''}:${e.lineNumber}`);
    });
  });
  await context.addInitScript(a11yHelpers);
  return watch(await context.newPage());
}

// The accessibility checks' side in the page (window.__a11y), injected
// like the CSP instrumentation.  Colours are WCAG 2.2's: relative
// luminance of sRGB, contrast (L1 + 0.05) / (L2 + 0.05); what lies
// behind an element is its own background and its ancestors', each
// laid over the next, over the white canvas (the pages use no
// background images).
function a11yHelpers() {
  const rgba = (c) => {
    const m = /^rgba?\(([^)]*)\)$/.exec(String(c).trim());
    if (!m) return null;
    const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
  const lum = (c) => {
    const f = (v) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const contrast = (a, b) => {
    const [x, y] = [lum(a), lum(b)];
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  };
  const behind = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) layers.push(c);
      if (c && c[3] >= 1) break;
    }
    return layers.reverse().reduce((bg, l) => over(l, bg), [255, 255, 255, 1]);
  };
  const hex = (c) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  const shown = (el) => {
    const s = getComputedStyle(el);
    return s.display !== 'none' && s.visibility !== 'hidden' && el.getClientRects().length > 0;
  };
  const describe = (el) => {
    const t = (el.innerText || el.value || el.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim().slice(0, 40);
    return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.name ? ' name=' + el.name : ''}>${t ? ' "' + t + '"' : ''}`;
  };
  // What Tab should reach, in DOM order: one radio button per group
  // (the checked one, else the first).
  const focusables = () => {
    const seen = new Set();
    return [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
      .filter((el) => !el.disabled && el.type !== 'hidden' && el.tabIndex >= 0 && shown(el) && !el.closest('[inert]'))
      .filter((el) => {
        if (el.type !== 'radio' || !el.name) return true;
        if (seen.has(el.name)) return false;
        const group = [...document.querySelectorAll(`input[type=radio][name="${CSS.escape(el.name)}"]`)].filter((r) => r.form === el.form);
        const pick = group.find((r) => r.checked) || group[0];
        if (pick !== el) return false;
        seen.add(el.name);
        return true;
      });
  };
  // The focus ring of el, as now styled: an outline, or a box-shadow
  // spread of 2 px or more; its contrast with what is around it (the
  // parent's background for a ring outside the element).
  const ring = (el) => {
    const s = getComputedStyle(el);
    const found = [];
    const width = parseFloat(s.outlineWidth) || 0;
    if (s.outlineStyle !== 'none' && width >= 2 && rgba(s.outlineColor)) {
      const bg = parseFloat(s.outlineOffset) < 0 ? behind(el) : behind(el.parentElement);
      const c = over(rgba(s.outlineColor), bg);
      found.push({ kind: `outline ${width}px ${hex(c)} on ${hex(bg)}`, ratio: contrast(c, bg) });
    }
    for (const m of String(s.boxShadow).matchAll(/(rgba?\([^)]*\))\s+(-?[\d.]+)px\s+(-?[\d.]+)px\s+([\d.]+)px\s+([\d.]+)px(\s+inset)?/g)) {
      if (parseFloat(m[5]) < 2) continue;
      const bg = m[6] ? behind(el) : behind(el.parentElement);
      const c = over(rgba(m[1]), bg);
      found.push({ kind: `box-shadow ${m[5]}px ${hex(c)} on ${hex(bg)}`, ratio: contrast(c, bg) });
    }
    found.sort((a, b) => b.ratio - a.ratio);
    return found[0] || { kind: 'none', ratio: 0 };
  };
  let walk = null;
  document.addEventListener('focusin', (e) => {
    if (!walk) return;
    const r = ring(e.target);
    walk.got.push({ what: describe(e.target), ring: r.kind, ratio: Math.round(r.ratio * 100) / 100 });
  }, true);
  window.__a11y = {
    focusables,
    // Before a walk with Tab from the top: what it should reach.
    startWalk() {
      walk = { got: [], before: document.activeElement };
      window.scrollTo(0, 0);
      return focusables().map(describe);
    },
    // After it: what it reached; the focus is put back.
    endWalk() {
      const { got, before } = walk;
      walk = null;
      if (before && before !== document.body) before.focus();
      return got;
    },
    positiveTabindex: () => [...document.querySelectorAll('[tabindex]')].filter((el) => el.tabIndex > 0).map(describe),
    // Text whose contrast with what lies behind it is under 4.5:1
    // (3:1 for large text: 24 px, or 18.66 px bold).
    lowContrastText() {
      const bad = [];
      for (const el of document.querySelectorAll('body *')) {
        const field = el.matches('input:not([type=hidden]):not([type=radio]):not([type=checkbox]), textarea, select');
        const own = [...el.childNodes].some((c) => c.nodeType === Node.TEXT_NODE && c.textContent.trim());
        if (!(field || own) || !shown(el)) continue;
        const r = el.getBoundingClientRect();
        if (r.width <= 1 || r.height <= 1 || r.bottom + window.scrollY <= 0 || r.right <= 0) continue; // visually hidden
        const s = getComputedStyle(el);
        const bg = behind(el);
        const fg = over(rgba(s.color) || [0, 0, 0, 1], bg);
        const size = parseFloat(s.fontSize);
        const need = size >= 24 || (parseInt(s.fontWeight, 10) >= 700 && size >= 18.66) ? 3 : 4.5;
        const ratio = contrast(fg, bg);
        if (ratio < need) bad.push(`${describe(el)}: ${hex(fg)} on ${hex(bg)} is ${ratio.toFixed(2)}:1, under ${need}:1`);
      }
      return bad;
    },
  };
}

// What the autocomplete attribute of a field must be, by its name and
// type ('' = no rule).
function wantedAutocomplete(f, page) {
  if (f.name === 'new_password') return 'new-password';
  if (f.type === 'password') return page.newPassword ? 'new-password' : 'current-password';
  if (f.name === 'username') return 'username';
  if (f.name === 'email') return 'email';
  if (f.name === 'code') return 'one-time-code';
  return '';
}

async function pageFacts(page) {
  return page.evaluate(() => {
    const visible = (el) => {
      const s = getComputedStyle(el);
      return s.display !== 'none' && s.visibility !== 'hidden' && el.getClientRects().length > 0;
    };
    const fields = [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => el.type !== 'hidden' && visible(el));
    const labelOf = (el) => {
      const parts = [];
      for (const l of el.labels || []) parts.push(l.innerText.trim());
      if (el.getAttribute('aria-label')) parts.push(el.getAttribute('aria-label').trim());
      for (const id of (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)) {
        const t = document.getElementById(id);
        if (t) parts.push(t.innerText.trim());
      }
      return parts.filter(Boolean).join(' / ');
    };
    const inline = [];
    for (const s of document.querySelectorAll('script')) {
      if (!s.hasAttribute('src')) inline.push(`<script> without src: ${s.textContent.slice(0, 60)}`);
    }
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) {
        if (/^on/i.test(a.name)) inline.push(`<${el.tagName.toLowerCase()} ${a.name}="${a.value.slice(0, 40)}">`);
        if (/^\s*javascript:/i.test(a.value)) inline.push(`<${el.tagName.toLowerCase()} ${a.name}="${a.value.slice(0, 40)}">`);
      }
    }
    const skip = document.querySelector('a[href^="#"]');
    return {
      url: location.href,
      template: document.querySelector('main')?.dataset.page || null,
      lang: document.documentElement.lang,
      mains: document.querySelectorAll('main, [role=main]').length,
      skipTarget: skip && skip === window.__a11y.focusables()[0] ? skip.getAttribute('href') : null,
      h1: [...document.querySelectorAll('h1')].map((h) => h.innerText.replace(/\s+/g, ' ').trim()),
      errors: [...document.querySelectorAll('.error')].filter(visible).map((e) => e.innerText.trim()),
      fields: fields.map((el) => ({
        tag: el.tagName.toLowerCase(),
        id: el.id,
        name: el.name,
        type: el.type,
        autocomplete: el.getAttribute('autocomplete'),
        label: labelOf(el),
      })),
      unnamedButtons: [...document.querySelectorAll('button, input[type=submit]')].filter(visible)
        .filter((b) => !(b.innerText || b.value || b.getAttribute('aria-label') || '').trim())
        .map((b) => b.outerHTML.slice(0, 80)),
      inline,
      csp: window.__cspViolations || [],
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      wideElements: [...document.querySelectorAll('body *')].filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > document.documentElement.clientWidth + 1;
      }).slice(0, 5).map((el) => `<${el.tagName.toLowerCase()}${el.id ? ' id=' + el.id : ''}${el.className ? ' class=' + el.className : ''}> right edge ${Math.round(el.getBoundingClientRect().right)}px`),
    };
  });
}

// Looks at the page now shown, as described at the top.  resp: the
// response that brought it (for its status); want: { status, h1 (a
// string or regex), newPassword (its password field makes a new one) }.
// Returns the page's facts.
async function look(page, name, resp, want = {}) {
  await page.waitForLoadState('load');
  const status = resp ? resp.status() : null;
  // A list of statuses: any of them (a refusal some call 400, some 422).
  const wantStatus = want.status ?? 200;
  if (Array.isArray(wantStatus)) ok(wantStatus.includes(status), `${name}: the page answers ${wantStatus.join(' or ')}`, { status });
  else is(status, wantStatus, `${name}: the page answers ${wantStatus}`);

  const facts = await pageFacts(page);
  if (want.h1 !== undefined) {
    const ok1 = facts.h1.length === 1 && (want.h1 instanceof RegExp ? want.h1.test(facts.h1[0]) : facts.h1[0] === want.h1);
    ok(ok1, `${name}: its one heading says "${want.h1 instanceof RegExp ? want.h1.source : want.h1}"`, { h1: facts.h1 });
  }

  if (facts.fields.length > 0) {
    const unlabeled = facts.fields.filter((f) => !f.label);
    ok(unlabeled.length === 0 && facts.unnamedButtons.length === 0,
      `${name}: every visible input has a label (${facts.fields.map((f) => f.name || f.id).join(', ')})`,
      unlabeled.length || facts.unnamedButtons.length ? { unlabeled, unnamedButtons: facts.unnamedButtons } : undefined);
    const wrong = facts.fields.filter((f) => {
      const w = wantedAutocomplete(f, want);
      return w && f.autocomplete !== w;
    }).map((f) => ({ name: f.name, type: f.type, autocomplete: f.autocomplete, want: wantedAutocomplete(f, want) }));
    const ruled = facts.fields.filter((f) => wantedAutocomplete(f, want));
    if (ruled.length > 0) {
      ok(wrong.length === 0, `${name}: autocomplete fits password managers (${ruled.map((f) => `${f.name}=${wantedAutocomplete(f, want)}`).join(', ')})`, wrong.length ? wrong : undefined);
    }
  }

  const csp = resp ? (await resp.allHeaders())['content-security-policy'] || '' : '';
  ok(facts.inline.length === 0 && /default-src 'self'/.test(csp) && !/unsafe-inline/.test(csp),
    `${name}: no inline script, and the CSP allows none`, facts.inline.length || !csp ? { inline: facts.inline, csp } : undefined);

  // ASVS 8.2.2: nothing kept in the browser but the HttpOnly cookie.
  const kept = await page.evaluate(async () => ({
    localStorage: localStorage.length,
    sessionStorage: sessionStorage.length,
    indexedDB: (await indexedDB.databases()).length,
    caches: typeof caches === 'undefined' ? 0 : (await caches.keys()).length,
    cookieForScript: document.cookie,
  }));
  ok(Object.values(kept).every((v) => v === 0 || v === ''),
    `${name}: nothing in web storage, and no cookie a script can read`, kept);

  await accessible(page, name, facts);

  // Screenshots, desktop then phone; the phone width is where sideways
  // scrolling shows.
  shot += 1;
  const base = `${String(shot).padStart(2, '0')}-${slug(name)}`;
  await page.screenshot({ path: path.join(SHOTS, `${base}-1280.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  const small = await pageFacts(page);
  await page.screenshot({ path: path.join(SHOTS, `${base}-375.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  ok(small.overflow <= 0, `${name}: no sideways scrolling at 375 px`, small.overflow > 0 ? { overflowPx: small.overflow, wide: small.wideElements } : undefined);

  const t = troubles.get(page) || [];
  const bad = t.map((x) => `${x.kind}: ${x.text}${x.url ? ' (' + x.url + ')' : ''}`)
    .concat(facts.csp.map((v) => `CSP violation: ${v}`), small.csp.slice(facts.csp.length).map((v) => `CSP violation: ${v}`));
  ok(bad.length === 0, `${name}: no CSP violation or console error`, bad.length ? bad : undefined);
  t.length = 0;
  return facts;
}

// The accessibility of the page now shown (WCAG 2.2 AA, the parts a
// script can decide): its language, a main landmark and a skip link to
// it, focus order, focus rings and text contrast.  It also notes the
// page's template (data-page on <main>) for the check that every page
// was seen (unseenTemplates()).
async function accessible(page, name, facts) {
  if (facts.template) seen.add(facts.template);
  ok(facts.template && /^[a-z0-9_]+\.tpl$/.test(facts.template),
    `${name}: <main> names its template (${facts.template})`);
  ok(facts.lang !== '' && facts.mains === 1 && facts.skipTarget === '#main',
    `${name}: the page has a language, one main landmark, and a skip link to it first`,
    { lang: facts.lang, mains: facts.mains, skipTarget: facts.skipTarget });

  // Focus order: Tab from the top reaches every focusable element once,
  // in the order of the page (so no positive tabindex), and each shows
  // a ring with 3:1 against what is around it (SC 1.4.11, 2.4.7, 2.4.13).
  is(await page.evaluate(() => window.__a11y.positiveTabindex()), [], `${name}: no positive tabindex`);
  const want = await page.evaluate(() => window.__a11y.startWalk());
  await page.mouse.click(1, 1);
  for (let i = 0; i < want.length; i++) await page.keyboard.press('Tab');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.mouse.click(1, 1); // the next Tab starts from the top again
  const got = await page.evaluate(() => window.__a11y.endWalk());
  is(got.map((g) => g.what), want, `${name}: Tab reaches the ${want.length} focusable elements in page order`);
  const faint = got.filter((g) => !(g.ratio >= 3)).map((g) => `${g.what}: ${g.ring} (${g.ratio}:1)`);
  is(faint, [], `${name}: each element reached with Tab shows a focus ring of 3:1 against its surroundings`);

  is(await page.evaluate(() => window.__a11y.lowContrastText()), [],
    `${name}: text contrasts 4.5:1 with its background (3:1 when large)`);
}

// The page templates (templates/*.tpl but the layout and the messages)
// that no look() saw, nor a download (recovery_code_text.tpl).
const seen = new Set();
function unseenTemplates() {
  const dir = new URL('../../templates/', import.meta.url);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.tpl') && !['layout.tpl', 'messages.tpl'].includes(f))
    .filter((f) => !seen.has(f)).sort();
}

// Run action (a click, an Enter) and wait for the page it leads to; the
// final response (after redirects).
async function submit(page, action) {
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
  return resp;
}

const go = (page, p) => page.goto(p.startsWith('http') ? p : BASE + p, { waitUntil: 'load' });
const pathOf = (page) => {
  const u = new URL(page.url());
  return u.pathname + u.search;
};

// Typing as a person does: click the field, clear it, type key by key.
async function typeInto(locator, text) {
  await locator.click();
  await locator.fill('');
  await locator.pressSequentially(text);
}

// Press Tab until the element with id has focus; how many presses, or
// -1.  Also notes whether every focused element showed a focus ring.
async function tabTo(page, id, max = 20) {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    const a = await page.evaluate(() => {
      const el = document.activeElement;
      const s = el ? getComputedStyle(el) : null;
      return { id: el?.id || '', ring: s ? s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 : false };
    });
    if (!a.ring) tabTo.noRing.push(a.id || '(element without id)');
    if (a.id === id) return i;
  }
  return -1;
}
tabTo.noRing = [];

const text = async (locator) => (await locator.innerText()).replace(/\s+/g, ' ').trim();

// Journey 4b: the account's own pages: the overview, a password change,
// the export, and a deletion cancelled from the mailed link.
async function journeyAccount(browser) {
  note('Journey 4b: Ada reads her overview, changes her password, downloads her data, asks to delete her account and cancels it from the mail');
  const page = ada.page;
  let resp = await go(page, '/account');
  await look(page, 'account overview', resp, { h1: 'Your account' });
  like(await text(page.locator('#overview-2fa')), /on/, 'the overview says two-step verification is on');
  like(await text(page.locator('#next-step')), /\S/, 'and names what would help next, or that nothing is missing');

  resp = await submit(page, () => page.getByRole('link', { name: 'Change your password' }).first().click());
  await look(page, 'change password', resp, { h1: 'Change your password' });
  const third = 'meadow copper lantern 9';
  await typeInto(page.getByLabel('Your current password'), ada.password);
  await typeInto(page.getByLabel('New password'), third);
  await typeInto(page.getByLabel('Code from your authenticator app'), await nextTotp(ada.secret));
  resp = await submit(page, () => page.getByRole('button', { name: 'Change the password' }).click());
  await look(page, 'password changed', resp, { h1: 'Change your password' });
  like(await text(page.locator('.notice')), /password was changed/, 'the page says the password was changed');
  ada.password = third;
  let got = deliver();
  ok(mailsTo(got.mails, ada.email).some((m) => /password/i.test(m.subject)), 'her address is told');

  resp = await go(page, '/account/export');
  await look(page, 'export', resp, { h1: 'Export your data' });
  await typeInto(page.getByLabel('Your password'), ada.password);
  await typeInto(page.getByLabel('Code from your authenticator app'), await nextTotp(ada.secret));
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download my data' }).click()]);
  like(download.suggestedFilename(), /\.json$/, 'the download is a JSON file');
  let data = null;
  try {
    data = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  } catch (e) {
    diag(String(e));
  }
  is(data?.account?.username ?? null, ada.username, 'which parses and names her account');

  resp = await go(page, '/account/delete');
  await look(page, 'delete', resp, { h1: 'Delete your account' });
  await typeInto(page.getByLabel('Your password'), ada.password);
  await typeInto(page.getByLabel('Code from your authenticator app'), await nextTotp(ada.secret));
  resp = await submit(page, () => page.getByRole('button', { name: 'Delete my account' }).click());
  await look(page, 'delete pending', resp, { h1: 'Delete your account' });
  ok(await page.locator('#pending-delete').isVisible(), 'every page now shows the pending-deletion banner');
  got = deliver();
  const told = mailsTo(got.mails, ada.email);
  const cancel = told.length ? linksIn(told[0].body, '/account/delete/cancel?t=')[0] : undefined;
  ok(!!cancel, 'her address gets a link that cancels it', told[0]?.body);

  const mailApp = await newPage(browser);
  resp = await go(mailApp, cancel);
  await look(mailApp, 'cancel deletion page', resp, { h1: 'Cancel the deletion' });
  is(await mailApp.locator('main button').count(), 1, 'the page has one button');
  resp = await submit(mailApp, () => mailApp.getByRole('button', { name: 'Keep my account' }).click());
  await look(mailApp, 'deletion cancelled', resp, { h1: 'Deletion cancelled' });
  resp = await go(page, '/account');
  await look(page, 'account after the cancel', resp, { h1: 'Your account' });
  is(await page.locator('#pending-delete').count(), 0, 'the banner is gone');
  deliver();
  await mailApp.context().close();
}

// ------------------------------------------------------------------ //
// The people.

const ada = {
  username: `ada${process.pid % 100000}`,
  email: 'ada@home.example',
  newEmail: 'ada@new.example',
  backup: 'ada.backup@mail.example',
  phoneTyped: '+49 30 1234567',
  phone: '+49301234567',
  password: PASSWORD,
};
const ben = {
  username: `ben${process.pid % 100000}`,
  email: 'ben@old.example',
  newEmail: 'ben@new.example',
  password: PASSWORD,
};

// Journey 1: signup, the link from the mail, login; keyboard only.
async function journeySignup(browser) {
  note('Journey 1: Ada signs up, verifies her address from the mail and logs in (keyboard only)');
  const page = await newPage(browser);
  ada.page = page;
  let resp = await go(page, '/signup');
  await look(page, 'signup form', resp, { h1: 'Create an account', newPassword: true });

  // A common password is refused; the form comes back with the reason.
  tabTo.noRing = [];
  const tabs = await tabTo(page, 'username');
  ok(tabs > 0, `the username field is reached with Tab (${tabs} presses)`);
  await page.keyboard.type(ada.username);
  await page.keyboard.press('Tab');
  is(await page.evaluate(() => document.activeElement.id), 'email', 'Tab moves on to the email field');
  await page.keyboard.type(ada.email);
  await page.keyboard.press('Tab');
  is(await page.evaluate(() => document.activeElement.id), 'password', 'and then to the password field');
  await page.keyboard.type('password1234');
  resp = await submit(page, () => page.keyboard.press('Enter'));
  const refused = await look(page, 'signup refused', resp, { status: 422, h1: 'Create an account', newPassword: true });
  ok(refused.errors.length === 1 && /password/i.test(refused.errors[0]), 'a common password is refused, the .error says why', refused.errors);
  is(await page.inputValue('#username'), ada.username, 'the typed username is kept');
  is(await page.inputValue('#email'), ada.email, 'the typed address is kept');

  await tabTo(page, 'password');
  await page.keyboard.type(ada.password);
  resp = await submit(page, () => page.keyboard.press('Enter'));
  await look(page, 'signup sent', resp, { h1: 'Check your mail' });
  like(await text(page.locator('.notice')), /sent a message/i, 'the notice says a mail is on its way');
  is(tabTo.noRing, [], 'every element reached with Tab shows a focus ring');

  const { mails } = deliver();
  const mine = mailsTo(mails, ada.email);
  is(mine.length, 1, 'one mail reaches the new address');
  const link = mine.length ? linksIn(mine[0].body, '/verify?t=')[0] : undefined;
  ok(!!link, 'it holds a verification link alone on its line', mine[0]?.body);

  resp = await go(page, link);
  await look(page, 'verify page', resp, { h1: 'Verify your address' });
  is(await page.locator('main button').count(), 1, 'the verification page has one button');
  is(sql(`SELECT email_verified_at > 0 FROM accounts WHERE username = '${ada.username}'`)[0]?.[0] ?? null, '0',
    'opening the link alone verifies nothing (R7)');
  resp = await submit(page, () => page.getByRole('button', { name: 'Verify my address' }).click());
  await look(page, 'login after verify', resp, { h1: 'Log in' });
  like(await text(page.locator('.notice')), /verified/i, 'the login page says the address is verified');
  const toReset = await page.locator(`main a[href$="/reset"]`).count();
  ok(toReset > 0, 'the login page links to the forgotten-password page');

  // A wrong password first, then the right one, by keyboard.
  await tabTo(page, 'username');
  await page.keyboard.type(ada.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type('not my password at all');
  resp = await submit(page, () => page.keyboard.press('Enter'));
  const wrong = await look(page, 'login refused', resp, { status: 422, h1: 'Log in' });
  is(wrong.errors.length, 1, 'a wrong password shows one .error');
  is(await page.inputValue('#username'), ada.username, 'the typed name is kept');
  const pwTabs = await tabTo(page, 'password');
  ok(pwTabs > 0, 'the password field is reached with Tab');
  await page.keyboard.type(ada.password);
  resp = await submit(page, () => page.keyboard.press('Enter'));
  await look(page, 'account', resp, { h1: 'Your account' });
  is(pathOf(page), '/account', 'logging in leads to /account');
  is(await text(page.locator('#username')), ada.username, '/account shows her name');
  is(await text(page.locator('#email-status')), 'verified', 'and her address as verified');
  like(await text(page.locator('#email')), new RegExp(ada.email.replace(/\./g, '\\.')), 'and the address itself');
  // ASVS 8.2.2 and 3.4: the browser keeps two cookies, out of scripts' reach:
  // the session's, gone when it closes, and its own (a device cookie), kept a
  // year; and for ten minutes after a redirect that said something
  // (/signup?sent=1 here), the cookie that vouches for those words.
  const cookies = (await page.context().cookies()).map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite, expires: c.expires }));
  const named = (n) => cookies.find((c) => c.name === n);
  const yearAhead = Date.now() / 1000 + 360 * 86400;
  const said = named('postern-said');
  ok(cookies.length === (said ? 3 : 2) && cookies.every((c) => c.httpOnly && c.sameSite === 'Lax') &&
    named('postern') && named('postern').expires === -1 &&
    named('postern-browser') && named('postern-browser').expires > yearAhead &&
    (!said || said.expires <= Date.now() / 1000 + 600),
    'the browser holds two cookies, HttpOnly and SameSite=Lax: the session\'s, gone when it closes, and the browser\'s own, kept a year (and for ten minutes the one that vouches for a redirect\'s words)', cookies);
}

// Journey 2: a recovery address and a phone, each with its code.
async function journeyContacts() {
  note('Journey 2: Ada adds a recovery address and a phone and confirms both');
  const page = ada.page;
  let resp = await submit(page, () => page.getByRole('link', { name: /Recovery contacts/ }).click());
  await look(page, 'contacts', resp, { h1: 'Recovery contacts' });
  like(await text(page.locator('li.contact.primary')), /verified/, 'the primary address is listed first, verified');

  // The recovery address.  A new way in takes her password, typed with
  // it (R8): without it, nothing is added and what she typed stays.
  await page.getByLabel('Email address', { exact: true }).check();
  await typeInto(page.getByLabel('Address or number'), ada.backup);
  await typeInto(page.getByLabel('Your password'), 'not my password at all');
  resp = await submit(page, () => page.getByRole('button', { name: 'Add and send a code' }).click());
  const noProof = await look(page, 'contacts: a wrong password', resp, { status: 422, h1: 'Recovery contacts' });
  ok(noProof.errors.length === 1 && /password/i.test(noProof.errors[0]), 'a wrong password adds nothing, the .error says why', noProof.errors);
  is(await page.inputValue('#value'), ada.backup, 'the typed address is kept');
  is(await page.inputValue('#add-password'), '', 'the password is not');
  await typeInto(page.getByLabel('Your password'), ada.password);
  resp = await submit(page, () => page.getByRole('button', { name: 'Add and send a code' }).click());
  await look(page, 'contacts with a pending address', resp, { h1: 'Recovery contacts' });
  const row = page.locator('li.contact', { hasText: ada.backup });
  like(await text(row), /pending/, 'the new address is listed as pending');
  let got = deliver();
  const codeMail = mailsTo(got.mails, ada.backup);
  is(codeMail.length, 1, 'one mail reaches the recovery address');
  const code = codeMail.length ? codesIn(codeMail[0].body)[0] : undefined;
  like(code, /^\d{8}$/, 'with an 8-digit code alone on its line');
  ok(mailsTo(got.mails, ada.email).length === 1, 'the primary address is told of the new contact');

  // A wrong code first: refused with a reason.
  await typeInto(row.getByLabel('Code we sent'), code === '12345678' ? '87654321' : '12345678');
  resp = await submit(page, () => row.getByRole('button', { name: 'Confirm' }).click());
  const refused = await look(page, 'wrong contact code', resp, { status: 422 });
  ok(refused.errors.length === 1 && /code/i.test(refused.errors[0]), 'a wrong code is refused, the .error says why', refused.errors);
  const box = page.getByRole('textbox', { name: /code/i }).first();
  await typeInto(box, code);
  resp = await submit(page, () => page.getByRole('button', { name: 'Confirm' }).first().click());
  await look(page, 'contacts with the address confirmed', resp, { h1: 'Recovery contacts' });
  like(await text(page.locator('li.contact', { hasText: ada.backup })), /verified/, 'the recovery address is verified');
  deliver();

  // The phone.
  await page.getByLabel(/Phone number/).check();
  await typeInto(page.getByLabel('Address or number'), ada.phoneTyped);
  await typeInto(page.getByLabel('Your password'), ada.password);
  resp = await submit(page, () => page.getByRole('button', { name: 'Add and send a code' }).click());
  await look(page, 'contacts with a pending phone', resp, { h1: 'Recovery contacts' });
  const prow = page.locator('li.contact', { hasText: /pending/ });
  like(await text(prow), /\+49/, 'the phone is listed as pending');
  got = deliver();
  const sms = smsTo(got.sms, ada.phone);
  is(sms.length, 1, `one SMS reaches ${ada.phone}`);
  const scode = sms.length ? codesIn(sms[0].text)[0] : undefined;
  like(scode, /^\d{8}$/, 'with an 8-digit code alone on its line');
  await typeInto(prow.getByLabel('Code we sent'), scode);
  resp = await submit(page, () => prow.getByRole('button', { name: 'Confirm' }).click());
  await look(page, 'contacts with the phone confirmed', resp, { h1: 'Recovery contacts' });
  is(await page.locator('li.contact .badge', { hasText: 'pending' }).count(), 0, 'nothing is pending any more');
  is(await page.locator('li.contact .badge', { hasText: 'verified' }).count(), 3, 'three verified ways back in: primary, address, phone');
  deliver();
}

// Journey 3: a recovery code, TOTP from the page's secret, log out, log
// in with password and TOTP.
async function journeyTotp() {
  note('Journey 3: Ada makes a recovery code, turns on two-step verification, logs out and in');
  const page = ada.page;
  let resp = await submit(page, () => page.getByRole('link', { name: 'Recovery code' }).click());
  await look(page, 'recovery code', resp, { h1: 'Recovery code' });
  await typeInto(page.getByLabel('Your password'), ada.password);
  resp = await submit(page, () => page.getByRole('button', { name: 'Make a new recovery code' }).click());
  await look(page, 'new recovery code', resp, { h1: 'Your recovery code' });
  is(pathOf(page), '/contacts/recovery-code/new', 'the code is shown on a page of its own, after a redirect');
  ada.recoveryCode = await text(page.locator('#recovery-code'));
  like(ada.recoveryCode, /^[A-Z2-7]{4}(-[A-Z2-7]{4})+$/, 'the code is shown, in groups of four');
  resp = await submit(page, () => page.reload());
  await look(page, 'recovery code after a reload', resp, { h1: 'Your recovery code' });
  is(await text(page.locator('#recovery-code')), ada.recoveryCode, 'a reload shows the same code, not a new one');
  is(sql(`SELECT count(*) FROM events e JOIN accounts a ON a.id = e.account_id WHERE a.username = '${ada.username}' AND e.kind = 'recovery_code_created'`)[0]?.[0] ?? null,
    '1', 'one code was made');
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download it as a text file' }).click()]);
  const saved = fs.readFileSync(await download.path(), 'utf8');
  like(download.suggestedFilename(), /\.txt$/, 'the download is a text file');
  if (ok(saved.split('\n').some((l) => l.trim() === ada.recoveryCode), 'with the code alone on a line')) seen.add('recovery_code_text.tpl');
  resp = await submit(page, () => page.getByRole('link', { name: 'Open a page to print' }).click());
  await look(page, 'recovery code to print', resp, { h1: 'Postern recovery code' });
  is(await text(page.locator('#recovery-code')), ada.recoveryCode, 'the print view shows the same code');
  await page.emulateMedia({ media: 'print' });
  ok(!(await page.locator('header.top').isVisible()) && await page.locator('#recovery-code').isVisible(),
    'printed, it shows the code without the menus (no script needed)');
  await page.emulateMedia({ media: 'screen' });
  resp = await submit(page, () => page.getByRole('link', { name: 'Back to your code' }).click());
  await look(page, 'recovery code again', resp, { h1: 'Your recovery code' });
  resp = await submit(page, () => page.getByRole('button', { name: 'I have saved it' }).click());
  is(pathOf(page), '/contacts', 'back on the contacts page');
  resp = await go(page, '/contacts/recovery-code/new');
  await look(page, 'recovery code saved', resp, { h1: 'Recovery code' });
  is(await page.locator('#recovery-code').count(), 0, 'once saved, the code is not shown again');
  like(await text(page.locator('main')), /can no longer be shown/, 'the page says so');
  resp = await go(page, '/contacts');
  like(await text(page.locator('main li', { hasText: 'Recovery code' })), /made/, 'which says a recovery code exists');
  deliver();

  resp = await submit(page, () => page.getByRole('link', { name: 'Two-step verification' }).click());
  await look(page, 'two-step setup', resp, { h1: 'Two-step verification' });
  is(await page.locator('main .warning').count(), 0, 'nothing blocks turning it on (a phone is verified)');
  // R8: the key is a way in, so the page asks for the password before
  // it shows the key, once; it used to show it to any session.
  is(await page.locator('#totp-secret').count(), 0, 'the key is not shown before the password');
  await typeInto(page.getByLabel('Your password'), ada.password);
  resp = await submit(page, () => page.getByRole('button', { name: 'Show the key for my authenticator' }).click());
  await look(page, 'two-step key', resp, { h1: 'Two-step verification' });
  const qr = await page.locator('.qr svg').count();
  is(qr, 1, 'a QR code is drawn');
  is(await page.getByRole('img', { name: /QR code/ }).count(), 1, 'and a screen reader names it');
  const secret = (await page.locator('#totp-secret').innerText()).replace(/\s+/g, '');
  like(secret, /^[A-Z2-7]{32}$/, 'the key to type by hand is 32 base32 characters (20 bytes)');

  const now = totpAt(secret, Math.floor(Date.now() / 30000));
  await typeInto(page.getByLabel('Code from your authenticator'), now === '000000' ? '111111' : '000000');
  resp = await submit(page, () => page.getByRole('button', { name: 'Turn on' }).click());
  const refused = await look(page, 'two-step wrong code', resp, { status: 422, h1: 'Two-step verification' });
  is(refused.errors.length, 1, 'a wrong code is refused with one .error');
  is(await page.locator('#totp-secret').count(), 0, 'the key is not shown again, the form for the code is');
  await typeInto(page.getByLabel('Code from your authenticator'), await nextTotp(secret));
  resp = await submit(page, () => page.getByRole('button', { name: 'Turn on' }).click());
  is(pathOf(page), '/contacts', 'a right code turns it on and leads back to the contacts');
  like(await text(page.locator('main li', { hasText: 'Two-step verification' })), /on\./, 'which say two-step verification is on');
  ada.secret = secret;
  const got = deliver();
  ok(mailsTo(got.mails, ada.email).length === 1, 'the primary address is told');
  is(sql(`SELECT totp_enabled_at > 0 FROM accounts WHERE username = '${ada.username}'`)[0]?.[0] ?? null, '1', 'the database has it on');

  resp = await submit(page, () => page.getByRole('button', { name: 'Log out' }).click());
  await look(page, 'logged out', resp, { h1: 'Log in' });
  await typeInto(page.getByLabel('Username or email address'), ada.username);
  await typeInto(page.getByLabel('Password'), ada.password);
  resp = await submit(page, () => page.getByRole('button', { name: 'Log in' }).click());
  await look(page, 'login second step', resp, { h1: 'Two-step verification' });
  is(pathOf(page), '/login/2fa', 'the password leads to the second step');
  is(await page.evaluate(() => document.activeElement?.id), 'code', 'the code field has the focus');
  await page.keyboard.type(await nextTotp(ada.secret));
  resp = await submit(page, () => page.keyboard.press('Enter'));
  is(pathOf(page), '/account', 'the TOTP code completes the login');
  is(await text(page.locator('#username')), ada.username, '/account shows her name again');
}

// Journey 4: a reset from another browser, proved by phone and email,
// confirmed from the link mailed to the address that was not a proof.
async function journeyReset(browser) {
  note('Journey 4: Ada resets her password from another browser and confirms it from the mailed link');
  // Two days later: her address, recovery address, phone, recovery
  // code and authenticator are older than reset_delay, so each may
  // prove a reset (R9).
  ok(ageAccount(ada.username), 'two days pass: Ada\'s ways in are older than reset_delay (R9)');
  const page = await newPage(browser);
  let resp = await go(page, '/login');
  const forgot = page.locator('main a[href$="/reset"]');
  if (await forgot.count()) {
    resp = await submit(page, () => forgot.first().click());
  } else {
    resp = await go(page, '/reset');
  }
  await look(page, 'reset request', resp, { h1: 'Forgotten password' });
  await typeInto(page.getByLabel('Username or email address'), ada.username);
  resp = await submit(page, () => page.getByRole('button', { name: 'Send codes' }).click());
  await look(page, 'reset proofs', resp, { h1: 'Prove it is you', newPassword: true });
  is(pathOf(page), `/reset/prove?username=${ada.username}`, 'it leads to /reset/prove with the name as typed');
  is(await page.inputValue('#username'), ada.username, 'the name is filled in');

  const got = deliver();
  const primary = mailsTo(got.mails, ada.email);
  const backup = mailsTo(got.mails, ada.backup);
  const phone = smsTo(got.sms, ada.phone);
  is([primary.length, backup.length, phone.length], [1, 1, 1], 'a code goes to each verified channel');
  const emailCode = primary.length ? codesIn(primary[0].body)[0] : undefined;
  const smsCode = phone.length ? codesIn(phone[0].text)[0] : undefined;
  like(emailCode, /^\d{8}$/, 'the primary address gets an 8-digit code');
  like(smsCode, /^\d{8}$/, 'the phone gets one too');

  // With 2FA on one email code is not enough.
  const boxes = page.getByRole('textbox', { name: /^Proof/ });
  ok((await boxes.count()) >= 2, 'the form has at least two proof boxes');
  await typeInto(boxes.nth(0), emailCode);
  await typeInto(page.getByLabel('New password'), NEW_PASSWORD);
  resp = await submit(page, () => page.getByRole('button', { name: 'Reset password' }).click());
  const refused = await look(page, 'reset one proof refused', resp, { status: 422, h1: 'Prove it is you', newPassword: true });
  ok(refused.errors.length === 1, 'one email code alone is refused with 2FA on, with one .error', refused.errors);

  // Her authenticator and the email code: two channels, one not an
  // email.  (Proven without the authenticator, the reset would turn 2FA
  // off when it takes effect: that is how a lost authenticator is
  // recovered, and it is told in the notice.)
  const again = page.getByRole('textbox', { name: /^Proof/ });
  await typeInto(again.nth(0), await nextTotp(ada.secret));
  await typeInto(again.nth(1), emailCode);
  await typeInto(page.getByLabel('New password'), NEW_PASSWORD);
  resp = await submit(page, () => page.getByRole('button', { name: 'Reset password' }).click());
  await look(page, 'reset waiting', resp, { h1: 'Your new password is waiting' });
  like(await text(page.locator('.notice')), /takes effect on .* UTC/, 'the notice says when the new password takes effect');

  // The browser where Ada was logged in before shows the banner.
  const old = ada.page;
  resp = await go(old, '/account');
  await look(old, 'account with pending reset banner', resp, { h1: 'Your account' });
  ok(await old.locator('#pending-reset').isVisible(), 'a session from before the reset shows the pending-reset banner');
  like(await text(old.locator('#pending-reset h2')), /new password is waiting/i, 'the banner says a new password is waiting');

  const told = deliver();
  const confirmMail = mailsTo(told.mails, ada.backup);
  is(confirmMail.length, 1, 'the recovery address is told');
  const confirm = confirmMail.length ? linksIn(confirmMail[0].body, '/reset/confirm?t=')[0] : undefined;
  ok(!!confirm, 'with a confirm link (it was not used as a proof)', confirmMail[0]?.body);
  const primaryTold = mailsTo(told.mails, ada.email);
  ok(primaryTold.length === 1 && linksIn(primaryTold[0].body, '/reset/confirm').length === 0,
    'the primary address, used as a proof, is told without a confirm link');

  // The link opens in Ada's mail app's browser: no session there.
  const mailApp = await newPage(browser);
  resp = await go(mailApp, confirm);
  await look(mailApp, 'reset confirm page', resp, { h1: 'Confirm the new password' });
  is(await mailApp.locator('main button').count(), 1, 'the confirm page has one button');
  resp = await submit(mailApp, () => mailApp.getByRole('button', { name: /use the new password now/ }).click());
  await look(mailApp, 'login after reset', resp, { h1: 'Log in' });
  like(await text(mailApp.locator('.notice')), /new password is in force/, 'the login page says the new password is in force');
  deliver();

  resp = await go(old, '/account');
  ok(!/\/account$/.test(new URL(old.url()).pathname) || resp.status() === 403,
    'the session from before the reset has ended', { url: old.url(), status: resp.status() });

  // The old password no longer works, the new one does (with TOTP).
  await typeInto(mailApp.getByLabel('Username or email address'), ada.email);
  await typeInto(mailApp.getByLabel('Password'), ada.password);
  resp = await submit(mailApp, () => mailApp.getByRole('button', { name: 'Log in' }).click());
  is(resp.status(), 422, 'the old password is refused');
  await typeInto(mailApp.getByLabel('Password'), NEW_PASSWORD);
  resp = await submit(mailApp, () => mailApp.getByRole('button', { name: 'Log in' }).click());
  is(pathOf(mailApp), '/login/2fa', 'the new password, with her address as the name, leads to the second step');
  await typeInto(mailApp.getByLabel('Code'), await nextTotp(ada.secret));
  resp = await submit(mailApp, () => mailApp.getByRole('button', { name: 'Continue' }).click());
  await look(mailApp, 'account after reset', resp, { h1: 'Your account' });
  is(await text(mailApp.locator('#username')), ada.username, 'she is in her account with the new password');
  ada.page = mailApp;
  ada.password = NEW_PASSWORD;
  await old.context().close();
  await page.context().close();
}

// Journey 5: an email change, confirmed from the new address, reverted
// from the old one (DESIGN section 2, R5 and R8: the change is asked
// for with the password, and with 2FA on also a code typed with it).
async function journeyEmailChange(browser) {
  note('Journey 5: Ada asks to change her address with her password and a code; Ben changes his, confirms it from the new one and undoes it from the old one');
  const probe = await browser.newContext();
  const r404 = await probe.request.get(`${BASE}/email`, { maxRedirects: 0 });
  const status = r404.status();
  await probe.close();
  const planned = [
    'the email page asks for the new address and the password',
    'a confirmation link reaches the new address; its page has one button',
    'pressing it makes the new address the account\'s',
    'the old address gets a notice with a revert link',
    'the revert page has one button; pressing it restores the old address and ends every session',
  ];
  if (status === 404) {
    for (const p of planned) skip(p, 'GET /email answers 404: the email-change pages (issue 6) are not built yet');
    return;
  }

  // Ada has 2FA and proved a TOTP code a moment ago, when she logged
  // in; with twofa_recent at its default ("none") that code does not
  // stand in for one typed with the change (R8).
  if (ada.page && !ada.page.isClosed()) {
    const p = ada.page;
    let resp = await go(p, '/email');
    const f = await look(p, 'email change form after a recent TOTP', resp, { h1: /email/i });
    const named = (name) => f.fields.filter((x) => x.name === name);
    const pw = named('password');
    ok(named('email').length === 1 && named('code').length === 1 && pw.length === 1 &&
      pw[0].type === 'password' && pw[0].autocomplete === 'current-password',
    'with 2FA proven minutes ago, Ada\'s email page still asks for the address, her password (type=password, autocomplete=current-password) and a code (R8)', f.fields);

    // She types all three, as the page asks.
    await typeInto(p.getByLabel('New email address'), ada.newEmail);
    await typeInto(p.getByLabel('Your password'), ada.password);
    await typeInto(p.getByLabel('Code from your authenticator app'), await nextTotp(ada.secret));
    resp = await submit(p, () => p.getByRole('button', { name: 'Send a confirmation link' }).click());
    await look(p, 'email change sent with password and code', resp, { h1: /email/i });
    is(pathOf(p), '/email?sent=1', 'with her password and a fresh code the change is accepted');
    ok(await p.locator('main .notice').count() > 0, 'a notice says the link is on its way');
    ok(sql(`SELECT email FROM accounts WHERE username = '${ada.username}'`)[0]?.[0] === ada.email,
      'her address stays in force until the new one confirms');
    const sent = deliver();
    const toNew = mailsTo(sent.mails, ada.newEmail);
    ok(toNew.length === 1 && linksIn(toNew[0].body, '/email/confirm?t=').length === 1,
      'one mail with a confirmation link reaches the address she typed', sent.mails.map((m) => ({ to: m.to, subject: m.subject })));
    await p.context().close();
  }

  // Ben: signup, verify and login, pages already looked at above.
  const page = await newPage(browser);
  await go(page, '/signup');
  await typeInto(page.getByLabel('Username'), ben.username);
  await typeInto(page.getByLabel('Email address'), ben.email);
  await typeInto(page.getByLabel('Password'), ben.password);
  await submit(page, () => page.getByRole('button', { name: 'Create account' }).click());
  let got = deliver();
  const vlink = linksIn(mailsTo(got.mails, ben.email)[0]?.body || '', '/verify?t=')[0];
  await go(page, vlink);
  await submit(page, () => page.getByRole('button', { name: 'Verify my address' }).click());
  await typeInto(page.getByLabel('Username or email address'), ben.username);
  await typeInto(page.getByLabel('Password'), ben.password);
  let resp = await submit(page, () => page.getByRole('button', { name: 'Log in' }).click());
  is(pathOf(page), '/account', 'Ben signs up, verifies and logs in');

  resp = await go(page, '/email');
  const facts = await look(page, 'email change form', resp, { h1: /email/i });
  ok(facts.fields.some((f) => f.name === 'email') && facts.fields.some((f) => f.name === 'password' && f.type === 'password'),
    'the email page asks for the new address and the password', facts.fields);
  ok(!facts.fields.some((f) => f.name === 'code'), 'and no TOTP code (Ben has no two-step verification)', facts.fields);

  // A refused change first: the address he already has.
  await typeInto(page.getByLabel('New email address'), ben.email.toUpperCase());
  await typeInto(page.getByLabel('Your password'), ben.password);
  resp = await submit(page, () => page.getByRole('button', { name: 'Send a confirmation link' }).click());
  const refused = await look(page, 'email change refused', resp, { status: 422, h1: /email/i });
  ok(refused.errors.length === 1, 'his own address (in capitals) is refused with one .error', refused.errors);
  is(await page.getByLabel('New email address').inputValue(), ben.email.toUpperCase(), 'and what he typed is kept');
  is(await page.getByLabel('Your password').inputValue(), '', 'but not his password');

  await typeInto(page.getByLabel('New email address'), ben.newEmail);
  await typeInto(page.getByLabel('Your password'), ben.password);
  resp = await submit(page, () => page.getByRole('button', { name: 'Send a confirmation link' }).click());
  await look(page, 'email change sent', resp, { h1: /email/i });
  ok(await page.locator('main .notice').count() > 0, 'a notice says the link is on its way');
  ok(sql(`SELECT email FROM accounts WHERE username = '${ben.username}'`)[0]?.[0] === ben.email,
    'the old address stays in force until the new one confirms');

  got = deliver();
  const toNew = mailsTo(got.mails, ben.newEmail);
  is(toNew.length, 1, 'one mail reaches the new address');
  const confirm = toNew.length ? linksIn(toNew[0].body, '/email/confirm?t=')[0] : undefined;
  ok(!!confirm, 'with a confirmation link alone on its line', toNew[0]?.body);
  let oldMails = mailsTo(got.mails, ben.email);

  // The new mailbox is read on another device.
  const other = await newPage(browser);
  resp = await go(other, confirm);
  await look(other, 'email confirm page', resp, { h1: /confirm/i });
  is(await other.locator('main button').count(), 1, 'the confirmation page has one button');
  ok(sql(`SELECT email FROM accounts WHERE username = '${ben.username}'`)[0]?.[0] === ben.email,
    'opening the link alone changes nothing (R7)');
  resp = await submit(other, () => other.locator('main form button').click());
  await look(other, 'email confirmed', resp, {});
  ok(await other.locator('main .notice').count() > 0, 'a notice says the change is done', await other.locator('main').innerText());

  resp = await go(page, '/account');
  like(await text(page.locator('#email')), new RegExp(ben.newEmail.replace(/\./g, '\\.')), '/account shows the new address');

  got = deliver();
  oldMails = oldMails.concat(mailsTo(got.mails, ben.email));
  const revertLinks = oldMails.flatMap((m) => linksIn(m.body, '/email/revert?t='));
  is(revertLinks.length, 1, 'the old address gets a notice with a revert link alone on its line');

  const oldBox = await newPage(browser);
  resp = await go(oldBox, revertLinks[0]);
  await look(oldBox, 'email revert page', resp, { h1: /undo|revert|restore/i });
  is(await oldBox.locator('main button').count(), 1, 'the revert page has one button');
  resp = await submit(oldBox, () => oldBox.locator('main form button').click());
  await look(oldBox, 'email reverted', resp, {});
  ok(await oldBox.locator('main .notice').count() > 0, 'a notice says the old address is back');
  deliver();

  resp = await go(page, '/account');
  ok(!/\/account$/.test(new URL(page.url()).pathname) || resp.status() === 403,
    'the revert ended Ben\'s session', { url: page.url(), status: resp.status() });
  await go(page, '/login');
  await typeInto(page.getByLabel('Username or email address'), ben.email);
  await typeInto(page.getByLabel('Password'), ben.password);
  resp = await submit(page, () => page.getByRole('button', { name: 'Log in' }).click());
  is(pathOf(page), '/account', 'he logs in with the old address again');
  like(await text(page.locator('#email')), new RegExp(ben.email.replace(/\./g, '\\.')), '/account shows the old address');
  for (const c of [page, other, oldBox]) await c.context().close();
}

// Journey 6: the pages the others pass by: activity, domains, the kit,
// error pages, the lockout warning, and a reset stopped from its link.
async function journeyCorners(browser) {
  note('Journey 6: Ben looks at his activity, adds and removes a domain, asks for a kit, meets the error pages, is warned before a lockout and stops a reset from the mail');
  const page = await newPage(browser);
  await go(page, '/login');
  await typeInto(page.getByLabel('Username or email address'), ben.username);
  await typeInto(page.getByLabel('Password'), ben.password);
  let resp = await submit(page, () => page.getByRole('button', { name: 'Log in' }).click());
  is(pathOf(page), '/account', 'Ben logs in');

  resp = await go(page, '/account/activity');
  await look(page, 'activity', resp, { h1: 'Account activity' });
  ok(await page.locator('#sessions li').count() > 0 && await page.locator('#events tr.event').count() > 0,
    'it lists his sessions and his security events');

  // Domains: a URL typed for a name is refused and kept; a name is
  // added, pending; its check finds no TXT record (the stack's DNS
  // server has none); it is removed.
  resp = await go(page, '/domains');
  await look(page, 'domains', resp, { h1: 'Your domains' });
  const domain = `ben${process.pid % 100000}.example`;
  await typeInto(page.getByLabel('Domain name'), `https://${domain}/`);
  resp = await submit(page, () => page.getByRole('button', { name: 'Add domain' }).click());
  const refused = await look(page, 'domain refused', resp, { status: [400, 422], h1: 'Your domains' });
  is(refused.errors.length, 1, 'a URL for a domain name is refused with one .error');
  is(await page.getByLabel('Domain name').inputValue(), `https://${domain}/`, 'and what he typed is kept');
  await typeInto(page.getByLabel('Domain name'), domain);
  resp = await submit(page, () => page.getByRole('button', { name: 'Add domain' }).click());
  await look(page, 'domain pending', resp, { h1: 'Your domains' });
  const row = page.locator('li.domain', { hasText: domain });
  like(await text(row), /pending/, 'the domain is listed as pending, with the TXT record to publish');
  resp = await submit(page, () => row.getByRole('button', { name: /Check now/ }).click());
  const unproved = await look(page, 'domain not proved yet', resp, { status: 422, h1: 'Your domains' });
  is(unproved.errors.length, 1, 'without the TXT record the check says so in one .error');
  resp = await submit(page, () => page.locator('li.domain', { hasText: domain }).getByRole('button', { name: /Remove/ }).click());
  await look(page, 'domain removed', resp, { h1: 'Your domains' });
  is(await page.locator('li.domain', { hasText: domain }).count(), 0, 'the domain is gone');

  resp = await go(page, '/contacts/kit');
  await look(page, 'kit', resp, { h1: 'Recovery kit' });
  await typeInto(page.getByLabel('Your password'), ben.password);
  resp = await submit(page, () => page.getByRole('button', { name: 'Send a new kit' }).click());
  const nokit = await look(page, 'kit refused', resp, { status: 422, h1: 'Recovery kit' });
  is(nokit.errors.length, 1, 'without a recovery address no kit is made, and one .error says so');

  // The error pages.
  resp = await go(page, '/account/no-such-page');
  await look(page, 'not found', resp, { status: 404 });
  resp = await go(page, '/domains');
  // A form that arrives without one of its fields.
  await page.locator('form[action$="/domains"] input[name=domain]').evaluate((el) => el.remove());
  resp = await submit(page, () => page.getByRole('button', { name: 'Add domain' }).click());
  await look(page, 'form with a field missing', resp, { status: 400 });
  resp = await go(page, '/domains');
  // A form kept open too long: its CSRF token no longer fits.
  await page.locator('form[action$="/domains"] input[name=csrf]').evaluate((el) => { el.value = 'expired'; });
  await typeInto(page.getByLabel('Domain name'), domain);
  resp = await submit(page, () => page.getByRole('button', { name: 'Add domain' }).click());
  await look(page, 'expired form', resp, { status: 403 });
  await page.context().close();

  // Wrong passwords from a browser that never logged in to his account:
  // before the lockout closes, the page says how many tries are left.
  const stranger = await newPage(browser);
  await go(stranger, '/login');
  for (let i = 1; i <= 7; i++) {
    await typeInto(stranger.getByLabel('Username or email address'), ben.username);
    await typeInto(stranger.getByLabel('Password'), `wrong password ${i}`);
    resp = await submit(stranger, () => stranger.getByRole('button', { name: 'Log in' }).click());
  }
  const warned = await look(stranger, 'login: three tries left', resp, { status: 422, h1: 'Log in' });
  like(warned.errors[0], /\b3\b.*\btries\b/, 'the 7th wrong password warns: 3 tries left before logging in pauses');
  await stranger.context().close();

  // A reset Ben did not ask for, stopped from the link in his mail.
  ok(ageAccount(ben.username), 'two days pass for Ben (R9)');
  const thief = await newPage(browser);
  await go(thief, '/reset');
  await typeInto(thief.getByLabel('Username or email address'), ben.username);
  await submit(thief, () => thief.getByRole('button', { name: 'Send codes' }).click());
  let got = deliver();
  const code = codesIn(mailsTo(got.mails, ben.email)[0]?.body || '')[0];
  await typeInto(thief.getByRole('textbox', { name: /^Proof/ }).first(), code || '');
  await typeInto(thief.getByLabel('New password'), NEW_PASSWORD);
  resp = await submit(thief, () => thief.getByRole('button', { name: 'Reset password' }).click());
  like(pathOf(thief), /^\/reset\?pending=1/, 'a reset proved with Ben\'s mailed code waits');
  await thief.context().close();
  got = deliver();
  const reject = mailsTo(got.mails, ben.email).flatMap((m) => linksIn(m.body, '/reset/reject?t='))[0];
  ok(!!reject, 'Ben\'s address gets a link that stops it');
  const mailApp = await newPage(browser);
  resp = await go(mailApp, reject);
  await look(mailApp, 'reset reject page', resp, { h1: 'Stop the password change' });
  is(await mailApp.locator('main button').count(), 1, 'the page has one button');
  resp = await submit(mailApp, () => mailApp.locator('main form button').click());
  await look(mailApp, 'reset rejected', resp, { h1: /stopped/ });
  ok(sql(`SELECT count(*) FROM resets r JOIN accounts a ON a.id = r.account_id WHERE a.username = '${ben.username}' AND r.state = 'pending'`)[0]?.[0] === '0',
    'no reset of Ben\'s is pending any more');
  deliver();
  await mailApp.context().close();

  // Ada, last: two-step verification turned off, with her password
  // and a code.
  const adas = await newPage(browser);
  await go(adas, '/login');
  await typeInto(adas.getByLabel('Username or email address'), ada.username);
  await typeInto(adas.getByLabel('Password'), ada.password);
  await submit(adas, () => adas.getByRole('button', { name: 'Log in' }).click());
  await typeInto(adas.getByLabel('Code'), await nextTotp(ada.secret));
  await submit(adas, () => adas.getByRole('button', { name: 'Continue' }).click());
  resp = await go(adas, '/contacts/2fa');
  await look(adas, 'two-step on', resp, { h1: 'Two-step verification' });
  await typeInto(adas.getByLabel('Your password'), ada.password);
  await typeInto(adas.getByLabel('Code from your authenticator'), await nextTotp(ada.secret));
  resp = await submit(adas, () => adas.getByRole('button', { name: 'Turn off' }).click());
  is(pathOf(adas), '/contacts', 'turned off, it leads back to the contacts');
  like(await text(adas.locator('main li', { hasText: 'Two-step verification' })), /off\./, 'which say two-step verification is off');
  deliver();
  await adas.context().close();
}

// Journey 7: a mailed link opened while logged out: the login form,
// then (with 2FA) the page the link wanted; logging out says so.
async function journeyMailedLink(browser) {
  note('Journey 7: Ada opens a mailed link in a browser that is logged out, logs in with 2FA and lands on it');
  const page = await newPage(browser);
  let resp = await go(page, '/account/activity');
  await look(page, 'mailed link while logged out', resp, { status: 403, h1: 'Log in' });
  like(await text(page.locator('main .notice')), /^Log in to continue/, 'a neutral notice asks her to log in, no error');
  await typeInto(page.getByLabel('Username or email address'), ada.username);
  await typeInto(page.getByLabel('Password'), ada.password);
  resp = await submit(page, () => page.getByRole('button', { name: 'Log in' }).click());
  is(new URL(page.url()).pathname, '/login/2fa', 'her password leads to the second step');
  await page.getByLabel(/code/i).first().fill(await nextTotp(ada.secret));
  resp = await submit(page, () => page.keyboard.press('Enter'));
  await look(page, 'the mailed link after login', resp, { h1: 'Account activity' });
  is(pathOf(page), '/account/activity', 'she lands on the page the link wanted');
  resp = await submit(page, () => page.getByRole('button', { name: 'Log out' }).click());
  await look(page, 'notice: logged out', resp, { h1: 'Log in' });
  like(await text(page.locator('main .notice')), /^You are logged out/, 'a notice says she is logged out');
  await page.context().close();
}

// ------------------------------------------------------------------ //

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const f of fs.readdirSync(SHOTS)) if (f.endsWith('.png')) fs.unlinkSync(path.join(SHOTS, f));
  if (!fs.existsSync(CHROMIUM)) {
    ok(false, `Chromium is at ${CHROMIUM}`, 'install it: sh scripts/deps.sh browser (make test does)');
    return;
  }
  // Everything delivered before the journeys (nothing, normally) is old.
  deliver();

  // playwright-core gives Chromium a fresh --user-data-dir of its own.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  note(`Chromium ${browser.version()}, playwright-core ${JSON.parse(fs.readFileSync(new URL('./node_modules/playwright-core/package.json', import.meta.url))).version}`);
  const journeys = [
    ['signup', journeySignup, true],
    ['contacts', journeyContacts, true],
    ['totp', journeyTotp, true],
    ['reset', journeyReset, true],
    ['account', journeyAccount, true],
    ['form errors', journeyFormErrors, false],
    ['email change', journeyEmailChange, false],
    // Before the corners: they turn Ada's two-step verification off.
    ['mailed link', journeyMailedLink, true],
    ['corners', journeyCorners, false],
  ];
  let broken = null;
  try {
    for (const [name, fn, adas] of journeys) {
      if (adas && broken) {
        skip(`journey ${name}`, `it follows the ${broken} journey, which failed`);
        continue;
      }
      const t0 = Date.now();
      try {
        await fn(browser);
      } catch (e) {
        ok(false, `journey ${name} ran to its end`, e.stack || String(e));
        if (adas) broken = name;
      }
      note(`journey ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    is(faviconMisses, [], 'every resource the browser asked for was there (no failed /favicon.ico)');
    is(unseenTemplates(), [], `every page template was seen (${seen.size} of them)`);
  } finally {
    await browser.close();
  }
}

const timer = setTimeout(() => {
  ok(false, `the journeys finished within ${TIME_LIMIT_MS / 1000} s`);
  out(`1..${n}`);
  process.exit(1);
}, TIME_LIMIT_MS);

main().then(() => {
  clearTimeout(timer);
  out(`1..${n}`);
  if (n === 0) diag('No tests run!');
  process.exitCode = failed || n === 0 ? 1 : 0;
}, (e) => {
  clearTimeout(timer);
  ok(false, 'journeys.mjs ran without an exception', e.stack || String(e));
  out(`1..${n}`);
  process.exitCode = 1;
});

// Journey 7: a signup with two fields wrong, from a browser that does not
// check them itself (the server's checks are what count): each error
// beside its field, marked for screen readers, all at once, and the
// focus on the first, without a script (the CSP allows none).
async function journeyFormErrors(browser) {
  note('Journey 7: a signup with two bad fields shows both beside them, the focus on the first');
  const page = await newPage(browser);
  await go(page, '/signup');
  await page.locator('form[action$="/signup"]').evaluate((f) => { f.noValidate = true; });
  await typeInto(page.getByLabel('Username'), 'x!');
  await typeInto(page.getByLabel('Email address'), 'not-an-address');
  await typeInto(page.getByLabel('Password'), 'another horse battery 9');
  const resp = await submit(page, () => page.getByRole('button', { name: 'Create account' }).click());
  const facts = await look(page, 'signup with two bad fields', resp, { status: 400, h1: 'Create an account', newPassword: true });
  is(await page.evaluate(() => document.activeElement?.id), 'username', 'the focus is on the first refused field, the username');
  for (const [id, words] of [['username', /^Type a username of 3 to 32/], ['email', /does not look like an email address/]]) {
    const input = page.locator(`#${id}`);
    is(await input.getAttribute('aria-invalid'), 'true', `#${id} is marked invalid for screen readers`);
    ok((await input.getAttribute('aria-describedby') || '').split(' ').includes(`${id}-error`), `#${id} is described by its error`);
    ok(await page.locator(`#${id}-error`).isVisible(), `the error of #${id} shows beside it`);
    like(await text(page.locator(`#${id}-error`)), words, `and says what to type (${words.source})`);
  }
  is(await page.locator('#password').getAttribute('aria-invalid'), null, 'the password, typed well, is not marked');
  ok(facts.errors.length === 1 && /Username.*Email address/s.test(facts.errors[0]), 'one summary at the top names both fields', facts.errors);
  is(await page.inputValue('#username'), 'x!', 'the typed username is kept');
  is(await page.inputValue('#email'), 'not-an-address', 'the typed address is kept');
  is(await page.inputValue('#password'), '', 'the password is not');
  await page.context().close();
}
