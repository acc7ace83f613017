"""
A browser-like HTTP client (a cookie jar, the CSRF field filled in
like a form does, redirects left to the test) and the checks of the
security headers every response must carry.
"""

import email
import email.utils
import html.parser
import http.client
import re
import time
import urllib.parse


# The headers DESIGN section 2 asks of every response; lighttpd adds
# them to the static files it serves itself.
SECURITY_HEADERS = [
    ('Content-Security-Policy', "default-src 'self'; frame-ancestors 'none'; "
     "base-uri 'none'; object-src 'none'"),
    ('Referrer-Policy', 'no-referrer'),
    ('X-Content-Type-Options', 'nosniff'),
]


def csp_directives(policy):
    """A Content-Security-Policy as {directive: value}."""
    out = {}
    for part in policy.split(';'):
        words = part.split()
        if words:
            out.setdefault(words[0].lower(), ' '.join(words[1:]))
    return out


def csp_covers(got, want):
    """got has every directive of want with the same value."""
    g = csp_directives(got)
    return all(g.get(k) == v for k, v in csp_directives(want).items())


def header_problems(resp):
    """What a response lacks of the headers DESIGN section 2 asks of
    every response, as a list of sentences ([] when nothing)."""
    out = []
    h = resp.headers
    for name, want in SECURITY_HEADERS:
        got = h.get_all(name)
        if name == 'Content-Security-Policy' and len(got) == 1:
            # Every directive DESIGN names, with its value; a directive
            # more only tightens the policy.
            if not csp_covers(got[0], want):
                out.append('%s is %r' % (name, got))
        elif got != [want]:
            out.append('%s is %r' % (name, got))
    ctype = h.get('Content-Type', '')
    if not re.search(r';\s*charset=utf-8\s*$', ctype, re.I):
        out.append('Content-Type is %r' % ctype)
    server = h.get('Server')
    if server is not None and re.search(r'\d', server):
        out.append('Server is %r' % server)
    path = resp.path.split('?')[0]
    if not path.startswith('/static/'):
        # The programs' own responses: never cached, never framed (the
        # second for browsers older than frame-ancestors).
        if 'no-store' not in h.get('Cache-Control', ''):
            out.append('Cache-Control is %r' % h.get('Cache-Control'))
        if h.get_all('X-Frame-Options') != ['DENY']:
            out.append('X-Frame-Options is %r' % h.get_all('X-Frame-Options'))
    return ['%s %s (%d): %s' % (resp.method, resp.path, resp.status, p)
            for p in out]


class Headers:
    """Response headers: case-insensitive look-up of the first value
    (headers['content-type']), get_all(name), and items() in order."""

    def __init__(self, pairs):
        self.pairs = list(pairs)

    def get_all(self, name):
        name = name.lower()
        return [v for k, v in self.pairs if k.lower() == name]

    def get(self, name, default=None):
        vals = self.get_all(name)
        return vals[0] if vals else default

    def __getitem__(self, name):
        vals = self.get_all(name)
        if not vals:
            raise KeyError(name)
        return vals[0]

    def __contains__(self, name):
        return bool(self.get_all(name))

    def items(self):
        return list(self.pairs)

    def __repr__(self):
        return repr(self.pairs)


class Response:
    def __init__(self, method, path, status, reason, pairs, body):
        self.method = method
        self.path = path
        self.status = status
        self.reason = reason
        self.headers = Headers(pairs)
        self.header_list = list(pairs)
        self.body = body
        self.text = body.decode('utf-8', 'replace')

    @property
    def location(self):
        return self.headers.get('Location')

    @property
    def is_html(self):
        return self.headers.get('Content-Type', '').lower().startswith(
            'text/html')

    def set_cookie(self, name):
        """The attributes of this response's Set-Cookie for name, as a
        dict with 'value' and lower-case attribute names, or None."""
        found = None
        for v in self.headers.get_all('Set-Cookie'):
            c = parse_set_cookie(v)
            if c and c['name'] == name:
                found = c
        return found

    def __repr__(self):
        return '<Response %s %s: %d>' % (self.method, self.path, self.status)


def parse_set_cookie(value):
    parts = [p.strip() for p in value.split(';')]
    if not parts or '=' not in parts[0]:
        return None
    name, _, val = parts[0].partition('=')
    c = {'name': name.strip(), 'value': val.strip()}
    for p in parts[1:]:
        k, eq, v = p.partition('=')
        c[k.strip().lower()] = v.strip() if eq else True
    return c


class Client:
    """
    A browser without JavaScript: it keeps cookies, never follows
    redirects, and remembers the csrf token of the last HTML page it
    fetched so post() can send it the way the form would.
    """

    def __init__(self, stack):
        self.stack = stack
        self.cookies = {}
        self.csrf = None
        self.last = None
        # What the person behind the browser knows, for the proof R8
        # asks for with every change to the ways in (proof()).
        self.password = None
        self.auth = None
        self.user_agent = 'postern-e2e/1'

    def cookie(self, name='postern'):
        return self.cookies.get(name)

    def request(self, method, path, body=None, headers=None):
        h = {'Host': '127.0.0.1:%d' % self.stack.port,
             'User-Agent': self.user_agent,
             'Accept': 'text/html'}
        if self.cookies:
            h['Cookie'] = '; '.join('%s=%s' % kv for kv in
                                    self.cookies.items())
        if body is not None:
            h['Content-Type'] = 'application/x-www-form-urlencoded'
        for k, v in (headers or {}).items():
            for old in [x for x in h if x.lower() == k.lower()]:
                del h[old]
            if v is not None:
                h[k] = v
        if isinstance(body, str):
            body = body.encode('utf-8')
        conn = http.client.HTTPConnection('127.0.0.1', self.stack.port,
                                          timeout=60)
        try:
            conn.putrequest(method, path, skip_host=True,
                            skip_accept_encoding=True)
            for k, v in h.items():
                conn.putheader(k, v)
            if body is not None:
                conn.putheader('Content-Length', str(len(body)))
            conn.endheaders(body)
            r = conn.getresponse()
            data = r.read()
            resp = Response(method, path, r.status, r.reason,
                            r.getheaders(), data)
        finally:
            conn.close()
        self._keep_cookies(resp)
        self.stack.responses.append(resp)
        if resp.is_html and method != 'HEAD':
            self.last = resp
            token = self.form_values(resp).get('csrf')
            if token is not None:
                self.csrf = token
        return resp

    def _keep_cookies(self, resp):
        for v in resp.headers.get_all('Set-Cookie'):
            c = parse_set_cookie(v)
            if c is None:
                continue
            gone = c['value'] == '' or c.get('max-age') in ('0', '-1')
            if not gone and isinstance(c.get('expires'), str):
                try:
                    gone = email.utils.parsedate_to_datetime(
                        c['expires']).timestamp() < time.time()
                except (TypeError, ValueError):
                    pass
            if gone:
                self.cookies.pop(c['name'], None)
            else:
                self.cookies[c['name']] = c['value']

    def get(self, path, headers=None):
        return self.request('GET', path, headers=headers)

    def post(self, path, fields=(), csrf=True, headers=None, raw_body=None):
        """POST a form.  fields is a dict or a list of pairs (a name may
        repeat).  csrf=True adds the token of the last page unless the
        fields have one.  raw_body is sent exactly as given instead
        (no csrf added)."""
        if raw_body is not None:
            body = raw_body
        else:
            pairs = list(fields.items()) if isinstance(fields, dict) \
                else list(fields)
            if csrf and not any(k == 'csrf' for k, _ in pairs):
                if self.csrf is None:
                    raise RuntimeError('post(csrf=True) before any page '
                                       'with a csrf field was fetched')
                pairs.append(('csrf', self.csrf))
            body = urllib.parse.urlencode(pairs)
        return self.request('POST', path, body=body, headers=headers)

    # -- reading pages -- #

    @staticmethod
    def form_values(resp):
        """name -> value of the page's inputs, textareas and selects
        (the first of a repeated name)."""
        p = _PageParser.of(resp)
        out = {}
        for form in p.forms + [p.loose]:
            for name, _type, value in form['fields']:
                out.setdefault(name, value)
        return out

    @staticmethod
    def forms(resp):
        """The page's forms: dicts with method, action, fields (a list
        of (name, type, value)) and buttons (a list of their texts)."""
        p = _PageParser.of(resp)
        return p.forms

    @staticmethod
    def errors(resp):
        """Texts of the elements whose class list has "error"."""
        p = _PageParser.of(resp)
        return [t for t in p.errors]

    @staticmethod
    def heading(resp):
        """The text of the page's first h1 ('' without one)."""
        p = _PageParser.of(resp)
        return p.h1 or ''

    @staticmethod
    def links(resp):
        """The href of every a element."""
        p = _PageParser.of(resp)
        return p.links

    @staticmethod
    def text_of(resp):
        """The page's visible text with runs of white space folded."""
        p = _PageParser.of(resp)
        return ' '.join(''.join(p.text).split())


_VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link',
         'meta', 'source', 'track', 'wbr'}


# Elements that separate words in the text a person sees.
_SPACED = {'br', 'p', 'div', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'h1', 'h2',
           'h3', 'section', 'header', 'main', 'nav', 'form', 'label'}


class _PageParser(html.parser.HTMLParser):
    """Just enough of a page for the tests: forms and their fields,
    elements of class "error", the first h1, links and visible text."""

    @classmethod
    def of(cls, resp):
        """The parser that has read resp's page."""
        p = cls()
        p.feed(resp.text)
        p.close()
        return p

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.loose = {'method': None, 'action': None, 'fields': [],
                      'buttons': []}
        self.form = None
        self.stack = []         # open elements: [tag, capture list or None]
        self.errors = []
        self.h1 = None
        self.links = []
        self.text = []
        self.textarea = None
        self.select = None
        self.button = None
        self.skip = 0           # inside script/style

    def _fields(self):
        return (self.form or self.loose)['fields']

    def handle_starttag(self, tag, attrs):
        a = {}
        for k, v in attrs:
            a.setdefault(k, v if v is not None else '')
        classes = a.get('class', '').split()
        if tag == 'form':
            self.form = {'method': a.get('method', 'get').lower(),
                         'action': a.get('action'), 'fields': [],
                         'buttons': []}
            self.forms.append(self.form)
        elif tag == 'input' and 'name' in a:
            t = a.get('type', 'text').lower()
            if t not in ('checkbox', 'radio') or 'checked' in a:
                self._fields().append((a['name'], t, a.get('value', '')))
            if t == 'submit':
                (self.form or self.loose)['buttons'].append(
                    a.get('value', ''))
        elif tag == 'input' and a.get('type', '').lower() == 'submit':
            (self.form or self.loose)['buttons'].append(a.get('value', ''))
        elif tag == 'textarea' and 'name' in a:
            self.textarea = [a['name'], []]
        elif tag == 'select' and 'name' in a:
            self.select = [a['name'], None, None]   # name, first, selected
        elif tag == 'option' and self.select is not None:
            v = a.get('value', '')
            if self.select[1] is None:
                self.select[1] = v
            if 'selected' in a:
                self.select[2] = v
        elif tag == 'button':
            self.button = []
            if 'name' in a and a.get('type', 'submit') == 'submit':
                self._fields().append((a['name'], 'button',
                                       a.get('value', '')))
        elif tag == 'a' and 'href' in a:
            self.links.append(a['href'])
        if tag in ('script', 'style'):
            self.skip += 1
        if tag in _SPACED:
            self.handle_data(' ')
        if tag in _VOID:
            return
        capture = [] if 'error' in classes else None
        if tag == 'h1' and self.h1 is None:
            capture = capture if capture is not None else []
            self.stack.append([tag, capture, 'h1'])
        else:
            self.stack.append([tag, capture, 'error' if capture is not None
                               else None])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in ('script', 'style') and self.skip:
            self.skip -= 1
        if tag == 'form':
            self.form = None
        elif tag == 'textarea' and self.textarea is not None:
            self._fields().append((self.textarea[0], 'textarea',
                                   ''.join(self.textarea[1])))
            self.textarea = None
        elif tag == 'select' and self.select is not None:
            v = self.select[2] if self.select[2] is not None \
                else self.select[1]
            self._fields().append((self.select[0], 'select', v or ''))
            self.select = None
        elif tag == 'button' and self.button is not None:
            (self.form or self.loose)['buttons'].append(
                ' '.join(''.join(self.button).split()))
            self.button = None
        if tag in _VOID:
            return
        # Close up to the matching element (HTML lets some end tags be
        # left out).
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for el in self.stack[i:][::-1]:
                    self._close(el)
                del self.stack[i:]
                break

    def _close(self, el):
        _tag, capture, kind = el
        if capture is None:
            return
        text = ' '.join(''.join(capture).split())
        if kind == 'h1':
            self.h1 = text
        else:
            self.errors.append(text)

    def handle_data(self, data):
        if self.skip:
            return
        self.text.append(data)
        if self.textarea is not None:
            self.textarea[1].append(data)
        if self.button is not None:
            self.button.append(data)
        for el in self.stack:
            if el[1] is not None:
                el[1].append(data)

    def close(self):
        super().close()
        for el in self.stack[::-1]:
            self._close(el)
        self.stack = []
