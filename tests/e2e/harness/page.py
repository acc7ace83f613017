"""
What a person reads on a page: an element's text, the blocks of text,
the row that names something, the forms and their fields.
"""

import html.parser

from .client import _VOID


class _ElementText(html.parser.HTMLParser):
    """The text of the first element with a given id, and the raw start
    tags of the page."""

    def __init__(self, want_id):
        super().__init__(convert_charrefs=True)
        self.want = want_id
        self.stack = []         # [tag, capturing]
        self.parts = None
        self.done = False

    def handle_starttag(self, tag, attrs):
        a = dict((k, v or '') for k, v in attrs)
        hit = not self.done and self.parts is None and \
            a.get('id') == self.want
        if hit:
            self.parts = []
        if tag in _VOID:
            if hit:
                self.done = True
            return
        self.stack.append([tag, hit])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                if any(c for _t, c in self.stack[i:]):
                    self.done = True
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.parts is not None and not self.done:
            self.parts.append(data)


def element_text(resp, element_id):
    """The text of the page's element with the given id, white space
    folded, or None when there is no such element."""
    p = _ElementText(element_id)
    p.feed(resp.text)
    p.close()
    if p.parts is None:
        return None
    return ' '.join(''.join(p.parts).split())


class _Blocks(html.parser.HTMLParser):
    """Texts of the elements that make one row of a list or table."""

    TAGS = ('li', 'tr', 'article', 'section', 'div', 'fieldset', 'dd',
            'p', 'form', 'table', 'ul', 'ol', 'dl')

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []         # [tag, parts or None, index in out]
        self.out = []           # [tag, text] in document order
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ('script', 'style'):
            self.skip += 1
        if tag in _VOID:
            return
        if tag in self.TAGS:
            self.out.append([tag, None])
            self.stack.append([tag, [], len(self.out) - 1])
        else:
            self.stack.append([tag, None, None])

    def handle_endtag(self, tag):
        if tag in ('script', 'style') and self.skip:
            self.skip -= 1
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for el in self.stack[i:]:
                    self._close(el)
                del self.stack[i:]
                break

    def _close(self, el):
        if el[1] is not None:
            self.out[el[2]][1] = ' '.join(''.join(el[1]).split())

    def handle_data(self, data):
        if self.skip:
            return
        for el in self.stack:
            if el[1] is not None:
                el[1].append(data + ' ')

    def close(self):
        super().close()
        for el in self.stack:
            self._close(el)
        self.stack = []


def blocks(resp, tags=None):
    """(tag, text) of the page's block elements (li, tr, div, section,
    ...) in document order; only those of tags when given."""
    p = _Blocks()
    p.feed(resp.text)
    p.close()
    return [(t, x or '') for t, x in p.out if tags is None or t in tags]


def row_with(resp, needle, tags=('li', 'tr', 'article', 'section', 'div',
                                 'fieldset', 'dd', 'p')):
    """The text of the smallest row-like element whose text contains
    needle (case-insensitive), or None."""
    n = needle.lower()
    found = [x for t, x in blocks(resp, tags) if n in x.lower()]
    return min(found, key=len) if found else None


def forms_to(client, resp, path):
    """The page's POST forms whose action ends with path (query
    ignored), each as a dict with 'fields' made a dict too."""
    out = []
    for f in client.forms(resp):
        action = (f['action'] or '').split('?')[0]
        if f['method'] == 'post' and action.endswith(path):
            g = dict(f)
            g['values'] = {}
            for name, _t, value in f['fields']:
                g['values'].setdefault(name, value)
            out.append(g)
    return out


def input_attrs(resp, name):
    """The attributes of the first input (or textarea) named name, as a
    dict, or None."""
    class P(html.parser.HTMLParser):
        found = None

        def handle_starttag(self, tag, attrs):
            a = dict((k, v if v is not None else '') for k, v in attrs)
            if self.found is None and tag in ('input', 'textarea') and \
                    a.get('name') == name:
                self.found = a
    p = P(convert_charrefs=True)
    p.feed(resp.text)
    p.close()
    return p.found
